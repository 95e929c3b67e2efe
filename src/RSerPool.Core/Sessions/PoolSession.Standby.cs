using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using RSerPool.Transport;

namespace RSerPool.Sessions;

/// <summary>The standby association and the work a failover leaves for when its call ends.</summary>
public sealed partial class PoolSession
{
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

        // One whose hedge failed is dead (or slow): excluded from this failover, closed, and reported
        // when the failure says it is dead, once (RetireStandbyAsync).
        if (standby.Owed is { IsCompletedSuccessfully: true } owed && owed.Result is { } owedFailure)
        {
            if (FailoverClassifier.Classify(owedFailure).ReportNow)
            {
                excluded.Add(standby.Element.Identifier);
            }

            _logger.LogDebug("The standby association with {Element} failed a hedged request; selecting another element", standby.Element);
            RetireStandbyAfterCall(standby, owedFailure);
            return false;
        }

        // A standby still waiting for a hedge's answer is not used: the answer would be taken for the resend's.
        if (excluded.Contains(standby.Element.Identifier) || !standby.IsReady || !standby.Channel.CheckConnected())
        {
            _logger.LogDebug("The standby association with {Element} is not usable; selecting another element", standby.Element);
            _ = standby.TryClaimRetirement(); // closed here: its owed read ending is no failure to report
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
    /// How long the work a call left waits after the call ends (<see cref="RunDeferredWork"/>): the
    /// caller first takes its answer. Started at once, the dead association's close, the report (and
    /// the registrar's handling of it) and the new standby's handshake ran beside the caller's
    /// continuation on the lab's two emulated CPUs: in one hedged failover the answer reached the
    /// caller 10 ms after the session had it, while that work ran. Nothing in it is urgent: the report
    /// is advice to the registrar (RFC 5352 §3.5), and the old association is dead.
    /// </summary>
    internal static readonly TimeSpan FollowUpDelay = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// When a call ends (its answer, or its error, is on the way back to the caller): closes the
    /// association a failover left behind, retires a standby found dead during the call, sends the
    /// reports and probes a failover queued, and opens the standby asked for, all on a pool thread
    /// after <see cref="FollowUpDelay"/>. Inline, this work delayed the answer that ended the
    /// failover by 100-250 ms under the lab's emulated CPU (runtime trace: a probe's connect and
    /// its report ran before the answer was returned).
    /// </summary>
    private void RunDeferredWork()
    {
        IMessageChannel? retired = Interlocked.Exchange(ref _retired, null);
        bool standby = Interlocked.Exchange(ref _standbyWanted, 0) != 0;
        if (retired is null && !standby && _followUps.IsEmpty && _retirements.IsEmpty)
        {
            return;
        }

        TrackBackground(RunDeferredWorkAsync(retired, standby));
    }

    /// <remarks>
    /// Called, not queued with Task.Run: the wait is a timer's, and nothing reaches the thread pool
    /// until it fires. Queued at once, the work woke a pool worker and the pool's gate thread just as
    /// the answer went back to the caller, and perf in the lab caught two workers spinning in
    /// sched_yield there, on one of the guest's two CPUs, while the new element was answering.
    /// </remarks>
    private async Task RunDeferredWorkAsync(IMessageChannel? retired, bool standby)
    {
        await Task.Delay(FollowUpDelay).ConfigureAwait(false);
        if (retired is not null)
        {
            await CloseAsync(retired, null).ConfigureAwait(false); // already off the caller's path
        }

        while (_retirements.TryDequeue(out Retirement? dead))
        {
            await RetireStandbyAsync(dead.Standby, dead.Failure).ConfigureAwait(false);
        }

        bool followedUp = false;
        while (_followUps.TryDequeue(out FollowUp? followUp))
        {
            await RunFollowUpAsync(followUp).ConfigureAwait(false);
            followedUp = true;
        }

        if (followedUp)
        {
            // Reports drop the dead elements from the pool user's cache (a probe that found its
            // element alive drops nothing, so the refill asks only if the cache was short already):
            // the next failover should not have to wait for a resolution because of that.
            await RefillAsync().ConfigureAwait(false);
        }

        if (standby)
        {
            OpenStandbyInBackground();
        }
    }

    /// <summary>
    /// The background work started so far that sends reports (<see cref="RunDeferredWork"/>, standby
    /// retirements): tests wait for it before counting reports.
    /// </summary>
    internal Task BackgroundWork { get; private set; } = Task.CompletedTask;

    private readonly object _backgroundGate = new();

    private void TrackBackground(Task work)
    {
        lock (_backgroundGate)
        {
            BackgroundWork = BackgroundWork.IsCompleted ? work : Task.WhenAll(BackgroundWork, work);
        }
    }

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
        if (previous is not null && previous.TryClaimRetirement())
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

    /// <summary>An idle association kept open to the next failover target.</summary>
    private sealed record Standby(IMessageChannel Channel, PoolElement Element)
    {
        /// <summary>
        /// The wait for an answer the element still owes (a hedged request that the other element
        /// answered first): null once read, or the failure that ended the association. Null when nothing is owed.
        /// </summary>
        public Task<Exception?>? Owed { get; set; }

        /// <summary>Whether the association may carry a request now: nothing owed and still connected.</summary>
        public bool IsReady => (Owed is null || (Owed.IsCompletedSuccessfully && Owed.Result is null)) && Channel.IsConnected;

        private int _retired;

        /// <summary>True for the first caller only: a failed standby is closed and reported once.</summary>
        public bool TryClaimRetirement() => Interlocked.Exchange(ref _retired, 1) == 0;
    }

    /// <summary>What the next standby must not be (<see cref="Failed"/>) or should not be while another is left (<see cref="Avoid"/>).</summary>
    private sealed record StandbyExclusions(HashSet<uint> Failed, PoolElement? Avoid);
}
