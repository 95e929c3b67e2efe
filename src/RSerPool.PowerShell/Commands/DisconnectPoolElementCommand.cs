using System.Collections.Generic;
using System.Management.Automation;
using RSerPool.Sessions;

namespace RSerPool.PowerShell.Commands;

/// <summary>Closes sessions opened by Connect-PoolElement.</summary>
/// <remarks>
/// <para>
/// Disconnect-PoolElement ends each session's association with a graceful SCTP shutdown and marks the
/// session Closed; later requests on it fail with SessionClosed. A session that has just failed over
/// first sends its report of the dead element to the registrar (waiting at most two seconds for it), so
/// a script that ends right after a failover still reports it. -All closes every session opened in
/// this runspace (Get-PoolSession lists them). Sessions left open are closed anyway when the runspace
/// closes or the module is removed.
/// </para>
/// </remarks>
/// <example title="Close one session">
/// <code>$session = Connect-PoolElement EchoPool
/// Disconnect-PoolElement -Session $session
/// $session.State</code>
/// <para>Closes the session; its State is then Closed.</para>
/// </example>
/// <example title="Close every session of this runspace">
/// <code>Connect-PoolElement EchoPool | Out-Null
/// Get-PoolSession | Disconnect-PoolElement -PassThru | Format-Table PoolHandle, State</code>
/// <para>Closes every open session and shows each one, now Closed.</para>
/// </example>
/// <seealso cref="ConnectPoolElementCommand"/>
/// <seealso cref="GetPoolSessionCommand"/>
[Cmdlet(VerbsCommunications.Disconnect, "PoolElement", DefaultParameterSetName = BySessionSet)]
[OutputType(typeof(PoolSession))]
public sealed class DisconnectPoolElementCommand : PoolCmdletBase
{
    private const string BySessionSet = "Session";
    private const string AllSet = "All";

    /// <summary>The sessions to close, usually piped from Connect-PoolElement or Get-PoolSession.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = BySessionSet)]
    [ValidateNotNull]
    public PoolSession[] Session { get; set; } = [];

    /// <summary>Closes every session opened in this runspace.</summary>
    [Parameter(Mandatory = true, ParameterSetName = AllSet)]
    public SwitchParameter All { get; set; }

    /// <summary>Writes each closed session to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        IReadOnlyList<PoolSession> sessions = All.IsPresent ? RunspaceState.Sessions : Session;
        foreach (PoolSession session in sessions)
        {
            if (TryRunCore(async _ => await session.DisposeAsync().ConfigureAwait(false), session, $"Closing the session with '{session.PoolHandle}'"))
            {
                RunspaceState.Forget(session);
                WriteVerbose($"Closed the session with '{session.PoolHandle}' ({session.CurrentElement?.IdentifierText ?? "no element"}).");
                if (PassThru.IsPresent)
                {
                    WriteObject(session);
                }
            }
        }
    }
}
