using System;
using System.Management.Automation;
using RSerPool.Client;
using RSerPool.Sessions;

namespace RSerPool.PowerShell.Commands;

/// <summary>Opens a session with a pool, or with a given pool element.</summary>
/// <remarks>
/// <para>
/// Connect-PoolElement selects an element of the pool by its policy and opens an SCTP association to it,
/// trying the next element (and reporting the dead one to the registrar) when a connect fails; or it
/// connects to the element piped to it. It writes the session object: the pool handle, the current
/// element, the state, the number of failovers so far, whether an ASAP cookie is held and the last
/// error. Send-PoolRequest sends on it; Disconnect-PoolElement closes it; sessions still open are
/// closed when the runspace closes.
/// </para>
/// <para>
/// The session fails over by itself (RFC 5351 §2.5): when its element dies it reports it, selects
/// another, echoes the latest cookie, runs the -OnFailover script block on the new element, and resends
/// the request in flight when that is safe (the request is idempotent, or a cookie lets the new element
/// resume). The -OnFailover script block gets the session as its only argument and may send and
/// receive on it (Send-PoolRequest -Session $Session) before any request is resent: log in again,
/// replay a subscription, restore state the cookie does not carry. With -Standby the session keeps an
/// idle association to its next element, so a failover only echoes the cookie and resends.
/// </para>
/// </remarks>
/// <example title="Open a session and send on it">
/// <code>$session = Connect-PoolElement EchoPool
/// Send-PoolRequest -Session $session -Message 'hello'
/// Disconnect-PoolElement $session</code>
/// <para>Connects to an element of EchoPool selected by its policy, sends one request and closes the session.</para>
/// </example>
/// <example title="Connect to every element and run an application failover">
/// <code>$sessions = Resolve-PoolHandle EchoPool | Connect-PoolElement -OnFailover {
///     param($Session)
///     Send-PoolRequest -Session $Session -Message 'login' -ErrorAction Stop | Out-Null
/// }
/// $sessions | Format-Table PoolHandle, CurrentElement, State, FailoverCount
/// $sessions | Disconnect-PoolElement</code>
/// <para>Opens one session per element of EchoPool; after a failover each session logs in again on its new element before resending anything.</para>
/// </example>
/// <seealso cref="SendPoolRequestCommand"/>
/// <seealso cref="DisconnectPoolElementCommand"/>
/// <seealso cref="GetPoolSessionCommand"/>
[Cmdlet(VerbsCommunications.Connect, "PoolElement", DefaultParameterSetName = ByElementSet)]
[OutputType(typeof(PoolSession))]
public sealed class ConnectPoolElementCommand : RegistrarCmdletBase
{
    private const string ByHandleSet = "PoolHandle";
    private const string ByElementSet = "PoolElement";

    /// <summary>The pools to open a session with; an element is selected by the pool's policy. Takes strings and the PoolHandle property of piped objects.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ByHandleSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(PoolHandleCompleter))]
    public PoolHandle[] PoolHandle { get; set; } = [];

    /// <summary>The element to connect to first, usually piped from Resolve-PoolHandle or Select-PoolElement. Later failovers select among the rest of its pool.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ByElementSet)]
    [ValidateNotNull]
    [Alias("InputObject")]
    public PoolElement? PoolElement { get; set; }

    /// <summary>
    /// A script block run on the new element after each failover, before any request is resent; it gets
    /// the session as its argument (param($Session)) and may send and receive on it. When it fails, the
    /// request that failed over fails with FailoverCallbackFailed and the session stays usable.
    /// </summary>
    [Parameter]
    [ValidateNotNull]
    public ScriptBlock? OnFailover { get; set; }

    /// <summary>Keeps the session on its element: when the element fails, calls fail (PoolElementUnreachable) instead of moving to another element.</summary>
    [Parameter]
    public SwitchParameter NoFailover { get; set; }

    /// <summary>
    /// Keeps a second, idle association open to the element the session would fail over to, so a
    /// failover skips the selection and the SCTP handshake (see the session's StandbyElement). Costs
    /// that element one idle association per session.
    /// </summary>
    [Parameter]
    public SwitchParameter Standby { get; set; }

    /// <summary>How long a request on this session waits for its answer, in seconds, unless Send-PoolRequest -TimeoutSec says otherwise.</summary>
    /// <value>The default is 10 seconds.</value>
    [Parameter]
    [ValidateRange(0.001, 86_400)]
    public double RequestTimeoutSec { get; set; }

    /// <summary>The longest one connect or failover may take, all attempts together, in seconds.</summary>
    /// <value>The default is 30 seconds.</value>
    [Parameter]
    [ValidateRange(0.001, 86_400)]
    public double FailoverTimeoutSec { get; set; }

    /// <summary>Elements tried per connect or failover before giving up.</summary>
    /// <value>The default is 4.</value>
    [Parameter]
    [ValidateRange(1, 1000)]
    public int MaxConnectAttempts { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        SessionOptions options = BuildOptions();
        if (ParameterSetName == ByElementSet)
        {
            PoolElement element = PoolElement!;
            PoolUser user = GetPoolUser(requireRegistrar: false);
            Connect(user, element.PoolHandle, element, options, element);
            return;
        }

        PoolUser poolUser = GetPoolUser(requireRegistrar: true);
        foreach (PoolHandle handle in PoolHandle)
        {
            Connect(poolUser, handle, null, options, handle.ToString());
        }
    }

    private void Connect(PoolUser user, PoolHandle handle, PoolElement? element, SessionOptions options, object target)
    {
        string what = element is null ? $"pool '{handle}'" : $"pool element {element.IdentifierText} of '{handle}'";
        if (TryRunCore(ct => user.ConnectAsync(handle, options, element, ct), target, $"Connecting to {what}", out PoolSession? session))
        {
            RunspaceState.Track(session);
            RunspaceState.Saw(handle);
            WriteVerbose($"Connected to {session.CurrentElement} of '{handle}'.");
            WriteObject(session);
        }
    }

    private SessionOptions BuildOptions()
    {
        SessionOptions options = SessionOptions.Default with { AllowFailover = !NoFailover.IsPresent, Standby = Standby.IsPresent };
        if (RequestTimeoutSec > 0)
        {
            options = options with { RequestTimeout = TimeSpan.FromSeconds(RequestTimeoutSec) };
        }

        if (FailoverTimeoutSec > 0)
        {
            options = options with { FailoverTimeout = TimeSpan.FromSeconds(FailoverTimeoutSec) };
        }

        if (MaxConnectAttempts > 0)
        {
            options = options with { MaxConnectAttempts = MaxConnectAttempts };
        }

        return OnFailover is null ? options : options with { OnFailover = FailoverScript.Create(OnFailover) };
    }
}
