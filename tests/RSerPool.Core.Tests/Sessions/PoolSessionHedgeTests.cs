using System;
using System.Diagnostics;
using System.Text;
using System.Threading.Tasks;
using RSerPool.Sessions;
using RSerPool.Tests.Sessions.Fakes;
using RSerPool.Transport;
using Xunit;
using static RSerPool.Tests.Sessions.Fakes.SessionHarness;

namespace RSerPool.Tests.Sessions;

/// <summary>RequestOptions.HedgeAfter: an idempotent request also sent to the standby when the element is slow to answer.</summary>
public sealed class PoolSessionHedgeTests
{
    private static readonly SessionOptions WithStandby = Options with { Standby = true };
    private static readonly RequestOptions Hedged = new() { Idempotent = true, HedgeAfter = TimeSpan.FromMilliseconds(20) };

    [Fact]
    public async Task AnswerInTime_NotHedged_TheStandbyReceivesNothing()
    {
        await using var pool = new SessionHarness();
        PoolSession session = await pool.OpenAsync(WithStandby);
        await WaitForStandbyAsync(session, pool.B);

        SessionReply reply = await session.RequestAsync(Bytes("hi"), Hedged with { HedgeAfter = Limit }).Within();

        Assert.Equal("hi", Text(reply));
        Assert.False(reply.Hedged);
        Assert.Equal(0, session.HedgeCount);
        Assert.Empty(pool.B.Last.Received.Snapshot());
    }

    [Fact]
    public void HedgeDelay_CountsFromTheSendsStart_AndIsNeverZero()
    {
        TimeSpan delay = TimeSpan.FromMilliseconds(20);
        long now = Stopwatch.GetTimestamp();
        TimeSpan fresh = PoolSession.HedgeDue(delay, now);
        TimeSpan elapsed = Stopwatch.GetElapsedTime(now);
        Assert.InRange(fresh, delay - elapsed, delay); // what is left of it, however long this thread waited

        long longAgo = now - Stopwatch.Frequency; // a send that took a second
        Assert.Equal(TimeSpan.FromTicks(1), PoolSession.HedgeDue(delay, longAgo)); // due at once, not disarmed (zero)
    }

    [Fact]
    public async Task ElementSilent_TheStandbyAnswers_TheSessionMovesToIt_AndTheElementsLateAnswerIsDropped()
    {
        await using var pool = new SessionHarness();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pool.A.OnUserMessage = async (c, m) =>
        {
            await release.Task;
            await Behaviors.Echo(c, m);
        };
        PoolSession session = await pool.OpenAsync(WithStandby);
        await WaitForStandbyAsync(session, pool.B);

        SessionReply reply = await session.RequestAsync(Bytes("one"), Hedged).Within();

        Assert.Equal("one", Text(reply));
        Assert.True(reply.Hedged);
        Assert.True(reply.FailedOver);
        Assert.Equal(pool.B.Identifier, reply.Element.Identifier);
        Assert.Equal(pool.B.Identifier, session.CurrentElement?.Identifier);
        Assert.Equal(pool.A.Identifier, session.StandbyElement?.Identifier); // A is slow, not dead: it becomes the standby
        Assert.Equal(1, session.FailoverCount);
        Assert.Equal(1, session.HedgeCount);
        Assert.Equal(new[] { "one" }, pool.A.Last.UserTexts);

        // A's answer to "one" comes late: read and dropped, never taken for the answer to a later hedge.
        release.SetResult();
        await WaitUntilAsync(() => session.StandbyReady);
        pool.B.OnUserMessage = Behaviors.Ignore;
        SessionReply next = await session.RequestAsync(Bytes("two"), Hedged).Within();
        Assert.Equal("two", Text(next));
        Assert.Equal(pool.A.Identifier, next.Element.Identifier);
        Assert.Equal(new[] { "one", "two" }, pool.A.Connections.Snapshot()[0].UserTexts);
        Assert.Empty(await pool.SettledReportsAsync()); // slow is not dead
    }

    [Fact]
    public async Task ElementKilled_TheStandbyAnswers_ThenTheDeadElementIsReported_AndANewStandbyOpens()
    {
        await using var pool = new SessionHarness();
        TaskCompletionSource die = DiesWhenSignalled(pool.A);
        PoolSession session = await pool.OpenAsync(WithStandby);
        await WaitForStandbyAsync(session, pool.B);

        SessionReply reply = await session.RequestAsync(Bytes("one"), Hedged).Within();
        Assert.Equal(pool.B.Identifier, reply.Element.Identifier);
        Assert.Empty(pool.Host.Reports.Snapshot());

        die.SetResult();
        await AssertARetiredOnceAsync(pool, session);
    }

    [Fact]
    public async Task ElementDiesBeforeTheStandbyAnswers_TheStandbyAnswers_TheDeadElementIsReportedOnce_AndANewStandbyOpens()
    {
        // The order of a kill in the lab: the hedge goes out, the element's abort arrives, then the
        // standby's answer. The dead element is retired once the call has its answer.
        await using var pool = new SessionHarness();
        TaskCompletionSource die = DiesWhenSignalled(pool.A);
        pool.B.OnUserMessage = async (c, m) =>
        {
            die.TrySetResult();    // A aborts now (in memory: the session's wait on A fails at once)...
            await Task.Delay(50);  // ...and B answers after that
            await Behaviors.Echo(c, m);
        };
        PoolSession session = await pool.OpenAsync(WithStandby);
        await WaitForStandbyAsync(session, pool.B);

        SessionReply reply = await session.RequestAsync(Bytes("one"), Hedged).Within();

        Assert.Equal("one", Text(reply));
        Assert.True(reply.Hedged);
        Assert.Equal(pool.B.Identifier, reply.Element.Identifier);
        Assert.Equal(1, session.FailoverCount);
        pool.B.OnUserMessage = Behaviors.Echo;
        await AssertARetiredOnceAsync(pool, session);
    }

    [Fact]
    public async Task TheHedgesSendFails_TheElementAnswers_TheDeadStandbyIsReportedOnceAfterTheCall_AndReplaced()
    {
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = async (c, m) =>
        {
            await Task.Delay(150); // slow, past the hedge delay, but alive
            await Behaviors.Echo(c, m);
        };
        PoolSession session = await pool.OpenAsync(WithStandby);
        await WaitForStandbyAsync(session, pool.B);
        pool.B.Last.Client.StaleUntilUsed = true; // B dies; the session learns it only when the hedge's send fails
        pool.B.Last.Abort();

        SessionReply reply = await session.RequestAsync(Bytes("one"), Hedged).Within();

        Assert.Equal("one", Text(reply));
        Assert.Equal(pool.A.Identifier, reply.Element.Identifier);
        Assert.False(reply.Hedged);
        Assert.Equal(0, session.HedgeCount);
        Assert.Equal(new[] { pool.B.Identifier }, await pool.Host.Reports.WaitForCountAsync(1).Within());
        await WaitForStandbyAsync(session, pool.C);
        Assert.Equal(new[] { pool.B.Identifier }, await pool.SettledReportsAsync()); // once
    }

    /// <summary>The element's process dies once signalled: its kernel aborts the association (a little after the kill).</summary>
    private static TaskCompletionSource DiesWhenSignalled(FakeElement element)
    {
        var die = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        element.OnUserMessage = async (c, m) =>
        {
            await die.Task;
            c.Abort();
        };
        return die;
    }

    /// <summary>After the standby (B) won a hedge and A died: A is reported once and closed, C is the new standby, B serves the next request.</summary>
    private static async Task AssertARetiredOnceAsync(SessionHarness pool, PoolSession session)
    {
        Assert.Equal(new[] { pool.A.Identifier }, await pool.Host.Reports.WaitForCountAsync(1).Within());
        await WaitForStandbyAsync(session, pool.C);
        await pool.A.Last.Client.Disposed.Within();
        Assert.Equal(pool.B.Identifier, (await session.RequestAsync(Bytes("two"), Hedged).Within()).Element.Identifier);
        Assert.Equal(new[] { pool.A.Identifier }, await pool.SettledReportsAsync()); // once
    }

    [Fact]
    public async Task TheElementAnswersFirstAfterAll_TheSessionStays_AndTheStandbysOwedAnswerIsDropped()
    {
        await using var pool = new SessionHarness();
        var aRelease = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bRelease = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pool.A.OnUserMessage = async (c, m) =>
        {
            // "one" when released, "two" after the hedge delay: only the owed answer keeps "two" from B.
            await (c.UserMessages.Length == 1 ? aRelease.Task : Task.Delay(100));
            await Behaviors.Echo(c, m);
        };
        pool.B.OnUserMessage = async (c, m) =>
        {
            await bRelease.Task;
            await Behaviors.Echo(c, m);
        };
        PoolSession session = await pool.OpenAsync(WithStandby);
        await WaitForStandbyAsync(session, pool.B);

        Task<SessionReply> pending = session.RequestAsync(Bytes("one"), Hedged);
        await pool.B.Last.Received.WaitForCountAsync(1).Within(); // hedged
        aRelease.SetResult();
        SessionReply reply = await pending.Within();

        Assert.Equal(pool.A.Identifier, reply.Element.Identifier);
        Assert.True(reply.Hedged);
        Assert.False(reply.FailedOver);
        Assert.Equal(0, session.FailoverCount);

        // B still owes "one": no hedge to it until that answer is read.
        SessionReply second = await session.RequestAsync(Bytes("two"), Hedged).Within();
        Assert.Equal("two", Text(second));
        Assert.False(second.Hedged);
        Assert.Equal(new[] { "one" }, pool.B.Last.UserTexts);

        bRelease.SetResult();
        await WaitUntilAsync(() => session.StandbyReady);
        Assert.Equal(pool.B.Identifier, session.StandbyElement?.Identifier);
        Assert.Equal(1, session.HedgeCount);
        Assert.Empty(await pool.SettledReportsAsync());
    }

    [Fact]
    public async Task NeitherAnswers_BothDie_TheSessionFailsOverToAThird_AndResends()
    {
        await using var pool = new SessionHarness();
        var die = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pool.A.OnUserMessage = async (c, m) =>
        {
            await die.Task;
            c.Abort();
        };
        pool.B.OnUserMessage = (c, m) =>
        {
            die.TrySetResult(); // the hedge arrived: now both go
            c.Abort();
            return Task.CompletedTask;
        };
        PoolSession session = await pool.OpenAsync(WithStandby);
        await WaitForStandbyAsync(session, pool.B);

        SessionReply reply = await session.RequestAsync(Bytes("one"), Hedged).Within();

        Assert.Equal("one", Text(reply));
        Assert.NotEqual(pool.A.Identifier, reply.Element.Identifier);
        Assert.NotEqual(pool.B.Identifier, reply.Element.Identifier);
        Assert.Contains(pool.A.Identifier, await pool.Host.Reports.WaitUntilAsync(r => r.Contains(pool.A.Identifier) && r.Contains(pool.B.Identifier)).Within());
    }

    [Fact]
    public async Task NotHedged_WithoutIdempotence_WithATerminator_WithACookie_OrWithoutAStandby()
    {
        foreach (string when in new[] { "not idempotent", "terminator", "cookie", "no standby" })
        {
            await using var pool = new SessionHarness();
            pool.A.OnUserMessage = async (c, m) =>
            {
                await Task.Delay(100); // slower than the hedge delay, every time
                await (when == "cookie" ? Behaviors.CookieThenEcho("k")(c, m) : Behaviors.Echo(c, m));
            };
            PoolSession session = await pool.OpenAsync(when == "no standby" ? Options : WithStandby);
            if (when != "no standby")
            {
                await WaitForStandbyAsync(session, pool.B);
            }

            RequestOptions options = when switch
            {
                "not idempotent" => Hedged with { Idempotent = false },
                "terminator" => Hedged with { Terminator = Bytes("x") },
                _ => Hedged,
            };
            if (when == "cookie")
            {
                await session.RequestAsync(Bytes("first"), Hedged with { HedgeAfter = null }).Within();
                Assert.True(session.HasCookie);
            }

            SessionReply reply = await session.RequestAsync(Bytes("x"), options).Within();

            Assert.False(reply.Hedged, when);
            Assert.Equal(pool.A.Identifier, reply.Element.Identifier);
            Assert.Equal(0, session.HedgeCount);
            Assert.Equal(0, pool.B.ConnectAttempts > 0 ? pool.B.Last.UserMessages.Length : 0);
        }
    }

    [Fact]
    public async Task TheLosersCookieIsNotTheSessions_TheWinnersIs()
    {
        foreach (bool standbyWins in new[] { false, true })
        {
            await using var pool = new SessionHarness();
            var aRelease = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var bRelease = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            pool.A.OnUserMessage = async (c, m) =>
            {
                await aRelease.Task;
                await Behaviors.Echo(c, m);
            };
            pool.B.OnUserMessage = async (c, m) =>
            {
                await bRelease.Task;
                await Behaviors.CookieThenEcho("from B")(c, m);
            };
            PoolSession session = await pool.OpenAsync(WithStandby);
            await WaitForStandbyAsync(session, pool.B);

            Task<SessionReply> pending = session.RequestAsync(Bytes("one"), Hedged);
            await pool.B.Last.Received.WaitForCountAsync(1).Within();
            (standbyWins ? bRelease : aRelease).SetResult();
            SessionReply reply = await pending.Within();
            Assert.Equal(standbyWins ? pool.B.Identifier : pool.A.Identifier, reply.Element.Identifier);
            (standbyWins ? aRelease : bRelease).SetResult();
            await WaitUntilAsync(() => session.StandbyReady);

            Assert.Equal(standbyWins, session.HasCookie);
        }
    }

    [Fact]
    public async Task TheLosersOwedAnswerTimesOut_ItIsReplaced_NotReported()
    {
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = Behaviors.Ignore; // alive, never answers
        PoolSession session = await pool.OpenAsync(WithStandby);
        await WaitForStandbyAsync(session, pool.B);

        // The timeout is long enough for the hedge to go out first even on a loaded machine (else A times
        // out as the element, which is reported like any element that does not answer).
        SessionReply reply = await session.RequestAsync(Bytes("one"), Hedged with { Timeout = TimeSpan.FromSeconds(2) }).Within();

        Assert.Equal(pool.B.Identifier, reply.Element.Identifier);
        await pool.A.Last.Client.Disposed.Within();        // its owed answer never came
        await WaitForStandbyAsync(session, pool.C);
        Assert.Empty(await pool.SettledReportsAsync());    // slow, not dead
    }

    [Fact]
    public async Task HedgeAfter_ZeroOrNegative_IsRefused()
    {
        await using var pool = new SessionHarness();
        PoolSession session = await pool.OpenAsync(WithStandby);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => session.RequestAsync(Bytes("x"), Hedged with { HedgeAfter = TimeSpan.Zero }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => session.RequestAsync(Bytes("x"), Hedged with { HedgeAfter = TimeSpan.FromMilliseconds(-1) }));
        Assert.Equal("ok", Text(await session.RequestAsync(Bytes("ok"), Hedged).Within()));
    }

    [Fact]
    public async Task CancelledWhileHedged_BothWaitsEnd_TheSessionStaysUsable()
    {
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = (c, m) => Text(m.Data) == "one" ? Task.CompletedTask : Behaviors.Echo(c, m);
        pool.B.OnUserMessage = Behaviors.Ignore;
        PoolSession session = await pool.OpenAsync(WithStandby);
        await WaitForStandbyAsync(session, pool.B);
        using var cts = new System.Threading.CancellationTokenSource();

        Task<SessionReply> pending = session.RequestAsync(Bytes("one"), Hedged, cts.Token);
        await pool.B.Last.Received.WaitForCountAsync(1).Within();
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending).Within();
        Assert.Equal(pool.A.Identifier, session.CurrentElement?.Identifier);
        Assert.Equal("two", Text(await session.RequestAsync(Bytes("two")).Within()));
        Assert.Equal(2, pool.A.ConnectAttempts); // A's association was out of step too: a new one

        // B's wait ended with the call: out of step, it is closed and replaced (not reported: nothing says it is dead).
        await pool.B.Connections.Snapshot()[0].Client.Disposed.Within();
        await WaitUntilAsync(() => session.StandbyReady && session.StandbyElement?.Identifier != pool.B.Identifier || pool.B.ConnectAttempts > 1);
        Assert.Empty(await pool.SettledReportsAsync());
    }
}
