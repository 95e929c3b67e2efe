using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using RSerPool.Transport;

namespace RSerPool.Sessions;

/// <summary>
/// Hedged requests (<see cref="RequestOptions.HedgeAfter"/>): an idempotent request that the element
/// has not answered in time also goes to the standby element, and the first answer wins.
/// </summary>
/// <remarks>
/// Why: a failover starts when the association reports the element's death (its kernel's ABORT or
/// SHUTDOWN), and that alone took 8-20 ms in the lab after a kill, about as long as rsplib's whole
/// failover. A hedge does not wait for it. A hedge is not a failover: a slow answer says nothing about
/// an element's health, so nothing is reported for it. When the standby answers first the session moves
/// to it and the other element becomes the standby (it still owes an answer, read and dropped when it
/// comes); only when that association then fails is its element reported, as a failover would.
/// The pattern is the "hedged request" of Dean and Barroso, "The Tail at Scale" (CACM 2013), as in
/// Polly's hedging strategy and gRPC's hedging policy.
/// </remarks>
public sealed partial class PoolSession
{
    private int _hedgeCount;
    private Transport.Sctp.PollerTimer? _hedgeTimer;

    /// <summary>How many requests also went to the standby element (<see cref="RequestOptions.HedgeAfter"/>).</summary>
    public int HedgeCount => Volatile.Read(ref _hedgeCount);

    /// <summary>
    /// Whether the standby association (<see cref="StandbyElement"/>) can be used now: open, and not
    /// waiting for the answer to a hedge that the other element gave first.
    /// </summary>
    public bool StandbyReady => Volatile.Read(ref _standby) is { IsReady: true };

    /// <summary>Whether this request may be hedged now: see <see cref="RequestOptions.HedgeAfter"/>.</summary>
    private bool CanHedge(RequestOptions options) =>
        options.Idempotent && options.ResponseCount == 1 && options.Terminator.IsEmpty
        && Cookie is null && _options.OnFailover is null && MayFailOver && StandbyReady;

    /// <summary>
    /// Waits for the answer to a request sent on <paramref name="primary"/>; past the hedge delay, sends
    /// it to the standby as well and takes whichever answer comes first.
    /// </summary>
    /// <remarks><paramref name="sentAt"/>: when the send began (a <see cref="Stopwatch"/> timestamp); the delay counts from there.</remarks>
    private async Task<HedgedAnswer> ReceiveHedgedAsync(IMessageChannel primary, PoolElement primaryElement, ReadOnlyMemory<byte> request,
        RequestOptions options, long sentAt, CancellationToken cancellationToken)
    {
        // The waits end on the session's close, and on the caller's cancellation only while this call
        // waits: the one that loses goes on in the background (the answer it owes must be read, or it
        // would be taken for the next one), and a token cancelled after the call must not end it.
        var waits = CancellationTokenSource.CreateLinkedTokenSource(_closing.Token);
        CancellationTokenRegistration callerCancel = cancellationToken.UnsafeRegister(static state => CancelQuietly((CancellationTokenSource)state!), waits);
        try
        {
            return await HedgeAsync(primary, primaryElement, request, options, sentAt, waits).ConfigureAwait(false);
        }
        finally
        {
            callerCancel.Dispose();
        }
    }

    private async Task<HedgedAnswer> HedgeAsync(IMessageChannel primary, PoolElement primaryElement, ReadOnlyMemory<byte> request,
        RequestOptions options, long sentAt, CancellationTokenSource waits)
    {
        TimeSpan hedgeAfter = HedgeDelay(options);
        TimeSpan due = HedgeDue(hedgeAfter, sentAt);

        // Each side's control messages wait until it has won: the loser's cookie or business card is not the session's.
        var firstControl = new List<byte[]>();
        Task<Answer> first;
        if (primary is Transport.Sctp.SctpChannel sctp && Transport.Sctp.ReadinessPoller.MayBlock && Transport.Sctp.ReadinessPoller.Shared.HasIdleThread)
        {
            // A request loop on a poller thread (as a blocking receive may, while another poller thread
            // serves the other associations): one ppoll for what is left of the delay, then the answer
            // read here, or the hedge.
            first = sctp.WaitReadable(due, waits.Token)
                ? ReceiveAnswerAsync(primary, options, waits.Token, firstControl).AsTask()
                : ReceiveWithoutBlocking(primary, options, firstControl, waits.Token);
        }
        else
        {
            first = await ReceiveUntilDueAsync(primary, options, due, firstControl, waits.Token).ConfigureAwait(false);
        }

        Standby? standby = Volatile.Read(ref _standby);
        if (first.IsCompleted || standby is not { IsReady: true })
        {
            return await FinishUnhedgedAsync(first, firstControl, waits, primaryElement).ConfigureAwait(false);
        }

        try
        {
            await standby.Channel.SendAsync(request, options.PayloadProtocolId, options.Stream, waits.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TransportException or OperationCanceledException or ObjectDisposedException)
        {
            // The standby is gone (or the call ends): the request waits for the element alone.
            if (e is TransportException failure)
            {
                standby.Owed = Task.FromResult<Exception?>(failure);
                RetireStandbyAfterCall(standby, failure);
            }

            return await FinishUnhedgedAsync(first, firstControl, waits, primaryElement).ConfigureAwait(false);
        }

        Interlocked.Increment(ref _hedgeCount);
        _logger.LogDebug("No answer from {Element} within {Delay} ms; the request also goes to the standby {Standby}",
            primaryElement, Math.Round(hedgeAfter.TotalMilliseconds, 2), standby.Element);
        var secondControl = new List<byte[]>();
        Task<Answer> second = ReceiveWithoutBlocking(standby.Channel, options, secondControl, waits.Token);
        Task<Answer> done = await Task.WhenAny(first, second).ConfigureAwait(false);
        if (!IsAnswer(done))
        {
            done = done == first ? second : first;
            await Task.WhenAny(done).ConfigureAwait(false); // the other one decides
        }

        if (!IsAnswer(done))
        {
            // Neither answered: the failover that follows retires the standby (TryPromoteStandbyAsync sees
            // the failure it owes) and deals with the element.
            standby.Owed = OwedAsync(second);
            waits.Dispose();
            Apply(firstControl);
            if (first.IsCanceled || first.Exception?.InnerException is OperationCanceledException)
            {
                RetireStandbyAfterCall(standby, await standby.Owed.ConfigureAwait(false)); // no failover follows a cancelled call
            }

            return new HedgedAnswer(await first.ConfigureAwait(false), primaryElement, Hedged: true);
        }

        if (done == first)
        {
            Apply(firstControl);
            standby.Owed = SettleOwedAsync(standby, second, waits);
            return new HedgedAnswer(first.Result, primaryElement, Hedged: true);
        }

        // The standby answered first: the session moves to it, and the element becomes the standby.
        Apply(secondControl);
        var demoted = new Standby(primary, primaryElement);
        _channel = standby.Channel;
        CurrentElement = standby.Element;
        ConnectedAt = DateTimeOffset.UtcNow;
        FailoverCount++;
        bool installed = Interlocked.CompareExchange(ref _standby, demoted, standby) == standby;

        // Settled after it is installed: an element already dead is retired (and reported) at once.
        demoted.Owed = SettleOwedAsync(demoted, first, waits);
        if (!installed)
        {
            CloseInBackground(primary, primaryElement); // the session closed, or the standby changed meanwhile
        }

        if (State == SessionState.Closed && Interlocked.Exchange(ref _channel, null) is { } orphan)
        {
            CloseInBackground(orphan, standby.Element); // closed while this call moved: DisposeAsync found the old association
        }

        _logger.LogInformation("Pool element {Standby} answered the hedged request before {Element}; the session moves to it (failover #{Count})",
            standby.Element, primaryElement, FailoverCount);
        return new HedgedAnswer(second.Result, standby.Element, Hedged: true);
    }

    /// <summary>The element's answer, started and waited for until it comes or <paramref name="due"/> has passed (then still running).</summary>
    private async Task<Task<Answer>> ReceiveUntilDueAsync(IMessageChannel primary, RequestOptions options, TimeSpan due, List<byte[]> control, CancellationToken cancellationToken)
    {
        // The timer is armed first, for what is left of the delay since the send began: the receive's
        // set-up below (a recvmsg, an epoll_ctl) would otherwise be added to every hedge's delay, and
        // under the lab's emulated CPU the hedges left 0.8-2.3 ms after their 3 ms were up.
        using var delay = new CancellationTokenSource();
        Task timer = StartHedgeTimer(primary, due, delay.Token);
        Task<Answer> first = ReceiveWithoutBlocking(primary, options, control, cancellationToken);
        if (!first.IsCompleted)
        {
            await Task.WhenAny(first, timer).ConfigureAwait(false);
        }

        if (!timer.IsCompleted)
        {
            delay.Cancel(); // stops the timer when the answer came first

            // And waits until it has stopped: a timer still completing could otherwise disarm the next request's.
            await timer.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
        }

        return first;
    }

    /// <summary>
    /// How long a request waits for its element before it is hedged: <see cref="RequestOptions.HedgeAfter"/>,
    /// or with <see cref="RequestOptions.AdaptiveHedge"/> the 95th percentile of the latest round trips, bounded by it.
    /// </summary>
    internal TimeSpan HedgeDelay(RequestOptions options)
    {
        if (!options.AdaptiveHedge)
        {
            return options.HedgeAfter!.Value;
        }

        TimeSpan longest = options.HedgeAfter ?? RequestOptions.UnmeasuredHedgeDelay;
        return _roundTrips.Quantile(RoundTripWindow.HedgeQuantile) is { } usual && usual < longest ? usual : longest;
    }

    /// <summary>What is left of the hedge delay since the send began (at least a tick: a timerfd set to zero is disarmed).</summary>
    internal static TimeSpan HedgeDue(TimeSpan hedgeAfter, long sentAt)
    {
        TimeSpan left = hedgeAfter - Stopwatch.GetElapsedTime(sentAt);
        return left > TimeSpan.Zero ? left : TimeSpan.FromTicks(1);
    }

    private static void CancelQuietly(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The waits had ended already.
        }
    }

    private void Apply(List<byte[]> control)
    {
        foreach (byte[] message in control)
        {
            HandleControl(message);
        }
    }

    /// <summary>
    /// The hedge delay: on an SCTP association a timerfd on the poller, which fires on time under load
    /// (see <see cref="Transport.Sctp.PollerTimer"/>); else Task.Delay.
    /// </summary>
    private Task StartHedgeTimer(IMessageChannel primary, TimeSpan due, CancellationToken cancellationToken)
    {
        if (primary is Transport.Sctp.SctpChannel && State != SessionState.Closed && (_hedgeTimer ??= Transport.Sctp.PollerTimer.TryCreate()) is { } timer)
        {
            return timer.WaitAsync(due, cancellationToken);
        }

        return Task.Delay(due, cancellationToken);
    }

    /// <summary>
    /// Starts a receive that gives control back while it waits: on a poller thread a receive right
    /// after a send would otherwise read with a blocking recvmsg, and the hedge's timer could not run.
    /// </summary>
    private Task<Answer> ReceiveWithoutBlocking(IMessageChannel channel, RequestOptions options, List<byte[]> control, CancellationToken cancellationToken)
    {
        using (Transport.Sctp.ReadinessPoller.NoBlockingReads())
        {
            return ReceiveAnswerAsync(channel, options, cancellationToken, control).AsTask();
        }
    }

    private static bool IsAnswer(Task<Answer> task) => task.IsCompletedSuccessfully && task.Result.Failure is null;

    private async Task<HedgedAnswer> FinishUnhedgedAsync(Task<Answer> first, List<byte[]> control, CancellationTokenSource waits, PoolElement element)
    {
        try
        {
            Answer answer = await first.ConfigureAwait(false);
            Apply(control);
            return new HedgedAnswer(answer, element, Hedged: false);
        }
        finally
        {
            waits.Dispose();
        }
    }

    /// <summary>The failure that ended a wait for an owed answer, or null when the answer came (the association is in step again).</summary>
    private static async Task<Exception?> OwedAsync(Task<Answer> receive)
    {
        try
        {
            Answer answer = await receive.ConfigureAwait(false);
            return answer.Failure;
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException or ObjectDisposedException)
        {
            return e;
        }
    }

    /// <summary>Reads (and drops) the answer a standby owes; an association that fails meanwhile is retired.</summary>
    /// <remarks>
    /// Called inside the request's call. A wait that has already failed is retired when that call has
    /// returned its answer (<see cref="RunDeferredWork"/>), as a failover's work is: on a pool thread at
    /// once, the close, report, resolution and new standby handshake ran beside the answer still on its
    /// way back to the caller (lab: the standby's answer read 2-3 ms later, on two emulated CPUs).
    /// </remarks>
    private async Task<Exception?> SettleOwedAsync(Standby standby, Task<Answer> receive, CancellationTokenSource waits)
    {
        bool inCall = receive.IsCompleted;
        Exception? failure = await OwedAsync(receive).ConfigureAwait(false);
        waits.Dispose();
        if (failure is not null && inCall)
        {
            RetireStandbyAfterCall(standby, failure);
        }
        else if (failure is not null)
        {
            RetireStandbyInBackground(standby, failure);
        }

        return failure;
    }

    /// <summary>
    /// Retires a standby found dead inside a call once that call has returned (<see cref="RunDeferredWork"/>):
    /// every place a call finds its standby dead queues it here, so none of the close, report, resolution
    /// and new standby's handshake runs beside the call's answer.
    /// </summary>
    private void RetireStandbyAfterCall(Standby standby, Exception? failure) => _retirements.Enqueue(new Retirement(standby, failure));

    /// <summary>
    /// Retires a standby whose owed answer failed after the call that hedged had returned: no call is
    /// waiting, so on a pool thread at once. (Inside a call this work delayed its answer by 60-100 ms
    /// in the lab, the report's round trip to the registrar: see <see cref="RetireStandbyAfterCall"/>.)
    /// </summary>
    private void RetireStandbyInBackground(Standby standby, Exception? failure)
    {
        TrackBackground(Task.Run(() => RetireStandbyAsync(standby, failure), CancellationToken.None));
    }

    /// <summary>
    /// A standby association failed (or its wait was cancelled, which leaves it out of step): it is
    /// closed and replaced; its element is reported when the failure says it is dead (RFC 5352 §3.5),
    /// as a failover from it would have.
    /// </summary>
    private async Task RetireStandbyAsync(Standby standby, Exception? failure)
    {
        if (!standby.TryClaimRetirement())
        {
            return;
        }

        // Not the standby any more when a failover took it meanwhile (and found it unusable): still
        // reported here, but the failover opens the next standby.
        bool wasStandby = Interlocked.CompareExchange(ref _standby, null, standby) == standby;
        await CloseAsync(standby.Channel, standby.Element).ConfigureAwait(false);
        if (State == SessionState.Closed || failure is null)
        {
            return;
        }

        var failed = new HashSet<uint>();

        // A timeout says the element is slow, not dead (the association is up): replaced, not reported.
        if (failure is not OperationCanceledException and not ObjectDisposedException and not TimeoutException)
        {
            LastError = failure;
            _logger.LogInformation("The standby association with {Element} failed ({Cause})", standby.Element, failure.Message);
            FailureVerdict verdict = FailoverClassifier.Classify(failure);
            if (verdict.ReportNow)
            {
                failed.Add(standby.Element.Identifier);
            }

            if (verdict.ReportNow || verdict.ProbeBeforeReport)
            {
                await RunFollowUpAsync(new FollowUp(standby.Element, Probe: !verdict.ReportNow)).ConfigureAwait(false);
            }
        }

        if (wasStandby)
        {
            StartStandby(failed, standby.Element, deferred: false);
        }
    }

    /// <summary>An answer to a (possibly) hedged request, with the element that gave it.</summary>
    private readonly record struct HedgedAnswer(Answer Answer, PoolElement Element, bool Hedged);
}
