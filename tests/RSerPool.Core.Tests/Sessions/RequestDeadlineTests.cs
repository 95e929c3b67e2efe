using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using RSerPool.Sessions;
using Xunit;

namespace RSerPool.Tests.Sessions;

/// <summary>
/// RequestDeadline: a request's timeout from one long-lived timer. Real time, with generous waits:
/// the assertions are about which token is cancelled and never before its deadline, not about speed.
/// </summary>
public sealed class RequestDeadlineTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>Completes when the token is cancelled; false if it was not within <see cref="Patience"/>.</summary>
    private static async Task<bool> CancelledWithinPatience(CancellationToken token)
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using CancellationTokenRegistration registration = token.Register(() => cancelled.TrySetResult());
        return await Task.WhenAny(cancelled.Task, Task.Delay(Patience)) == cancelled.Task;
    }

    [Fact]
    public async Task ARequestThatOutlivesItsLimit_IsCancelled_NotBefore()
    {
        using var deadline = new RequestDeadline();
        long start = Stopwatch.GetTimestamp();
        CancellationToken token = deadline.Begin(TimeSpan.FromMilliseconds(100));

        Assert.True(await CancelledWithinPatience(token), "the token was never cancelled");
        Assert.True(Stopwatch.GetElapsedTime(start) >= TimeSpan.FromMilliseconds(100), $"cancelled after {Stopwatch.GetElapsedTime(start)}");
    }

    [Fact]
    public async Task ARequestThatEnded_DoesNotCancelTheNextOne_WhenItsOldDeadlinePasses()
    {
        using var deadline = new RequestDeadline();
        CancellationToken first = deadline.Begin(TimeSpan.FromMilliseconds(200)); // arms the timer for 200 ms
        deadline.End();
        long start = Stopwatch.GetTimestamp();
        CancellationToken second = deadline.Begin(TimeSpan.FromMilliseconds(2000));

        await Task.Delay(500); // past the first request's deadline: the timer fired and found the second's still ahead
        bool early = second.IsCancellationRequested;
        TimeSpan atCheck = Stopwatch.GetElapsedTime(start);

        // Both requests hold the same source (it is swapped only when a request expires), so the first's
        // token says whether anything was cancelled; only meaningful while the second's 2 s still run
        // (a loaded test host once overslept the delay past the second's deadline).
        Assert.True(atCheck >= TimeSpan.FromMilliseconds(2000) || !first.IsCancellationRequested, "an ended request's deadline cancelled the next request's token");
        Assert.True(!early || atCheck >= TimeSpan.FromMilliseconds(2000), $"the second request was cancelled {atCheck} into its 2000 ms");

        Assert.True(await CancelledWithinPatience(second), "the timer did not re-arm for the second request");
        Assert.True(Stopwatch.GetElapsedTime(start) >= TimeSpan.FromMilliseconds(2000), $"cancelled after {Stopwatch.GetElapsedTime(start)}");
    }

    [Fact]
    public async Task AfterATimeout_TheNextRequestGetsAFreshToken()
    {
        using var deadline = new RequestDeadline();
        CancellationToken expired = deadline.Begin(TimeSpan.FromMilliseconds(50));
        Assert.True(await CancelledWithinPatience(expired));
        deadline.End();

        CancellationToken next = deadline.Begin(TimeSpan.FromSeconds(30));

        Assert.False(next.IsCancellationRequested);
        Assert.NotEqual(expired, next);
        deadline.End();
    }

    [Fact]
    public async Task AShorterLimitAfterALongerOne_FiresAtItsOwnDeadline()
    {
        using var deadline = new RequestDeadline();
        deadline.Begin(TimeSpan.FromHours(1)); // arms the timer an hour out
        deadline.End();

        CancellationToken shorter = deadline.Begin(TimeSpan.FromMilliseconds(100));

        Assert.True(await CancelledWithinPatience(shorter), "the timer stayed armed for the hour");
    }

    [Fact]
    public void ALoopOfQuickRequests_OverSeveralTimerPeriods_CancelsNone()
    {
        using var deadline = new RequestDeadline();
        var loop = Stopwatch.StartNew();
        int requests = 0;
        while (loop.Elapsed < TimeSpan.FromMilliseconds(1500)) // the timer fires (and re-arms) about once in here
        {
            long begun = Stopwatch.GetTimestamp();
            CancellationToken token = deadline.Begin(TimeSpan.FromSeconds(1));
            Thread.Sleep(1);
            bool cancelled = token.IsCancellationRequested;
            TimeSpan held = Stopwatch.GetElapsedTime(begun); // a starved test host may sleep past the second: then the cancel is due
            Assert.False(cancelled && held < TimeSpan.FromSeconds(1), $"request {requests} was cancelled {held} into its 1 s, {loop.Elapsed} into the loop");
            deadline.End();
            requests++;
        }

        Assert.True(requests > 10);
    }

    [Fact]
    public void Handles_OnlyPositiveLimitsUpToADay()
    {
        Assert.True(RequestDeadline.Handles(TimeSpan.FromMilliseconds(1)));
        Assert.True(RequestDeadline.Handles(RequestDeadline.MaxLimit));
        Assert.False(RequestDeadline.Handles(TimeSpan.Zero));
        Assert.False(RequestDeadline.Handles(Timeout.InfiniteTimeSpan));
        Assert.False(RequestDeadline.Handles(RequestDeadline.MaxLimit + TimeSpan.FromTicks(1)));
    }

    [Fact]
    public void Disposed_BeginThrows()
    {
        var deadline = new RequestDeadline();
        deadline.Dispose();
        deadline.Dispose(); // twice: no throw

        Assert.Throws<ObjectDisposedException>(() => deadline.Begin(TimeSpan.FromSeconds(1)));
    }
}
