using System;
using System.Collections;
using System.Management.Automation;
using System.Text;
using RSerPool.Client;
using RSerPool.Sessions;

namespace RSerPool.PowerShell.Commands;

/// <summary>Sends a request to a pool element and writes its answer.</summary>
/// <remarks>
/// <para>
/// Send-PoolRequest sends text (encoded with -Encoding, UTF-8 by default) or bytes with a payload
/// protocol identifier (-Ppid) on a session from Connect-PoolElement, or on a session it opens for a
/// pool handle or a piped element and closes afterwards. It waits for the answer: one message, or
/// -ResponseCount messages, or until a message ends with -Terminator, for at most -TimeoutSec. It writes
/// the answer: its bytes (Data) and text (Text, decoded with -Encoding), the element that answered,
/// the round-trip time, and whether a failover happened during the request.
/// </para>
/// <para>
/// When the element dies, the session fails over by itself: it reports the dead element to the
/// registrar, connects another, runs the session's -OnFailover script block, and sends the request
/// again when that is safe: when it never left, when -Idempotent says it may run twice, or when the
/// session holds an ASAP cookie. Otherwise the request fails with PoolElementUnreachable (the failover
/// has still happened, so the next request goes to the new element). No answer in time is a Timeout error.
/// </para>
/// </remarks>
/// <example title="Send text and read the answer">
/// <code>(Send-PoolRequest -PoolHandle EchoPool -Message 'hello').Text</code>
/// <para>Opens a session with EchoPool, sends 'hello', prints the echoed text and closes the session.</para>
/// </example>
/// <example title="The whole pipeline, from pool handle to answer">
/// <code>Resolve-PoolHandle EchoPool | Select-PoolElement | Connect-PoolElement | Send-PoolRequest 'hi' -Idempotent -TimeoutSec 5</code>
/// <para>Resolves the pool, selects an element by its policy, connects to it and sends a request that may be resent after a failover.</para>
/// </example>
/// <example title="Check every element of a pool">
/// <code>Resolve-PoolHandle EchoPool | ForEach-Object {
///     $reply = Send-PoolRequest -PoolElement $_ -Message 'ping' -TimeoutSec 10
///     [pscustomobject]@{ Element = $_.IdentifierText; Ok = $reply.Text -eq 'ping'; Ms = $reply.RoundTrip.TotalMilliseconds }
/// }</code>
/// <para>Sends 'ping' to each element of EchoPool in turn and shows whether it answered correctly and how fast.</para>
/// </example>
/// <example title="Send bytes with a payload protocol identifier">
/// <code>$session = Connect-PoolElement EchoPool
/// $reply = Send-PoolRequest -Session $session -Message ([byte[]](1, 2, 3)) -Ppid 42
/// $reply.Data
/// Disconnect-PoolElement $session</code>
/// <para>Sends three bytes with PPID 42 on a session and shows the bytes that came back.</para>
/// </example>
/// <example title="Hedge a request to the standby element">
/// <code>$session = Connect-PoolElement EchoPool -Standby
/// 1..20 | ForEach-Object { Send-PoolRequest -Session $session -Message "status $_" -Idempotent -HedgeAfterSec 0.5 } |
///     Where-Object Hedged
/// $session.HedgeCount
/// Disconnect-PoolElement $session</code>
/// <para>Sends 20 requests that may run twice; any not answered within half a second also goes to the standby
/// element, and the first answer wins. Shows the answers that were hedged and how many requests were.</para>
/// </example>
/// <example title="Hedge after the session's own round trips">
/// <code>$session = Connect-PoolElement EchoPool -Standby
/// 1..200 | ForEach-Object { Send-PoolRequest -Session $session -Message "status $_" -Idempotent -AdaptiveHedge -HedgeAfterSec 0.2 } |
///     Measure-Object -Property Hedged -Sum
/// $session.RoundTripTime</code>
/// <para>Hedges each request when its element is slower than usual: after the 95th percentile of the session's
/// latest round trips, never later than 0.2 s, so about one request in twenty also goes to the standby. Shows
/// how many requests were hedged and the session's median round trip.</para>
/// </example>
/// <seealso cref="ConnectPoolElementCommand"/>
/// <seealso cref="ResolvePoolHandleCommand"/>
[Cmdlet(VerbsCommunications.Send, "PoolRequest", DefaultParameterSetName = BySessionSet)]
[OutputType(typeof(SessionReply))]
public sealed class SendPoolRequestCommand : RegistrarCmdletBase
{
    private const string BySessionSet = "Session";
    private const string ByHandleSet = "PoolHandle";
    private const string ByElementSet = "PoolElement";

    private byte[] _request = [];
    private RequestOptions _options = RequestOptions.Default;

    /// <summary>The session to send on, from Connect-PoolElement (piped or given).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = BySessionSet)]
    [ValidateNotNull]
    public PoolSession? Session { get; set; }

    /// <summary>A pool to send to (by name only, so that a lone positional argument is always the message): a session is opened with an element selected by the pool's policy, used for this request and closed.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ByHandleSet)]
    [ValidateNotNull]
    [ArgumentCompleter(typeof(PoolHandleCompleter))]
    public PoolHandle? PoolHandle { get; set; }

    /// <summary>An element to send to (piped from Resolve-PoolHandle or Select-PoolElement): a session is opened with it, used for this request and closed.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ByElementSet)]
    [ValidateNotNull]
    public PoolElement? PoolElement { get; set; }

    /// <summary>The request: a string (encoded with -Encoding) or bytes ([byte[]]).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNull]
    [Alias("Data")]
    public object? Message { get; set; }

    /// <summary>How text is encoded into the request and the answer decoded into Text: utf8, ascii, unicode, bigendianunicode, utf32, latin1, or a code page.</summary>
    /// <value>The default is UTF-8 without a byte order mark.</value>
    [Parameter]
    [EncodingTransformation]
    [ArgumentCompleter(typeof(EncodingNameCompleter))]
    public Encoding Encoding { get; set; } = new UTF8Encoding(false);

    /// <summary>The SCTP payload protocol identifier of the request (any but 11, which is ASAP's).</summary>
    /// <value>The default is 0.</value>
    [Parameter]
    [Alias("PayloadProtocolId")]
    public uint Ppid { get; set; }

    /// <summary>How long to wait for the answer, in seconds; past it the request fails with Timeout.</summary>
    /// <value>The default is the session's request timeout (10 seconds unless Connect-PoolElement -RequestTimeoutSec changed it).</value>
    [Parameter]
    [Alias("Timeout")]
    [ValidateRange(0.001, 86_400)]
    public double TimeoutSec { get; set; }

    /// <summary>How many messages make up the answer (with -Terminator: the most to wait for).</summary>
    /// <value>The default is 1.</value>
    [Parameter]
    [ValidateRange(1, 1_000_000)]
    public int ResponseCount { get; set; } = 1;

    /// <summary>Ends the answer at the first message that ends with these bytes or this text (encoded with -Encoding), e.g. "`n".</summary>
    [Parameter]
    [ValidateNotNull]
    public object? Terminator { get; set; }

    /// <summary>Says the request may run twice, so the session resends it to the new element after a failover even when the dead element may have received it.</summary>
    [Parameter]
    public SwitchParameter Idempotent { get; set; }

    /// <summary>
    /// Hedges the request: when the element has not answered within this many seconds, the request also
    /// goes to the session's standby element (Connect-PoolElement -Standby) and the first answer is
    /// written. When the standby answers first, the session moves to it and the slow element becomes the
    /// standby. Needs -Idempotent; only for answers of one message, on sessions without an ASAP cookie or
    /// an -OnFailover script block. Pick a delay well above the element's usual round trip: every hedge
    /// is a second request to the standby. With -AdaptiveHedge it is the longest delay instead. Hedging
    /// needs a standby, so it is for -Session (a session opened by -PoolHandle or -PoolElement for one
    /// call has none).
    /// </summary>
    /// <value>The default is not to hedge (unless -AdaptiveHedge is given).</value>
    [Parameter]
    [ValidateRange(0.001, 86_400)]
    public double HedgeAfterSec { get; set; }

    /// <summary>
    /// Hedges the request (as -HedgeAfterSec) after a delay that follows the session's round trips: the
    /// 95th percentile of its latest 100, so that only an answer slower than usual (about one in twenty)
    /// is asked of the standby too, however fast the pool usually is (the session's RoundTripTime shows
    /// the median). -HedgeAfterSec, when given, is the longest delay; until the session has measured 20
    /// round trips the delay is -HedgeAfterSec, or 1 second. Needs -Idempotent.
    /// </summary>
    [Parameter]
    public SwitchParameter AdaptiveHedge { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        if (Ppid == 11)
        {
            ThrowTerminatingError(ErrorRecords.Validation(ErrorRecords.ReservedPayloadProtocolId,
                "PPID 11 is ASAP's control channel (RFC 5352 §3.8); user messages must use another PPID.", Ppid, "Use another -Ppid, such as 0."));
        }

        if ((HedgeAfterSec > 0 || AdaptiveHedge.IsPresent) && !Idempotent.IsPresent)
        {
            string hedge = (HedgeAfterSec > 0, AdaptiveHedge.IsPresent) switch
            {
                (true, true) => "-AdaptiveHedge and -HedgeAfterSec",
                (false, true) => "-AdaptiveHedge",
                _ => "-HedgeAfterSec",
            };
            ThrowTerminatingError(ErrorRecords.Validation(ErrorRecords.HedgeNeedsIdempotent,
                $"{hedge} sends the request to a second element, so the request must be safe to run twice.", HedgeAfterSec > 0 ? HedgeAfterSec : true,
                $"Add -Idempotent if the request may run twice, or leave out {hedge}."));
        }

        _request = ToBytes(Message!);
        _options = new RequestOptions
        {
            PayloadProtocolId = Ppid,
            Idempotent = Idempotent.IsPresent,
            ResponseCount = ResponseCount,
            Terminator = Terminator is null ? ReadOnlyMemory<byte>.Empty : ToBytes(Terminator),
            Timeout = TimeoutSec > 0 ? TimeSpan.FromSeconds(TimeoutSec) : null,
            HedgeAfter = HedgeAfterSec > 0 ? TimeSpan.FromSeconds(HedgeAfterSec) : null,
            AdaptiveHedge = AdaptiveHedge.IsPresent,
        };
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        SessionReply? reply;
        if (ParameterSetName == BySessionSet)
        {
            PoolSession session = Session!;
            WriteVerbose($"Sending {_request.Length} byte(s) (PPID {Ppid}) to {session.CurrentElement?.IdentifierText ?? "the pool"} of '{session.PoolHandle}'.");
            if (!TryRunCore(ct => session.RequestAsync(_request, _options, ct), session, $"Waiting for the answer from '{session.PoolHandle}'", out reply))
            {
                return;
            }
        }
        else
        {
            PoolElement? element = PoolElement;
            PoolHandle handle = element?.PoolHandle ?? PoolHandle!;
            PoolUser user = GetPoolUser(requireRegistrar: element is null);
            WriteVerbose($"Sending {_request.Length} byte(s) (PPID {Ppid}) to {(element is null ? "pool" : element.IdentifierText + " of")} '{handle}' on a new session.");
            if (!TryRunCore(
                    async ct =>
                    {
                        await using PoolSession session = await user.ConnectAsync(handle, null, element, ct).ConfigureAwait(false);
                        return await session.RequestAsync(_request, _options, ct).ConfigureAwait(false);
                    },
                    (object?)element ?? handle.ToString(),
                    $"Waiting for the answer from '{handle}'",
                    out reply))
            {
                return;
            }

            RunspaceState.Saw(handle);
        }

        WriteVerbose($"Answer from {reply.Element.IdentifierText} in {reply.RoundTrip.TotalMilliseconds:0.###} ms"
            + (reply.FailedOver ? $", after a failover (sent {reply.Attempts} times)." : "."));

        // The Text property (RSerPoolPU.Types.ps1xml) decodes the answer with this encoding.
        var output = PSObject.AsPSObject(reply);
        output.Properties.Add(new PSNoteProperty(nameof(Encoding), Encoding));
        WriteObject(output);
    }

    private byte[] ToBytes(object value)
    {
        object raw = value is PSObject ps ? ps.BaseObject : value;
        return raw switch
        {
            byte[] bytes => bytes,
            string text => Encoding.GetBytes(text),
            IEnumerable => LanguagePrimitives.ConvertTo<byte[]>(raw),
            _ => Encoding.GetBytes(LanguagePrimitives.ConvertTo<string>(raw)),
        };
    }
}
