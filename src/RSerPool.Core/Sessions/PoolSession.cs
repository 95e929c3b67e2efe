using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using RSerPool.Transport;

namespace RSerPool.Sessions;

/// <summary>
/// A user's session with a pool (RFC 5351 §2.5, RFC 5352 §3.8): it holds the current pool element, the
/// latest ASAP cookie, the business card's failover order and the failover count, and fails over by
/// itself when its element dies: the dead element is reported, another one is selected and connected,
/// the cookie echoed, the application's failover callback run, and the request in flight resent when
/// that is safe.
/// </summary>
/// <remarks>
/// ASAP control messages share the data association on PPID 11 (RFC 5352 §3.8, brief §8.6); the session
/// consumes them (cookies, business cards, errors) and hands only user data to the caller. One caller
/// at a time: a second concurrent call fails with <see cref="PoolFailure.SessionBusy"/> rather than
/// interleaving requests and answers (except calls made from the failover callback, which run inside
/// the call that failed over).
/// </remarks>
public sealed partial class PoolSession : IAsyncDisposable
{
    internal const uint AsapPpid = 11;
    private static readonly AsyncLocal<PoolSession?> s_inCallback = new();

    private readonly ISessionHost _host;
    private readonly IElementConnector _connector;
    private readonly SessionOptions _options;
    private readonly ILogger _logger;
    private IMessageChannel? _channel;
    private IReadOnlyList<PoolElement> _businessCard = Array.Empty<PoolElement>();
    private readonly CancellationTokenSource _closing = new();
    private Standby? _standby;
    private StandbyExclusions _standbyExclusions = new(new HashSet<uint>(), null);
    private IMessageChannel? _retired;
    private PoolElement? _reconnect;
    private int _standbyWanted;
    private readonly System.Collections.Concurrent.ConcurrentQueue<FollowUp> _followUps = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<Retirement> _retirements = new();
    private int _standbyStarting;
    private int _busy;
    private RequestDeadline? _requestDeadline;
    private readonly RoundTripWindow _roundTrips = new();

    internal PoolSession(PoolHandle poolHandle, ISessionHost host, IElementConnector connector, SessionOptions options, ILogger logger)
    {
        PoolHandle = poolHandle;
        _host = host;
        _connector = connector;
        _options = options;
        _logger = logger;
    }

    /// <summary>The pool this session talks to.</summary>
    public PoolHandle PoolHandle { get; }

    /// <summary>The element currently serving the session.</summary>
    public PoolElement? CurrentElement { get; private set; }

    /// <summary>Where the session stands.</summary>
    public SessionState State { get; private set; } = SessionState.Connecting;

    /// <summary>How many times the session moved to another element.</summary>
    public int FailoverCount { get; private set; }

    /// <summary>The latest ASAP cookie from the element (RFC 5352 §3.8: only the latest is kept), or null.</summary>
    public ReadOnlyMemory<byte>? Cookie { get; private set; }

    /// <summary>Whether a cookie is held (what rsp_has_cookie tells).</summary>
    public bool HasCookie => Cookie is not null;

    /// <summary>The preferred failover order from the element's last business card (RFC 5352 §3.9), possibly empty.</summary>
    public IReadOnlyList<PoolElement> BusinessCard => _businessCard;

    /// <summary>The element the standby association is open to (<see cref="SessionOptions.Standby"/>), or null.</summary>
    public PoolElement? StandbyElement => Volatile.Read(ref _standby)?.Element;

    /// <summary>The last failure the session saw (also ones it recovered from).</summary>
    public Exception? LastError { get; private set; }

    /// <summary>When the current element was connected.</summary>
    public DateTimeOffset? ConnectedAt { get; private set; }

    /// <summary>
    /// The median round trip of the session's latest requests (up to 100; send to answer, the element's
    /// service time included; a request the standby answered first counts with the time until then), or
    /// null before one was measured (only requests answered by one message and not resent are). An
    /// adaptive hedge (<see cref="RequestOptions.AdaptiveHedge"/>) waits for their 95th percentile.
    /// </summary>
    public TimeSpan? RoundTripTime => _roundTrips.Quantile(0.5, minimumSamples: 1);

    /// <summary>Sends one user message without waiting for an answer; fails over first if the element is gone.</summary>
    /// <param name="data">The bytes.</param>
    /// <param name="payloadProtocolId">The PPID; never 11.</param>
    /// <param name="stream">The SCTP stream.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task SendAsync(ReadOnlyMemory<byte> data, uint payloadProtocolId = 0, ushort stream = 0, CancellationToken cancellationToken = default)
    {
        CheckPpid(payloadProtocolId);
        using CallScope scope = Enter();
        for (int attempt = 0; ; attempt++)
        {
            IMessageChannel channel = await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await channel.SendAsync(data, payloadProtocolId, stream, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (TransportException e) when (MayFailOver && attempt < _options.MaxConnectAttempts)
            {
                // A send that failed did not deliver the message, so sending it again elsewhere is safe.
                await FailoverAsync(e, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Receives the next user message (control messages are handled on the way).</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public async Task<SessionMessage> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        using CallScope scope = Enter();
        IMessageChannel channel = await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ReceiveUserMessageAsync(channel, cancellationToken).ConfigureAwait(false);
        }
        catch (TransportException e) when (MayFailOver)
        {
            await FailoverAsync(e, cancellationToken).ConfigureAwait(false);
            throw Wrap(e, mayHaveBeenSent: false, "The pool element failed while the session was waiting for a message; the session has failed over.", channel.RemoteEndPoint);
        }
    }

    /// <summary>
    /// Sends a request and waits for its answer. When the element fails, the session fails over; the
    /// request is sent again when it never left, when <see cref="RequestOptions.Idempotent"/> says it may
    /// run twice, or when a cookie lets the new element resume; otherwise the caller gets
    /// <see cref="PoolFailure.PoolElementUnreachable"/> with <see cref="RSerPoolException.RequestMayHaveBeenSent"/> set.
    /// </summary>
    /// <param name="request">The request bytes.</param>
    /// <param name="options">PPID, idempotence, how the answer ends, timeout.</param>
    /// <param name="cancellationToken">Cancels the call (an OperationCanceledException, never a Timeout).</param>
    public async Task<SessionReply> RequestAsync(ReadOnlyMemory<byte> request, RequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= RequestOptions.Default;
        CheckPpid(options.PayloadProtocolId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.ResponseCount);
        if (options.HedgeAfter is { } hedgeAfter)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(hedgeAfter, TimeSpan.Zero, nameof(options));
        }

        using CallScope scope = Enter();
        int failoversBefore = FailoverCount;
        bool failedOver = false;
        for (int attempt = 1; ; attempt++)
        {
            // The connected case without an async call: this runs for every request.
            IMessageChannel channel = _channel is { IsConnected: true } connected && State != SessionState.Closed
                ? connected
                : await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
            PoolElement element = CurrentElement!;
            bool sent = false;
            Exception failure;
            try
            {
                long started = Stopwatch.GetTimestamp();
                await channel.SendAsync(request, options.PayloadProtocolId, options.Stream, cancellationToken).ConfigureAwait(false);
                sent = true;
                Answer answer;
                bool hedged = false;
                if (options.Hedges && CanHedge(options))
                {
                    (answer, element, hedged) = await ReceiveHedgedAsync(channel, element, request, options, started, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    answer = await ReceiveAnswerAsync(channel, options, cancellationToken).ConfigureAwait(false);
                }

                if (answer.Failure is null)
                {
                    if (failedOver)
                    {
                        _logger.LogDebug("Pool element {Element} answered the request resent after the failover", element);
                    }

                    TimeSpan roundTrip = Stopwatch.GetElapsedTime(started);
                    if (attempt == 1 && options.ResponseCount == 1 && options.Terminator.IsEmpty)
                    {
                        // The element's round trip, never a resend's (whose answer may be to either send: Karn's
                        // rule, RFC 6298 §3). When the standby answered a hedge first, the time so far is a lower
                        // bound of the element's: left out, the window would lose its slowest requests and the
                        // 95th percentile would fall below the element's, hedging ever more of them.
                        _roundTrips.Add(roundTrip);
                    }

                    return new SessionReply(answer.Messages!, element, roundTrip, failedOver || FailoverCount != failoversBefore, attempt)
                    {
                        Hedged = hedged,
                    };
                }

                if (answer.Failure.Failure == TransportFailure.MessageTooLarge)
                {
                    throw answer.Failure;
                }

                failure = answer.Failure;
            }
            catch (TransportException e) when (e.Failure != TransportFailure.MessageTooLarge)
            {
                failure = e;
            }
            catch (TimeoutException e)
            {
                failure = e;
            }
            catch (OperationCanceledException) when (sent)
            {
                DropOutOfStep(channel);
                throw;
            }

            LastError = failure;
            if (!MayFailOver || attempt > _options.MaxConnectAttempts)
            {
                if (sent && failure is TimeoutException)
                {
                    DropOutOfStep(channel); // the element may still answer: not on this association
                }

                throw Wrap(failure, sent, $"The request to pool element {element.IdentifierText} failed and the session may not fail over.");
            }

            bool cookieCovers = HasCookie;
            try
            {
                await FailoverAsync(failure, cancellationToken).ConfigureAwait(false);
            }
            catch (RSerPoolException e) when (sent && !e.RequestMayHaveBeenSent)
            {
                throw new RSerPoolException(e.Failure, e.Message, e.InnerException)
                {
                    PoolHandle = e.PoolHandle, Peer = e.Peer, WireErrorCause = e.WireErrorCause, RequestMayHaveBeenSent = true,
                };
            }
            failedOver = true;
            if (sent && !options.Idempotent && !cookieCovers)
            {
                throw Wrap(failure, mayHaveBeenSent: true,
                    $"Pool element {element.IdentifierText} failed after the request was sent, so it may have been delivered; the session failed over to " +
                    $"{CurrentElement?.IdentifierText} but did not resend it (mark the request idempotent to allow that).", channel.RemoteEndPoint);
            }

            _logger.LogInformation("Resending the request to {Element} after the failover", CurrentElement);
        }
    }

    /// <summary>
    /// How long closing the session waits for the work the last call left (<see cref="RunDeferredWork"/>):
    /// the report of a dead element above all, which starts <see cref="FollowUpDelay"/> after the call.
    /// </summary>
    internal static readonly TimeSpan FlushLimit = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Closes the session (a graceful SCTP shutdown of the current association), after the reports the
    /// last failover queued have gone out (at most <see cref="FlushLimit"/>): a script that ends right
    /// after a failover still tells the registrar about the dead element (RFC 5352 §3.5).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        Task pending = BackgroundWork;
        if (State != SessionState.Closed && !pending.IsCompleted)
        {
            await Task.WhenAny(pending, Task.Delay(FlushLimit)).ConfigureAwait(false);
        }

        State = SessionState.Closed;
        if (!_closing.IsCancellationRequested)
        {
            _closing.Cancel();
        }

        IMessageChannel? channel = Interlocked.Exchange(ref _channel, null);
        if (channel is not null)
        {
            await channel.DisposeAsync().ConfigureAwait(false);
        }

        if (Interlocked.Exchange(ref _standby, null) is { } standby)
        {
            await standby.Channel.DisposeAsync().ConfigureAwait(false);
        }

        if (Interlocked.Exchange(ref _retired, null) is { } retired)
        {
            await retired.DisposeAsync().ConfigureAwait(false);
        }

        Interlocked.Exchange(ref _requestDeadline, null)?.Dispose();
        Interlocked.Exchange(ref _hedgeTimer, null)?.Dispose();
    }

    /// <summary>Connects the first element (PoolUser.ConnectAsync calls this once).</summary>
    internal async Task OpenAsync(PoolElement? pinned, CancellationToken cancellationToken)
    {
        using CallScope scope = Enter();
        await ConnectSomeElementAsync(pinned, new HashSet<uint>(), isFailover: false, avoid: null, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IMessageChannel> EnsureConnectedAsync(CancellationToken cancellationToken)
    {
        if (State == SessionState.Closed)
        {
            throw new RSerPoolException(PoolFailure.SessionClosed, "The session is closed.") { PoolHandle = PoolHandle };
        }

        if (_channel is { IsConnected: true } channel)
        {
            return channel;
        }

        if (Interlocked.Exchange(ref _reconnect, null) is { } same)
        {
            return await ReconnectAsync(same, cancellationToken).ConfigureAwait(false);
        }

        if (!MayFailOver && CurrentElement is not null)
        {
            throw new RSerPoolException(PoolFailure.PoolElementUnreachable, $"The association with {CurrentElement.IdentifierText} is gone and failover is off.") { PoolHandle = PoolHandle };
        }

        await FailoverAsync(new TransportException(TransportFailure.Shutdown, "The association is gone."), cancellationToken).ConfigureAwait(false);
        return _channel!;
    }

    private RSerPoolException Wrap(Exception cause, bool mayHaveBeenSent, string message, System.Net.EndPoint? peer = null) =>
        new(cause is TimeoutException ? PoolFailure.Timeout : PoolFailure.PoolElementUnreachable, message, cause)
        {
            PoolHandle = PoolHandle,
            Peer = peer ?? _channel?.RemoteEndPoint,
            RequestMayHaveBeenSent = mayHaveBeenSent,
        };

    private static void CheckPpid(uint ppid)
    {
        if (ppid == AsapPpid)
        {
            throw new ArgumentOutOfRangeException(nameof(ppid), ppid, "PPID 11 is ASAP's control channel (RFC 5352 §3.8); user data must use another PPID.");
        }
    }

    private bool MayFailOver => _options.AllowFailover && s_inCallback.Value != this;

    private CallScope Enter()
    {
        if (s_inCallback.Value == this)
        {
            return new CallScope(null);
        }

        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            throw new RSerPoolException(PoolFailure.SessionBusy,
                "The session is in use by another call; a session serves one caller at a time (open another session for parallel work).") { PoolHandle = PoolHandle };
        }

        return new CallScope(this);
    }

    private readonly struct CallScope : IDisposable
    {
        private readonly PoolSession? _owner;

        public CallScope(PoolSession? owner) => _owner = owner;

        public void Dispose()
        {
            if (_owner is not null)
            {
                // Every call ends here, with its answer or its error: the work a failover left for later runs now.
                _owner.RunDeferredWork();
                Volatile.Write(ref _owner._busy, 0);
            }
        }
    }
}
