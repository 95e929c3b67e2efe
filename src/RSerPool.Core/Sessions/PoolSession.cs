using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using RSerPool.Transport;
using RSerPool.Wire;
using RSerPool.Wire.Messages;

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
public sealed class PoolSession : IAsyncDisposable
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
    private int _standbyWanted;
    private readonly System.Collections.Concurrent.ConcurrentQueue<FollowUp> _followUps = new();
    private int _standbyStarting;
    private int _busy;
    private CancellationTokenSource? _requestTimer;

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
                Answer answer = await ReceiveAnswerAsync(channel, options, cancellationToken).ConfigureAwait(false);
                if (answer.Failure is null)
                {
                    return new SessionReply(answer.Messages!, element, Stopwatch.GetElapsedTime(started), failedOver || FailoverCount != failoversBefore, attempt);
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

            LastError = failure;
            if (!MayFailOver || attempt > _options.MaxConnectAttempts)
            {
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

    /// <summary>Closes the session (a graceful SCTP shutdown of the current association).</summary>
    public async ValueTask DisposeAsync()
    {
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

        Interlocked.Exchange(ref _requestTimer, null)?.Dispose();
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

        if (!MayFailOver && CurrentElement is not null)
        {
            throw new RSerPoolException(PoolFailure.PoolElementUnreachable, $"The association with {CurrentElement.IdentifierText} is gone and failover is off.") { PoolHandle = PoolHandle };
        }

        await FailoverAsync(new TransportException(TransportFailure.Shutdown, "The association is gone."), cancellationToken).ConfigureAwait(false);
        return _channel!;
    }

    private async Task FailoverAsync(Exception cause, CancellationToken cancellationToken)
    {
        if (State == SessionState.Closed)
        {
            throw new RSerPoolException(PoolFailure.SessionClosed, "The session was closed.", cause) { PoolHandle = PoolHandle };
        }

        PoolElement? failed = CurrentElement;
        FailureVerdict verdict = FailoverClassifier.Classify(cause);
        _logger.LogInformation("Pool element {Element} failed ({Cause}); failing over", failed, cause.Message);
        State = SessionState.FailingOver;
        LastError = cause;
        IMessageChannel? old = Interlocked.Exchange(ref _channel, null);
        if (old is not null)
        {
            // Take the control messages that arrived before the failure: rsplib's elements send their
            // latest cookie right before a graceful shutdown, and the next element needs that one.
            int taken = 0;
            for (; taken < 64 && old.TryReceivePending(out ChannelMessage pending); taken++)
            {
                if (pending.PayloadProtocolId == AsapPpid)
                {
                    HandleControl(pending.Data.Span);
                }
            }

            _logger.LogDebug("Took {Taken} message(s) still queued on the association with {Element}", taken, failed);

            // rsplib aborts the old association before failing over (rsp_forcefailover). Here that
            // waits until the request that failed over has its answer (or the next call starts): the
            // association is dead or dying, and under the lab's two emulated CPUs any work beside the
            // failover delayed it (measured: steps of microseconds taking 100-800 ms).
            if (Interlocked.Exchange(ref _retired, old) is { } older)
            {
                CloseInBackground(older, failed);
            }
        }

        var excluded = new HashSet<uint>();
        bool reportNow = false;
        if (failed is not null)
        {
            if (verdict.ReportNow)
            {
                // Excluded here, so the selection cannot pick it even before the report drops it from the cache.
                excluded.Add(failed.Identifier);
                reportNow = true;
            }
            else if (verdict.ProbeBeforeReport)
            {
                // Probed once the call that failed over ends (see _retired for why).
                _followUps.Enqueue(new FollowUp(failed, Probe: true));
            }
        }

        // The report is advice to the registrar (RFC 5352 §3.5): neither the next element nor the resend
        // needs it, so it goes out when the call that failed over ends, off the caller's path
        // (RunDeferredWork). Measured in the lab: started inline beside the reconnect it still delayed
        // the answer by 100-250 ms (its first-time code and the registrar send on two emulated CPUs).
        if (reportNow)
        {
            _followUps.Enqueue(new FollowUp(failed!, Probe: false));
        }

        // An element that shut the association down gracefully is not excluded (it may be alive: rsplib's
        // ping-pong server ends sessions on purpose), but another element is preferred: a killed
        // element's kernel also shuts down gracefully, and connecting to it first cost the failover a
        // refused connect and its report (lab: +235 ms).
        PoolElement? avoid = !reportNow && failed is not null ? failed : null;
        await ConnectSomeElementAsync(null, excluded, isFailover: true, avoid, cancellationToken).ConfigureAwait(false);
    }

    private async Task ConnectSomeElementAsync(PoolElement? pinned, HashSet<uint> excluded, bool isFailover, PoolElement? avoid, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(_options.FailoverTimeout);
        Exception? last = null;
        _logger.LogDebug("Looking for the next element of '{PoolHandle}' ({Excluded} excluded)", PoolHandle, excluded.Count);
        try
        {
            if (isFailover && pinned is null && await TryPromoteStandbyAsync(excluded, avoid, limit.Token).ConfigureAwait(false))
            {
                return;
            }

            for (int attempt = 0; attempt < _options.MaxConnectAttempts; attempt++)
            {
                PoolElement next = pinned ?? await PickNextAsync(excluded, avoid, limit.Token).ConfigureAwait(false);
                pinned = null;
                try
                {
                    IMessageChannel channel = await _connector.ConnectAsync(next, limit.Token).ConfigureAwait(false);
                    await UseOrReleaseAsync(channel, next, isFailover, limit.Token).ConfigureAwait(false);
                    StartStandby(excluded, avoid, deferred: isFailover);
                    return;
                }
                catch (TransportException e)
                {
                    last = e;
                    await OnConnectFailedAsync(next, e, excluded, limit.Token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            last = new TimeoutException($"No pool element could be connected within {_options.FailoverTimeout.TotalSeconds:0.#} s.");
        }
        catch (RSerPoolException e) when (e.Failure != PoolFailure.FailoverCallbackFailed)
        {
            State = SessionState.Failed;
            LastError = e;
            throw;
        }

        State = SessionState.Failed;
        LastError = last;
        throw new RSerPoolException(PoolFailure.PoolElementUnreachable,
            $"No element of pool '{PoolHandle}' could be connected after {_options.MaxConnectAttempts} attempt(s): {last?.Message}", last)
        {
            PoolHandle = PoolHandle,
        };
    }

    /// <summary>Makes <paramref name="channel"/> the session's association; when that fails, closes it and rethrows.</summary>
    private async Task UseOrReleaseAsync(IMessageChannel channel, PoolElement element, bool isFailover, CancellationToken cancellationToken)
    {
        try
        {
            await OnConnectedAsync(channel, element, isFailover, cancellationToken).ConfigureAwait(false);
        }
        catch (TransportException)
        {
            _channel = null;
            await channel.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>An element could not be connected (or died before the cookie echo): excluded, reported, or fatal when SCTP is missing.</summary>
    private async Task OnConnectFailedAsync(PoolElement element, TransportException e, HashSet<uint> excluded, CancellationToken cancellationToken)
    {
        LastError = e;
        excluded.Add(element.Identifier);
        _logger.LogInformation("Could not connect to pool element {Element}: {Reason}", element, e.Message);
        if (e.Failure == TransportFailure.SctpUnavailable)
        {
            throw new RSerPoolException(PoolFailure.TransportUnavailable, e.Message, e) { PoolHandle = PoolHandle };
        }

        await ReportAsync(element, cancellationToken).ConfigureAwait(false);
    }

    private async Task OnConnectedAsync(IMessageChannel channel, PoolElement element, bool isFailover, CancellationToken cancellationToken)
    {
        _channel = channel;
        CurrentElement = element;
        ConnectedAt = DateTimeOffset.UtcNow;
        if (!isFailover)
        {
            State = SessionState.Connected;
            _logger.LogInformation("Session with '{PoolHandle}' connected to {Element}", PoolHandle, element);
            return;
        }

        if (Cookie is { } cookie)
        {
            // RFC 5352 §3.8: the latest cookie, unmodified, as the first control message on the new association.
            byte[] echo = AsapCodec.Encode(new CookieEcho(new Wire.Parameters.CookieParameter(cookie)));
            await channel.SendAsync(echo, AsapPpid, 0, cancellationToken).ConfigureAwait(false);
            _logger.LogDebug("Sent ASAP_COOKIE_ECHO ({Bytes} bytes of cookie) to {Element}", cookie.Length, element);
        }

        FailoverCount++;
        State = SessionState.Connected;
        _logger.LogInformation("Session with '{PoolHandle}' failed over to {Element} (failover #{Count})", PoolHandle, element, FailoverCount);
        if (_options.OnFailover is { } callback)
        {
            PoolSession? outer = s_inCallback.Value;
            s_inCallback.Value = this;
            try
            {
                await callback(this, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LastError = e;
                throw new RSerPoolException(PoolFailure.FailoverCallbackFailed,
                    $"The failover callback failed on pool element {element.IdentifierText}: {e.Message}", e) { PoolHandle = PoolHandle };
            }
            finally
            {
                s_inCallback.Value = outer;
            }
        }
    }

    /// <summary>
    /// Fails over to the standby association when there is one to a live, not excluded element: the
    /// selection and the SCTP handshake were done before the failure, so only the cookie echo is left.
    /// </summary>
    private async Task<bool> TryPromoteStandbyAsync(HashSet<uint> excluded, PoolElement? avoid, CancellationToken cancellationToken)
    {
        Standby? standby = Interlocked.Exchange(ref _standby, null);
        if (standby is null)
        {
            return false;
        }

        if (excluded.Contains(standby.Element.Identifier) || !standby.Channel.CheckConnected())
        {
            _logger.LogDebug("The standby association with {Element} is not usable; selecting another element", standby.Element);
            await standby.Channel.DisposeAsync().ConfigureAwait(false);
            return false;
        }

        try
        {
            _logger.LogDebug("Failing over to the standby association with {Element}", standby.Element);
            await UseOrReleaseAsync(standby.Channel, standby.Element, isFailover: true, cancellationToken).ConfigureAwait(false);
        }
        catch (TransportException e)
        {
            // The standby element died while the association sat idle (the cookie echo found out).
            await OnConnectFailedAsync(standby.Element, e, excluded, cancellationToken).ConfigureAwait(false);
            return false;
        }

        StartStandby(excluded, avoid, deferred: true);
        return true;
    }

    /// <summary>
    /// Asks for a standby association (<see cref="SessionOptions.Standby"/>): at once after the first
    /// connect, but after a failover only once the request that failed over has its answer
    /// (<see cref="RunDeferredWork"/>), so the standby's selection and handshake do not compete with it.
    /// </summary>
    private void StartStandby(HashSet<uint> failed, PoolElement? avoid, bool deferred)
    {
        // The standby must not be an element that just failed: its report may not have reached the cache
        // yet. Nor, while another is left, the element that just shut the session down (avoided by the
        // failover too): in the lab a killed element's kernel shuts down gracefully, and a standby opened
        // to it was refused, leaving the next failover without one.
        // The set itself, not a copy (copied where the standby is opened, off the failover's path): each
        // failover has a set of its own, not changed after its connect.
        Volatile.Write(ref _standbyExclusions, new StandbyExclusions(failed, avoid));
        if (deferred)
        {
            Volatile.Write(ref _standbyWanted, 1);
            return;
        }

        OpenStandbyInBackground();
    }

    /// <summary>
    /// When a call ends (its answer, or its error, is on the way back to the caller): closes the
    /// association a failover left behind, sends the reports and probes a failover queued, and opens the
    /// standby asked for, all on a pool thread. Inline, this work delayed the answer that ended the
    /// failover by 100-250 ms under the lab's emulated CPU (runtime trace: a probe's connect and
    /// its report ran before the answer was returned).
    /// </summary>
    private void RunDeferredWork()
    {
        IMessageChannel? retired = Interlocked.Exchange(ref _retired, null);
        bool standby = Interlocked.Exchange(ref _standbyWanted, 0) != 0;
        if (retired is null && !standby && _followUps.IsEmpty)
        {
            return;
        }

        Task work = Task.Run(async () =>
        {
            if (retired is not null)
            {
                await CloseAsync(retired, null).ConfigureAwait(false); // already off the caller's path
            }

            while (_followUps.TryDequeue(out FollowUp followUp))
            {
                await (followUp.Probe ? ProbeAndReportAsync(followUp.Element) : ReportAsync(followUp.Element, CancellationToken.None)).ConfigureAwait(false);
            }

            if (standby)
            {
                OpenStandbyInBackground();
            }
        }, CancellationToken.None);
        Task previous = DeferredWork;
        DeferredWork = previous.IsCompleted ? work : Task.WhenAll(previous, work);
    }

    /// <summary>The work <see cref="RunDeferredWork"/> last started (reports and probes included): tests wait for it before counting reports.</summary>
    internal Task DeferredWork { get; private set; } = Task.CompletedTask;

    private void CloseInBackground(IMessageChannel channel, PoolElement? element) =>
        _ = Task.Run(() => CloseAsync(channel, element), CancellationToken.None);

    private async Task CloseAsync(IMessageChannel channel, PoolElement? element)
    {
        if (channel is Transport.Sctp.SctpChannel sctp)
        {
            sctp.Abort();
        }
        else
        {
            await channel.DisposeAsync().ConfigureAwait(false);
        }

        _logger.LogDebug("Closed the association with {Element}", element?.ToString() ?? channel.RemoteEndPoint?.ToString());
    }

    private void OpenStandbyInBackground()
    {
        if (!_options.Standby || !_options.AllowFailover || State == SessionState.Closed || Interlocked.CompareExchange(ref _standbyStarting, 1, 0) != 0)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await OpenStandbyAsync().ConfigureAwait(false);
            }
            finally
            {
                Volatile.Write(ref _standbyStarting, 0);
            }
        }, CancellationToken.None);
    }

    private async Task OpenStandbyAsync()
    {
        PoolElement? current = CurrentElement;
        if (current is null || Volatile.Read(ref _standby) is { } existing && existing.Element.Identifier != current.Identifier && existing.Channel.IsConnected)
        {
            return;
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(_closing.Token);
        limit.CancelAfter(_options.FailoverTimeout);
        StandbyExclusions failed = Volatile.Read(ref _standbyExclusions);
        PoolElement next;
        IMessageChannel channel;
        try
        {
            (next, channel) = await ConnectStandbyCandidateAsync(new HashSet<uint>(failed.Failed) { current.Identifier }, failed.Avoid, limit.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RSerPoolException or TransportException or OperationCanceledException)
        {
            // No standby (a one-element pool, no live candidate, the session closing): the failover
            // then selects and connects as it would without one.
            _logger.LogDebug("No standby association for the session with '{PoolHandle}': {Reason}", PoolHandle, e.Message);
            return;
        }

        if (CurrentElement?.Identifier == next.Identifier)
        {
            // The session failed over to this very element while the standby was being opened.
            await channel.DisposeAsync().ConfigureAwait(false);
            return;
        }

        Standby? previous = Interlocked.Exchange(ref _standby, new Standby(channel, next));
        if (previous is not null)
        {
            await previous.Channel.DisposeAsync().ConfigureAwait(false);
        }

        if (State == SessionState.Closed && Interlocked.Exchange(ref _standby, null) is { } orphan)
        {
            await orphan.Channel.DisposeAsync().ConfigureAwait(false);
            return;
        }

        _logger.LogDebug("Standby association open to {Element}", next);
    }

    /// <summary>
    /// Selects and connects the standby's element, bounded like a session's connect: a candidate that
    /// refuses is reported (it is dead: RFC 5352 §3.5) and the next one tried.
    /// </summary>
    private async Task<(PoolElement Element, IMessageChannel Channel)> ConnectStandbyCandidateAsync(HashSet<uint> excluded, PoolElement? avoid, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            PoolElement next = await PickNextAsync(excluded, avoid, cancellationToken).ConfigureAwait(false);
            try
            {
                return (next, await _connector.ConnectAsync(next, cancellationToken).ConfigureAwait(false));
            }
            catch (TransportException e) when (attempt < _options.MaxConnectAttempts && e.Failure != TransportFailure.SctpUnavailable)
            {
                _logger.LogDebug("The standby candidate {Element} could not be connected: {Reason}", next, e.Message);
                excluded.Add(next.Identifier);
                await ReportAsync(next, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The next element: the business card's order first, then the pool's policy; <paramref name="avoid"/> only when nothing else is left.</summary>
    private async Task<PoolElement> PickNextAsync(HashSet<uint> excluded, PoolElement? avoid, CancellationToken cancellationToken)
    {
        PoolElement? avoided = null;

        // RFC 5352 §3.9: a business card's list is the preferred failover order.
        foreach (PoolElement candidate in _businessCard)
        {
            if (excluded.Contains(candidate.Identifier))
            {
                continue;
            }

            if (candidate.Identifier == avoid?.Identifier)
            {
                avoided ??= candidate;
                continue;
            }

            return candidate;
        }

        if (avoid is not null && !excluded.Contains(avoid.Identifier))
        {
            try
            {
                return (await _host.SelectAsync(PoolHandle, new HashSet<uint>(excluded) { avoid.Identifier }, cancellationToken).ConfigureAwait(false))[0];
            }
            catch (RSerPoolException e) when (e.Failure == PoolFailure.NoPoolElementAvailable)
            {
                _logger.LogDebug("No element of '{PoolHandle}' but {Element} is left; trying it again", PoolHandle, avoid);
            }

            if (avoided is not null)
            {
                return avoided;
            }
        }

        IReadOnlyList<PoolElement> chosen = await _host.SelectAsync(PoolHandle, excluded, cancellationToken).ConfigureAwait(false);
        return chosen[0];
    }

    private async Task ReportAsync(PoolElement element, CancellationToken cancellationToken)
    {
        try
        {
            await _host.ReportUnreachableAsync(element, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RSerPoolException or OperationCanceledException or ObjectDisposedException)
        {
            // The report is advice to the registrar; failing to send it (or the pool user closing
            // meanwhile) must not stop the failover.
            _logger.LogInformation("Could not report {Element} as unreachable: {Reason}", element, e.Message);
        }
    }

    private async Task ProbeAndReportAsync(PoolElement element)
    {
        // A graceful SHUTDOWN comes both from an element that ends the session on purpose (rsplib's
        // ping-pong server every N messages) and from one whose process died (the kernel closes its
        // sockets). Only the second is unreachable: it refuses a new association.
        try
        {
            using var limit = new CancellationTokenSource(_options.Sctp.ConnectTimeout);
            IMessageChannel probe = await _connector.ConnectAsync(element, limit.Token).ConfigureAwait(false);
            await probe.DisposeAsync().ConfigureAwait(false);
            _logger.LogDebug("{Element} closed the session but is alive; not reported", element);
        }
        catch (Exception e) when (e is TransportException or OperationCanceledException)
        {
            await ReportAsync(element, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>The answer to a request, or the association failure that ended the wait (a value, not a throw: see <see cref="ReceiveResult"/>).</summary>
    private async ValueTask<Answer> ReceiveAnswerAsync(IMessageChannel channel, RequestOptions options, CancellationToken cancellationToken)
    {
        TimeSpan limit = options.Timeout ?? _options.RequestTimeout;
        CancellationTokenSource timeout = RentRequestTimer(cancellationToken);
        timeout.CancelAfter(limit);
        var messages = new List<SessionMessage>(options.ResponseCount);
        try
        {
            while (messages.Count < options.ResponseCount)
            {
                // The channel's receive directly, control messages handled here: one async frame less per answer.
                ReceiveResult received = await channel.TryReceiveAsync(timeout.Token).ConfigureAwait(false);
                if (received.Failure is { } failure)
                {
                    return new Answer(null, failure);
                }

                ChannelMessage m = received.Message;
                if (m.PayloadProtocolId == AsapPpid)
                {
                    HandleControl(m.Data.Span);
                    continue;
                }

                messages.Add(new SessionMessage(m.Data, m.PayloadProtocolId, m.Stream));
                if (!options.Terminator.IsEmpty && m.Data.Span.EndsWith(options.Terminator.Span))
                {
                    break;
                }
            }

            return new Answer(messages, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Pool element {CurrentElement?.IdentifierText} did not answer within {limit.TotalSeconds:0.###} s.");
        }
        finally
        {
            ReturnRequestTimer(timeout, cancellationToken);
        }
    }

    /// <summary>
    /// The request's timeout. A caller without a token of its own (a script's loop, most runbooks) gets
    /// the session's one source again and again, reset after each answer (TryReset also stops its
    /// timer), instead of a new source and timer per request: in a lab A/B (one boot, four rounds)
    /// 301 against 311 µs of CPU per echo request, the rates within the noise. A caller's token needs
    /// a linked source of its own.
    /// </summary>
    private CancellationTokenSource RentRequestTimer(CancellationToken cancellationToken) =>
        cancellationToken.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken)
            : Interlocked.Exchange(ref _requestTimer, null) ?? new CancellationTokenSource();

    private void ReturnRequestTimer(CancellationTokenSource timeout, CancellationToken cancellationToken)
    {
        // TryReset stops the timer and fails once the source has fired: a fired one is not used again.
        if (cancellationToken.CanBeCanceled || !timeout.TryReset() || Interlocked.CompareExchange(ref _requestTimer, timeout, null) is not null)
        {
            timeout.Dispose();
        }
        else if (State == SessionState.Closed)
        {
            Interlocked.Exchange(ref _requestTimer, null)?.Dispose(); // closed meanwhile: DisposeAsync found none to dispose
        }
    }

    private async Task<SessionMessage> ReceiveUserMessageAsync(IMessageChannel channel, CancellationToken cancellationToken)
    {
        ReceiveResult received = await TryReceiveUserMessageAsync(channel, cancellationToken).ConfigureAwait(false);
        if (received.Failure is { } failure)
        {
            throw failure;
        }

        ChannelMessage m = received.Message;
        return new SessionMessage(m.Data, m.PayloadProtocolId, m.Stream);
    }

    /// <summary>The next user message (ASAP control messages on PPID 11 are handled on the way), or the association's failure.</summary>
    private async ValueTask<ReceiveResult> TryReceiveUserMessageAsync(IMessageChannel channel, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReceiveResult received = await channel.TryReceiveAsync(cancellationToken).ConfigureAwait(false);
            if (received.Failure is not null || received.Message.PayloadProtocolId != AsapPpid)
            {
                return received;
            }

            HandleControl(received.Message.Data.Span);
        }
    }

    private void HandleControl(ReadOnlySpan<byte> data)
    {
        if (!AsapCodec.TryDecode(data, out AsapMessage? message, out DecodeError error))
        {
            _logger.LogWarning("Pool element {Element} sent an undecodable ASAP control message ({Error}); ignored", CurrentElement, error);
            return;
        }

        switch (message)
        {
            case AsapCookie cookie:
                Cookie = cookie.Cookie.Value.ToArray();
                _logger.LogDebug("Received ASAP_COOKIE ({Bytes} bytes) from {Element}", cookie.Cookie.Value.Length, CurrentElement);
                break;
            case BusinessCard card:
                var list = new List<PoolElement>(card.Elements.Count);
                PoolHandle handle = PoolHandle.FromParameter(card.PoolHandle);
                foreach (Wire.Parameters.PoolElementParameter e in card.Elements)
                {
                    list.Add(PoolElement.FromParameter(handle, e, null, DateTimeOffset.UtcNow));
                }

                _businessCard = list;
                _logger.LogDebug("Received ASAP_BUSINESS_CARD from {Element}: {Count} element(s) in failover order", CurrentElement, list.Count);
                break;
            case AsapError asapError:
                LastError = new RSerPoolException(PoolFailure.ProtocolViolation, $"Pool element {CurrentElement?.IdentifierText} sent ASAP_ERROR: {asapError.OperationError}") { PoolHandle = PoolHandle };
                _logger.LogWarning("Pool element {Element} sent ASAP_ERROR {Error}", CurrentElement, asapError.OperationError);
                break;
            default:
                _logger.LogDebug("Ignored {Type} on the control channel of {Element}", message.Type, CurrentElement);
                break;
        }
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

    /// <summary>The messages answering a request, or the failure that ended the wait for them.</summary>
    private readonly record struct Answer(IReadOnlyList<SessionMessage>? Messages, TransportException? Failure);

    /// <summary>An element to report as unreachable once the call ends, after a probe when <paramref name="Probe"/> (a graceful shutdown).</summary>
    private readonly record struct FollowUp(PoolElement Element, bool Probe);

    /// <summary>An idle association kept open to the next failover target.</summary>
    private sealed record Standby(IMessageChannel Channel, PoolElement Element);

    /// <summary>What the next standby must not be (<see cref="Failed"/>) or should not be while another is left (<see cref="Avoid"/>).</summary>
    private sealed record StandbyExclusions(HashSet<uint> Failed, PoolElement? Avoid);

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
