using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using RSerPool.Transport;
using RSerPool.Wire;
using RSerPool.Wire.Messages;

namespace RSerPool.Sessions;

/// <summary>The failover: classify the failure, select and connect the next element, echo the cookie, run the callback, report the dead one.</summary>
public sealed partial class PoolSession
{
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

    /// <summary>
    /// A request was cancelled after it left, or timed out with no failover to follow: its answer may
    /// still come, and on this association it would be taken for the next request's (requests carry no
    /// identifier). The association is closed and the next call opens a new one to the same element
    /// (<see cref="ReconnectAsync"/>).
    /// </summary>
    private void DropOutOfStep(IMessageChannel channel)
    {
        if (State != SessionState.Closed && Interlocked.CompareExchange(ref _channel, null, channel) == channel)
        {
            Volatile.Write(ref _reconnect, CurrentElement);
            _logger.LogDebug("A request that ended without its answer left the association with {Element} out of step; closing it", CurrentElement);
            CloseInBackground(channel, CurrentElement);
        }
    }

    /// <summary>
    /// A new association to the element whose association a request left out of step (cancelled, or timed out): the
    /// cookie echoed and the failover callback run, as on any new association that resumes a session
    /// (RFC 5352 §3.8), but not counted as a failover. Failing that, a failover when it is allowed.
    /// </summary>
    private async Task<IMessageChannel> ReconnectAsync(PoolElement element, CancellationToken cancellationToken)
    {
        _logger.LogInformation("Opening a new association with {Element}: a request that ended without its answer left the last one out of step", element);
        try
        {
            IMessageChannel channel = await _connector.ConnectAsync(element, cancellationToken).ConfigureAwait(false);
            await UseOrReleaseAsync(channel, element, isFailover: true, cancellationToken, sameElement: true).ConfigureAwait(false);
            return channel;
        }
        catch (TransportException e) when (MayFailOver)
        {
            await FailoverAsync(e, cancellationToken).ConfigureAwait(false);
            return _channel!;
        }
        catch (TransportException e)
        {
            State = SessionState.Failed;
            LastError = e;
            throw Wrap(e, mayHaveBeenSent: false, $"Pool element {element.IdentifierText} could not be connected again and failover is off.");
        }
    }

    /// <summary>Makes <paramref name="channel"/> the session's association; when that fails, closes it and rethrows.</summary>
    private async Task UseOrReleaseAsync(IMessageChannel channel, PoolElement element, bool isFailover, CancellationToken cancellationToken, bool sameElement = false)
    {
        try
        {
            await OnConnectedAsync(channel, element, isFailover, sameElement, cancellationToken).ConfigureAwait(false);
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

    private async Task OnConnectedAsync(IMessageChannel channel, PoolElement element, bool isFailover, bool sameElement, CancellationToken cancellationToken)
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

        State = SessionState.Connected;
        if (sameElement)
        {
            _logger.LogInformation("Session with '{PoolHandle}' has a new association with {Element}", PoolHandle, element);
        }
        else
        {
            FailoverCount++;
            _logger.LogInformation("Session with '{PoolHandle}' failed over to {Element} (failover #{Count})", PoolHandle, element, FailoverCount);
        }

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

    /// <summary>Refills the pool user's cache after reports (<see cref="ISessionHost.RefillAsync"/>); a failure is logged, not thrown.</summary>
    private async Task RefillAsync()
    {
        if (State == SessionState.Closed)
        {
            return;
        }

        try
        {
            await _host.RefillAsync(PoolHandle, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RSerPoolException or OperationCanceledException or ObjectDisposedException)
        {
            // Only a head start for the next failover, which resolves by itself when the cache is short.
            _logger.LogInformation("Could not refill the cached elements of '{PoolHandle}': {Reason}", PoolHandle, e.Message);
        }
    }

    /// <summary>Reports the element, after a probe when the follow-up asks for one.</summary>
    private Task RunFollowUpAsync(FollowUp followUp) =>
        followUp.Probe ? ProbeAndReportAsync(followUp.Element) : ReportAsync(followUp.Element, CancellationToken.None);

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

    /// <summary>An element to report as unreachable once the call ends, after a probe when <paramref name="Probe"/> (a graceful shutdown).</summary>
    /// <remarks>
    /// A class, not a struct: queued in a ConcurrentQueue, whose code for reference types the runtime
    /// ships precompiled, where a struct's needs compiling on the first failover of the process (lab,
    /// with tiering off: `ConcurrentQueue&lt;FollowUp&gt;.Enqueue` compiled between a failover's steps).
    /// </remarks>
    private sealed record FollowUp(PoolElement Element, bool Probe);

    /// <summary>A standby found dead during a call, retired when the call ends (a class for the reason given on <see cref="FollowUp"/>).</summary>
    private sealed record Retirement(Standby Standby, Exception? Failure);
}
