using System;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using RSerPool.Sessions;
using RSerPool.Tests.Sessions.Fakes;
using RSerPool.Transport;
using RSerPool.Wire.Messages;
using Xunit;
using static RSerPool.Tests.Sessions.Fakes.SessionHarness;

namespace RSerPool.Tests.Sessions;

/// <summary>SessionOptions.Standby: an idle association to the next failover target, promoted on failover.</summary>
public sealed class PoolSessionStandbyTests
{
    private static readonly RequestOptions Idempotent = new() { Idempotent = true };
    private static readonly SessionOptions WithStandby = Options with { Standby = true };

    [Fact]
    public async Task Connect_OpensTheStandbyToTheNextElement_WhichReceivesNothing()
    {
        await using var pool = new SessionHarness();
        PoolSession session = await pool.OpenAsync(WithStandby);

        await WaitForStandbyAsync(session, pool.B);

        Assert.Equal(pool.A.Identifier, session.CurrentElement?.Identifier);
        Assert.Equal(1, pool.B.ConnectAttempts);
        SessionReply reply = await session.RequestAsync(Bytes("hi")).Within();
        Assert.Equal(pool.A.Identifier, reply.Element.Identifier);
        Assert.Empty(pool.B.Last.Received.Snapshot());
    }

    [Fact]
    public async Task WithoutTheOption_NoStandby()
    {
        await using var pool = new SessionHarness();
        PoolSession session = await pool.OpenAsync();
        await session.RequestAsync(Bytes("hi")).Within();

        Assert.Null(session.StandbyElement);
        Assert.Equal(0, pool.B.ConnectAttempts);
    }

    [Fact]
    public async Task Failover_PromotesTheStandby_NoNewConnect_CookieEchoedFirst_ThenANewStandbyToAnotherElement()
    {
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = (c, m) => c.UserMessages.Length <= 1 ? Behaviors.CookieThenEcho("k1")(c, m) : Behaviors.Abort(c, m);
        PoolSession session = await pool.OpenAsync(WithStandby);
        await session.RequestAsync(Bytes("one")).Within();
        await WaitForStandbyAsync(session, pool.B);
        int selectionsBefore = pool.Host.Selections.Count;

        SessionReply reply = await session.RequestAsync(Bytes("two"), Idempotent).Within();

        Assert.Equal(pool.B.Identifier, reply.Element.Identifier);
        Assert.True(reply.FailedOver);
        Assert.Equal(1, session.FailoverCount);
        Assert.Equal(1, pool.B.ConnectAttempts);
        var received = pool.B.Last.Received.Snapshot();
        Assert.Equal("k1", Encoding.UTF8.GetString(Decode<CookieEcho>(received[0]).Cookie.Value.Span));
        Assert.Equal(new[] { "two" }, pool.B.Last.UserTexts);
        await pool.Host.Reports.WaitUntilAsync(r => r.Contains(pool.A.Identifier)).Within();

        // The next standby is neither the new current element nor the one that just failed.
        await WaitForStandbyAsync(session, pool.C);
        Assert.All(pool.Host.Selections.Snapshot().Skip(selectionsBefore), s => Assert.Contains(pool.A.Identifier, s.Excluded));
    }

    [Fact]
    public async Task StandbyElementDiedWhileIdle_FailoverSelectsAnotherElement()
    {
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = Behaviors.Abort;
        PoolSession session = await pool.OpenAsync(WithStandby);
        await WaitForStandbyAsync(session, pool.B);
        ElementConnection standby = pool.B.Last;
        pool.B.Connect = ConnectBehavior.Refuse;   // B is gone: its idle association and the element
        standby.Abort();

        SessionReply reply = await session.RequestAsync(Bytes("req"), Idempotent).Within();

        Assert.Equal(pool.C.Identifier, reply.Element.Identifier);
        Assert.Equal(1, session.FailoverCount);
        Assert.Empty(standby.UserTexts);
        await standby.Client.Disposed.Within();
        Assert.Equal(2, pool.B.ConnectAttempts);   // the standby, then the selection's refused try
        Assert.Equal(new[] { pool.A.Identifier, pool.B.Identifier }, (await pool.Host.Reports.WaitForCountAsync(2).Within()).Order());
    }

    [Fact]
    public async Task StandbyRefusesTheCookieEcho_NextCandidate_StandbyReported()
    {
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = (c, m) => c.UserMessages.Length <= 1 ? Behaviors.CookieThenEcho("k1")(c, m) : Behaviors.Abort(c, m);
        PoolSession session = await pool.OpenAsync(WithStandby);
        await session.RequestAsync(Bytes("one")).Within();
        await WaitForStandbyAsync(session, pool.B);

        // B's association is stale: the session only learns it is gone when it sends the cookie echo.
        pool.B.Last.Client.StaleUntilUsed = true;
        pool.B.Last.Abort();

        SessionReply reply = await session.RequestAsync(Bytes("two"), Idempotent).Within();

        Assert.Equal(pool.C.Identifier, reply.Element.Identifier);
        Assert.Equal(new[] { pool.A.Identifier, pool.B.Identifier }, (await pool.Host.Reports.WaitForCountAsync(2).Within()).Order());
    }

    [Fact]
    public async Task GracefulShutdownFailover_TheNextStandbyAvoidsTheElementThatShutDown()
    {
        // A killed element's kernel shuts its associations down gracefully: such an element is not
        // excluded (it may be alive), but while another is left the new standby must not be it.
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = (c, m) => c.UserMessages.Length <= 1 ? Behaviors.Echo(c, m) : Behaviors.Shutdown(c, m);
        PoolSession session = await pool.OpenAsync(WithStandby);
        await session.RequestAsync(Bytes("one")).Within();
        await WaitForStandbyAsync(session, pool.B);
        pool.Host.Preference = new[] { pool.A.Element, pool.B.Element, pool.C.Element }; // the policy would pick A again

        SessionReply reply = await session.RequestAsync(Bytes("two"), Idempotent).Within();

        Assert.Equal(pool.B.Identifier, reply.Element.Identifier);
        await WaitForStandbyAsync(session, pool.C);
        Assert.Empty(await pool.SettledReportsAsync()); // A is alive (the probe connected): not reported
    }

    [Fact]
    public async Task StandbyCandidateRefuses_ItIsReported_AndTheNextCandidateBecomesTheStandby()
    {
        await using var pool = new SessionHarness();
        pool.B.Connect = ConnectBehavior.Refuse;

        PoolSession session = await pool.OpenAsync(WithStandby);

        await WaitForStandbyAsync(session, pool.C);
        Assert.Equal(new[] { pool.B.Identifier }, await pool.Host.Reports.WaitForCountAsync(1).Within());
        Assert.Equal(pool.A.Identifier, session.CurrentElement?.Identifier);
    }

    [Fact]
    public async Task OneElementPool_NoStandby_TheSessionWorks()
    {
        await using var pool = new SessionHarness(elements: 1);
        PoolSession session = await pool.OpenAsync(WithStandby);

        // The standby's selection (A excluded) found nothing.
        await pool.Host.Selections.WaitUntilAsync(s => s.Any(x => x.Chosen == 0)).Within();
        Assert.Null(session.StandbyElement);
        Assert.Equal(pool.A.Identifier, (await session.RequestAsync(Bytes("hi")).Within()).Element.Identifier);
    }

    [Fact]
    public async Task Dispose_ClosesTheStandby()
    {
        await using var pool = new SessionHarness();
        PoolSession session = await pool.OpenAsync(WithStandby);
        await WaitForStandbyAsync(session, pool.B);

        await session.DisposeAsync();

        await pool.B.Last.Client.Disposed.Within();
        Assert.Null(session.StandbyElement);
    }
}
