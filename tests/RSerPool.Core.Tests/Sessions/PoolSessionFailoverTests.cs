using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using RSerPool.Sessions;
using RSerPool.Tests.Sessions.Fakes;
using RSerPool.Transport;
using Xunit;
using static RSerPool.Tests.Sessions.Fakes.SessionHarness;

namespace RSerPool.Tests.Sessions;

/// <summary>Failover paths of PoolSession: what fails, who is reported, what is resent, what the caller sees.</summary>
public sealed class PoolSessionFailoverTests
{
    private static readonly RequestOptions Idempotent = new() { Idempotent = true };

    [Fact]
    public async Task ElementAbortsMidRequest_Idempotent_OneFailover_ResentAndAnsweredByTheNewElement()
    {
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = Behaviors.Abort;
        PoolSession session = await pool.OpenAsync();

        SessionReply reply = await session.RequestAsync(Bytes("req"), Idempotent).Within();

        Assert.Equal("req", Text(reply));
        Assert.Equal(pool.B.Identifier, reply.Element.Identifier);
        Assert.True(reply.FailedOver);
        Assert.Equal(2, reply.Attempts);
        Assert.Equal(1, session.FailoverCount);
        Assert.Equal(pool.B.Identifier, session.CurrentElement?.Identifier);
        Assert.Equal(SessionState.Connected, session.State);
        Assert.Equal(new[] { pool.A.Identifier }, (await pool.SettledReportsAsync()));
        Assert.Contains(pool.A.Identifier, pool.Host.Selections.Snapshot()[^1].Excluded);
        Assert.Equal(new[] { "req" }, pool.A.Last.UserTexts);
        Assert.Equal(new[] { "req" }, pool.B.Last.UserTexts);
        Assert.Equal(TransportFailure.PeerAborted, Assert.IsType<TransportException>(session.LastError).Failure);

        // The old association was released.
        await pool.A.Last.Client.Disposed.Within();
        Assert.Equal(1, pool.A.ConnectAttempts);
    }

    [Fact]
    public async Task RefillFails_TheSessionGoesOn()
    {
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = Behaviors.Abort;
        pool.Host.RefillFailure = new RSerPoolException(PoolFailure.NoRegistrarReachable, "no registrar");
        PoolSession session = await pool.OpenAsync();
        await session.RequestAsync(Bytes("req"), Idempotent).Within();
        await pool.SettledReportsAsync();

        Assert.Single(pool.Host.Refills.Snapshot());
        Assert.Equal("next", Text(await session.RequestAsync(Bytes("next"), Idempotent).Within()));
        Assert.Equal(SessionState.Connected, session.State);
    }

    [Fact]
    public async Task ReportHeldUp_TheResendDoesNotWaitForIt_ReportSentLater_ThenTheCacheRefilledOnce()
    {
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = Behaviors.Abort;
        pool.Host.ReportGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        PoolSession session = await pool.OpenAsync();

        SessionReply reply = await session.RequestAsync(Bytes("req"), Idempotent).Within();

        Assert.Equal(pool.B.Identifier, reply.Element.Identifier);
        Assert.Empty(pool.Host.Reports.Snapshot());
        Assert.Empty(pool.Host.Refills.Snapshot()); // the refill comes after the report
        pool.Host.ReportGate.SetResult();
        Assert.Equal(new[] { pool.A.Identifier }, await pool.Host.Reports.WaitForCountAsync(1).Within());
        await pool.SettledReportsAsync();
        Assert.Equal(new[] { pool.PoolHandle.ToString() }, pool.Host.Refills.Snapshot());

        await session.RequestAsync(Bytes("again"), Idempotent).Within();
        await pool.SettledReportsAsync();
        Assert.Single(pool.Host.Refills.Snapshot()); // a call without a failover refills nothing
    }

    [Fact]
    public async Task ClosedRightAfterAFailover_TheReportGoesOutFirst()
    {
        // A script that ends right after a failover: the report (sent after the call, PoolSession.FollowUpDelay) is not lost.
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = Behaviors.Abort;
        PoolSession session = await pool.OpenAsync();

        SessionReply reply = await session.RequestAsync(Bytes("req"), Idempotent).Within();
        await session.DisposeAsync().AsTask().Within();

        Assert.Equal(pool.B.Identifier, reply.Element.Identifier);
        Assert.Equal(new[] { pool.A.Identifier }, pool.Host.Reports.Snapshot());
        Assert.Equal(SessionState.Closed, session.State);
    }

    [Fact]
    public async Task ClosedWhileTheReportIsHeldUp_TheCloseDoesNotWaitForIt()
    {
        // The report never completes (a registrar that does not answer): the close gives up after its limit.
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = Behaviors.Abort;
        pool.Host.ReportGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        PoolSession session = await pool.OpenAsync();
        await session.RequestAsync(Bytes("req"), Idempotent).Within();

        await session.DisposeAsync().AsTask().Within();

        Assert.Equal(SessionState.Closed, session.State);
        Assert.Empty(pool.Host.Reports.Snapshot());
        pool.Host.ReportGate.SetResult();
    }

    [Fact]
    public async Task ElementAbortsMidRequest_NotIdempotent_NoCookie_PoolElementUnreachable_MayHaveBeenSent_SessionStaysUsable()
    {
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = Behaviors.Abort;
        PoolSession session = await pool.OpenAsync();

        var error = await Assert.ThrowsAsync<RSerPoolException>(() => session.RequestAsync(Bytes("transfer 100")).Within());

        Assert.Equal(PoolFailure.PoolElementUnreachable, error.Failure);
        Assert.True(error.RequestMayHaveBeenSent);
        Assert.Equal(TransportFailure.PeerAborted, Assert.IsType<TransportException>(error.InnerException).Failure);
        Assert.Equal(pool.PoolHandle, error.PoolHandle);

        // The session failed over by itself but did not resend.
        Assert.Equal(1, session.FailoverCount);
        Assert.Equal(pool.B.Identifier, session.CurrentElement?.Identifier);
        Assert.Equal(SessionState.Connected, session.State);
        Assert.Equal(new[] { pool.A.Identifier }, (await pool.SettledReportsAsync()));
        Assert.Empty(pool.B.Last.Received.Snapshot());

        // The next request goes to the new element, without another failover.
        SessionReply next = await session.RequestAsync(Bytes("balance")).Within();
        Assert.Equal(pool.B.Identifier, next.Element.Identifier);
        Assert.False(next.FailedOver);
        Assert.Equal(1, next.Attempts);
        Assert.Equal(1, session.FailoverCount);
        Assert.Equal(new[] { "balance" }, pool.B.Last.UserTexts);
        Assert.Single(await pool.SettledReportsAsync());
    }

    [Fact]
    public async Task ElementAbortsMidRequest_NotIdempotent_ExceptionNamesTheFailedElementAsPeer()
    {
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = Behaviors.Abort;
        PoolSession session = await pool.OpenAsync();

        var error = await Assert.ThrowsAsync<RSerPoolException>(() => session.RequestAsync(Bytes("transfer 100")).Within());

        // Peer is "the pool element involved": the one that failed, not the one failed over to.
        Assert.Equal(pool.A.EndPoint, error.Peer);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SendFailsBeforeTheRequestLeft_ResentRegardlessOfIdempotence(bool idempotent)
    {
        await using var pool = new SessionHarness();
        pool.A.StaleClientState = true;
        PoolSession session = await pool.OpenAsync();
        await session.RequestAsync(Bytes("first")).Within();

        // A dies between requests; the session's channel has not noticed yet (IsConnected is still true).
        pool.A.Last.Abort();
        Assert.True(pool.A.Last.Client.IsConnected);

        SessionReply reply = await session.RequestAsync(Bytes("second"), new RequestOptions { Idempotent = idempotent }).Within();

        Assert.Equal("second", Text(reply));
        Assert.Equal(pool.B.Identifier, reply.Element.Identifier);
        Assert.True(reply.FailedOver);
        Assert.Equal(2, reply.Attempts);
        Assert.Equal(1, session.FailoverCount);
        Assert.Equal(new[] { "first" }, pool.A.Last.UserTexts);
        Assert.Equal(new[] { "second" }, pool.B.Last.UserTexts);
        Assert.Equal(new[] { pool.A.Identifier }, (await pool.SettledReportsAsync()));
    }

    [Fact]
    public async Task AssociationKnownDeadBeforeTheCall_FailsOverFirst_RequestSentOnceToTheNewElement()
    {
        await using var pool = new SessionHarness();
        PoolSession session = await pool.OpenAsync();
        await session.RequestAsync(Bytes("first")).Within();

        pool.A.Connect = ConnectBehavior.Refuse;
        pool.A.Last.Abort();
        Assert.False(pool.A.Last.Client.IsConnected);

        SessionReply reply = await session.RequestAsync(Bytes("second")).Within();

        Assert.Equal(pool.B.Identifier, reply.Element.Identifier);
        Assert.Equal(1, session.FailoverCount);
        Assert.Equal(new[] { "second" }, pool.B.Last.UserTexts);

        // The session never saw why A went away, so it probes A before reporting it; A refuses.
        await pool.Host.Reports.WaitUntilAsync(r => r.Contains(pool.A.Identifier)).Within();
    }

    [Fact]
    public async Task AssociationKnownDeadBeforeTheCall_ReplySaysFailedOver()
    {
        await using var pool = new SessionHarness();
        PoolSession session = await pool.OpenAsync();
        await session.RequestAsync(Bytes("first")).Within();
        pool.A.Connect = ConnectBehavior.Refuse;
        pool.A.Last.Abort();

        SessionReply reply = await session.RequestAsync(Bytes("second")).Within();

        // SessionReply.FailedOver: "whether the session moved to another element during this request".
        Assert.Equal(pool.B.Identifier, reply.Element.Identifier);
        Assert.True(reply.FailedOver);
    }

    [Fact]
    public async Task RequestTimeout_ElementNeverAnswers_Idempotent_FailsOverWithReport_AndResends()
    {
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = Behaviors.Ignore;

        // The short timeout applies to the resend too: B's answer is queued before the session waits for
        // it, so only A's timeout is timed (an echo through the thread pool could miss 200 ms under load).
        pool.B.AnswersInline = true;
        PoolSession session = await pool.OpenAsync(Options with { RequestTimeout = Short });

        SessionReply reply = await session.RequestAsync(Bytes("req"), Idempotent).Within();

        Assert.Equal(pool.B.Identifier, reply.Element.Identifier);
        Assert.Equal("req", Text(reply));
        Assert.True(reply.FailedOver);
        Assert.Equal(new[] { pool.A.Identifier }, (await pool.SettledReportsAsync()));
        Assert.IsType<TimeoutException>(session.LastError);
        Assert.Equal(new[] { "req" }, pool.A.Last.UserTexts);
        Assert.Equal(new[] { "req" }, pool.B.Last.UserTexts);
    }

    [Fact]
    public async Task RequestTimeout_NotIdempotent_TimeoutFailure_MayHaveBeenSent_AfterFailover()
    {
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = Behaviors.Ignore;
        PoolSession session = await pool.OpenAsync(Options with { RequestTimeout = Short });

        var error = await Assert.ThrowsAsync<RSerPoolException>(() => session.RequestAsync(Bytes("req")).Within());

        Assert.Equal(PoolFailure.Timeout, error.Failure);
        Assert.True(error.RequestMayHaveBeenSent);
        Assert.IsType<TimeoutException>(error.InnerException);
        Assert.Equal(pool.B.Identifier, session.CurrentElement?.Identifier);
        Assert.Equal(new[] { pool.A.Identifier }, (await pool.SettledReportsAsync()));
        Assert.Empty(pool.B.Last.UserMessages);
    }

    [Fact]
    public async Task PerRequestTimeout_OverridesTheSessionTimeout()
    {
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = Behaviors.Ignore;
        pool.B.AnswersInline = true; // the resend has the same short timeout; see RequestTimeout_ElementNeverAnswers_Idempotent_…
        PoolSession session = await pool.OpenAsync(Options with { RequestTimeout = TimeSpan.FromMinutes(5) });

        SessionReply reply = await session.RequestAsync(Bytes("req"), Idempotent with { Timeout = Short }).Within();

        Assert.Equal(pool.B.Identifier, reply.Element.Identifier);
        Assert.Equal("req", Text(reply));
        Assert.Equal(new[] { pool.A.Identifier }, (await pool.SettledReportsAsync()));
    }

    [Fact]
    public async Task FailoverItselfFails_AllCandidatesRefuse_PoolElementUnreachable_StateFailed_LaterCallRecovers()
    {
        await using var pool = new SessionHarness(elements: 5);
        pool.A.OnUserMessage = Behaviors.Abort;
        pool.B.Connect = ConnectBehavior.Refuse;
        pool.C.Connect = ConnectBehavior.Refuse;
        PoolSession session = await pool.OpenAsync(Options with { MaxConnectAttempts = 2 });
        pool.A.Connect = ConnectBehavior.Refuse;

        var error = await Assert.ThrowsAsync<RSerPoolException>(() => session.RequestAsync(Bytes("req"), Idempotent).Within());

        Assert.Equal(PoolFailure.PoolElementUnreachable, error.Failure);
        Assert.Equal(SessionState.Failed, session.State);
        Assert.Equal(0, session.FailoverCount);
        Assert.Equal(new[] { pool.A.Identifier, pool.B.Identifier, pool.C.Identifier }, (await pool.SettledReportsAsync()).Order()); // reports run beside the reconnect: any order
        Assert.Equal(new[] { pool.A.Identifier, pool.B.Identifier, pool.C.Identifier }, pool.Connector.Attempts.Snapshot());

        // B is back: the next call fails over to it and is answered.
        pool.B.Connect = ConnectBehavior.Accept;
        SessionReply reply = await session.RequestAsync(Bytes("again"), Idempotent).Within();

        Assert.Equal(pool.B.Identifier, reply.Element.Identifier);
        Assert.Equal("again", Text(reply));
        Assert.Equal(SessionState.Connected, session.State);
        Assert.Equal(1, session.FailoverCount);
    }

    [Fact]
    public async Task FailoverItselfFails_AfterTheRequestWasSent_ErrorSaysItMayHaveBeenSent()
    {
        await using var pool = new SessionHarness(elements: 5);
        pool.A.OnUserMessage = Behaviors.Abort;
        pool.B.Connect = ConnectBehavior.Refuse;
        pool.C.Connect = ConnectBehavior.Refuse;
        PoolSession session = await pool.OpenAsync(Options with { MaxConnectAttempts = 2 });

        var error = await Assert.ThrowsAsync<RSerPoolException>(() => session.RequestAsync(Bytes("transfer 100")).Within());

        // A received the request before it died; the caller must not be told it surely did not arrive.
        Assert.Equal(new[] { "transfer 100" }, pool.A.Last.UserTexts);
        Assert.Equal(PoolFailure.PoolElementUnreachable, error.Failure);
        Assert.True(error.RequestMayHaveBeenSent);
    }

    [Fact]
    public async Task AllElementsDead_HostSaysNoPoolElementAvailable_ThatSurfaces_ThenRecovers()
    {
        await using var pool = new SessionHarness(elements: 2);
        pool.A.OnUserMessage = Behaviors.Abort;
        pool.B.Connect = ConnectBehavior.Refuse;
        PoolSession session = await pool.OpenAsync();
        pool.A.Connect = ConnectBehavior.Refuse;

        var error = await Assert.ThrowsAsync<RSerPoolException>(() => session.RequestAsync(Bytes("req"), Idempotent).Within());

        Assert.Equal(PoolFailure.NoPoolElementAvailable, error.Failure);
        Assert.Equal(SessionState.Failed, session.State);
        Assert.Equal(new[] { pool.A.Identifier, pool.B.Identifier }, (await pool.SettledReportsAsync()).Order()); // reports run beside the reconnect: any order
        Assert.Equal(new[] { pool.A.Identifier, pool.B.Identifier }, pool.Host.Selections.Snapshot()[^1].Excluded);

        pool.B.Connect = ConnectBehavior.Accept;
        SessionReply reply = await session.RequestAsync(Bytes("again"), Idempotent).Within();

        Assert.Equal(pool.B.Identifier, reply.Element.Identifier);
        Assert.Equal(SessionState.Connected, session.State);
    }

    [Fact]
    public async Task HostFailsDuringFailover_ErrorSurfaces_StateFailed_LaterCallRecovers()
    {
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = Behaviors.Abort;
        PoolSession session = await pool.OpenAsync();
        pool.Host.SelectFailure = new RSerPoolException(PoolFailure.NoRegistrarReachable, "no registrar");

        var error = await Assert.ThrowsAsync<RSerPoolException>(() => session.RequestAsync(Bytes("req"), Idempotent).Within());

        Assert.Equal(PoolFailure.NoRegistrarReachable, error.Failure);
        Assert.Equal(SessionState.Failed, session.State);

        pool.Host.SelectFailure = null;
        SessionReply reply = await session.RequestAsync(Bytes("again"), Idempotent).Within();
        Assert.Equal(pool.B.Identifier, reply.Element.Identifier);
        Assert.Equal(SessionState.Connected, session.State);
    }

    [Fact]
    public async Task FailoverOff_ElementAborts_NoFailover_NoReport_AndLaterCallsFail()
    {
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = Behaviors.Abort;
        PoolSession session = await pool.OpenAsync(Options with { AllowFailover = false });

        var error = await Assert.ThrowsAsync<RSerPoolException>(() => session.RequestAsync(Bytes("req"), Idempotent).Within());

        Assert.Equal(PoolFailure.PoolElementUnreachable, error.Failure);
        Assert.True(error.RequestMayHaveBeenSent);
        Assert.Equal(0, session.FailoverCount);
        Assert.Empty(await pool.SettledReportsAsync());
        Assert.Equal(0, pool.B.ConnectAttempts);

        var later = await Assert.ThrowsAsync<RSerPoolException>(() => session.RequestAsync(Bytes("again"), Idempotent).Within());
        Assert.Equal(PoolFailure.PoolElementUnreachable, later.Failure);
        Assert.Equal(0, pool.B.ConnectAttempts);
    }

    [Fact]
    public async Task FailoverConnectRefused_TriesTheNextAndReportsBoth()
    {
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = Behaviors.Abort;
        pool.B.Connect = ConnectBehavior.Refuse;
        PoolSession session = await pool.OpenAsync();

        SessionReply reply = await session.RequestAsync(Bytes("req"), Idempotent).Within();

        Assert.Equal(pool.C.Identifier, reply.Element.Identifier);
        Assert.Equal(1, session.FailoverCount);
        Assert.Equal(new[] { pool.A.Identifier, pool.B.Identifier }, (await pool.SettledReportsAsync()).Order()); // reports run beside the reconnect: any order
        Assert.Equal(new[] { pool.A.Identifier, pool.B.Identifier }, pool.Host.Selections.Snapshot()[^1].Excluded);
    }

    [Fact]
    public async Task GracefulShutdown_FailsOverWithoutImmediateReport_ProbeReportsWhenTheElementRefuses()
    {
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = Behaviors.Shutdown;
        PoolSession session = await pool.OpenAsync();
        pool.Host.Preference = new[] { pool.B.Element, pool.A.Element };
        var probeGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pool.A.ConnectGate = probeGate;
        pool.A.Connect = ConnectBehavior.Refuse;

        SessionReply reply = await session.RequestAsync(Bytes("req"), Idempotent).Within();

        Assert.Equal(pool.B.Identifier, reply.Element.Identifier);
        Assert.Equal(1, session.FailoverCount);
        Assert.Empty(pool.Host.Reports.Snapshot()); // the probe is held at its gate: nothing may be reported before it
        Assert.Contains(pool.A.Identifier, pool.Host.Selections.Snapshot()[^1].Excluded); // avoided for this selection, not reported
        Assert.Equal(TransportFailure.Shutdown, Assert.IsType<TransportException>(session.LastError).Failure);

        // The probe (a connect attempt to A) is waiting at the gate; A refuses it, so A is reported, once.
        await pool.Connector.Attempts.WaitUntilAsync(a => a.Count(id => id == pool.A.Identifier) == 2).Within();
        probeGate.SetResult();
        uint[] reports = await pool.Host.Reports.WaitForCountAsync(1).Within();
        Assert.Equal(new[] { pool.A.Identifier }, reports);
    }

    [Fact]
    public async Task GracefulShutdown_AnotherElementIsPreferred_EvenWhenThePolicyPicksTheSameOne()
    {
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = Behaviors.Shutdown;
        PoolSession session = await pool.OpenAsync();
        pool.Host.Preference = new[] { pool.A.Element, pool.B.Element }; // the policy would pick A again

        SessionReply reply = await session.RequestAsync(Bytes("req"), Idempotent).Within();

        Assert.Equal(pool.B.Identifier, reply.Element.Identifier);
        Assert.Equal("req", Text(reply));
        Assert.Equal(1, session.FailoverCount);
        Assert.Equal(2, reply.Attempts);
    }

    [Fact]
    public async Task GracefulShutdown_OnlyThatElementLeft_ItIsConnectedAgain()
    {
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = async (connection, m) =>
        {
            pool.A.OnUserMessage = Behaviors.Echo; // closes this session once, then serves the next
            await connection.ShutdownAsync();
        };
        PoolSession session = await pool.OpenAsync();
        pool.Host.Preference = new[] { pool.A.Element };

        SessionReply reply = await session.RequestAsync(Bytes("req"), Idempotent).Within();

        Assert.Equal(pool.A.Identifier, reply.Element.Identifier);
        Assert.Equal("req", Text(reply));
        Assert.Equal(1, session.FailoverCount);
        var selections = pool.Host.Selections.Snapshot();
        Assert.Equal((uint)0, selections[^2].Chosen);                  // first without A: nothing else
        Assert.Equal(pool.A.Identifier, selections[^1].Chosen);        // then A after all
        Assert.DoesNotContain(pool.A.Identifier, selections[^1].Excluded);
    }

    [Fact]
    public async Task GracefulShutdown_ElementStillAlive_ProbeDoesNotReport()
    {
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = Behaviors.Shutdown;
        PoolSession session = await pool.OpenAsync();
        pool.Host.Preference = new[] { pool.B.Element, pool.A.Element };

        SessionReply reply = await session.RequestAsync(Bytes("req"), Idempotent).Within();
        Assert.Equal(pool.B.Identifier, reply.Element.Identifier);

        // The probe connects to A, A accepts, the probe closes the association again: no report.
        ElementConnection[] connections = await pool.A.Connections.WaitForCountAsync(2).Within();
        await connections[1].Client.Disposed.Within();
        await connections[1].Closed.Within();
        Assert.Empty(await pool.SettledReportsAsync());
        Assert.Empty(connections[1].Received.Snapshot());
    }

    [Fact]
    public async Task GracefulShutdown_NotIdempotent_NoCookie_PoolElementUnreachable_MayHaveBeenSent()
    {
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = Behaviors.Shutdown;
        PoolSession session = await pool.OpenAsync();
        pool.Host.Preference = new[] { pool.B.Element, pool.A.Element };

        var error = await Assert.ThrowsAsync<RSerPoolException>(() => session.RequestAsync(Bytes("req")).Within());

        Assert.Equal(PoolFailure.PoolElementUnreachable, error.Failure);
        Assert.True(error.RequestMayHaveBeenSent);
        Assert.Equal(pool.B.Identifier, session.CurrentElement?.Identifier);
    }

    [Fact]
    public async Task ReceiveAsync_ElementAborts_FailsOverThenReportsNotSent_NextReceiveUsesTheNewElement()
    {
        await using var pool = new SessionHarness();
        PoolSession session = await pool.OpenAsync();
        Task<SessionMessage> pending = session.ReceiveAsync();
        pool.A.Last.Abort();

        var error = await Assert.ThrowsAsync<RSerPoolException>(() => pending.Within());

        Assert.Equal(PoolFailure.PoolElementUnreachable, error.Failure);
        Assert.False(error.RequestMayHaveBeenSent);
        Assert.Equal(pool.B.Identifier, session.CurrentElement?.Identifier);
        Assert.Equal(new[] { pool.A.Identifier }, (await pool.SettledReportsAsync()));

        Task<SessionMessage> next = session.ReceiveAsync();
        await pool.B.Last.SendTextAsync("news", ppid: 25, stream: 2);
        SessionMessage m = await next.Within();
        Assert.Equal("news", Text(m.Data));
        Assert.Equal(25u, m.PayloadProtocolId);
        Assert.Equal((ushort)2, m.Stream);
    }

    [Fact]
    public async Task SendAsync_ChannelDeadUnnoticed_FailsOverAndSendsToTheNewElement()
    {
        await using var pool = new SessionHarness();
        pool.A.StaleClientState = true;
        PoolSession session = await pool.OpenAsync();
        pool.A.Last.Abort();

        await session.SendAsync(Bytes("fire and forget"), payloadProtocolId: 7, stream: 1).Within();

        ChannelMessage[] received = await pool.B.Last.Received.WaitForCountAsync(1).Within();
        Assert.Equal("fire and forget", Text(received[0].Data));
        Assert.Equal(7u, received[0].PayloadProtocolId);
        Assert.Equal((ushort)1, received[0].Stream);
        Assert.Equal(1, session.FailoverCount);
        Assert.Equal(new[] { pool.A.Identifier }, (await pool.SettledReportsAsync()));
        Assert.Empty(pool.A.Last.Received.Snapshot());
    }

    [Fact]
    public async Task TwoFailoversInARow_EachDeadElementReportedOnce_CountIsTwo()
    {
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = Behaviors.Abort;
        pool.B.OnUserMessage = Behaviors.EchoThen(1, Behaviors.Abort);
        PoolSession session = await pool.OpenAsync();

        SessionReply first = await session.RequestAsync(Bytes("one"), Idempotent).Within();

        // As PoolUser does, the host drops a reported element from what it selects.
        pool.Host.Preference = new[] { pool.B.Element, pool.C.Element, pool.D.Element };
        SessionReply second = await session.RequestAsync(Bytes("two"), Idempotent).Within();

        Assert.Equal(pool.B.Identifier, first.Element.Identifier);
        Assert.Equal(pool.C.Identifier, second.Element.Identifier);
        Assert.Equal(2, session.FailoverCount);
        Assert.Equal(new[] { pool.A.Identifier, pool.B.Identifier }, (await pool.SettledReportsAsync()).Order()); // reports run beside the reconnect: any order
    }

    [Fact]
    public async Task MessageTooLarge_IsNotAFailover_TheCallerSeesIt_AndTheSessionStays()
    {
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = (c, m) =>
        {
            c.Server.InjectIntoPeer(new TransportException(TransportFailure.MessageTooLarge, "too large"));
            return Task.CompletedTask;
        };
        PoolSession session = await pool.OpenAsync();

        var error = await Assert.ThrowsAsync<TransportException>(() => session.RequestAsync(Bytes("big"), Idempotent).Within());

        Assert.Equal(TransportFailure.MessageTooLarge, error.Failure);
        Assert.Equal(0, session.FailoverCount);
        Assert.Equal(pool.A.Identifier, session.CurrentElement?.Identifier);
        Assert.Empty(await pool.SettledReportsAsync());

        pool.A.OnUserMessage = Behaviors.Echo;
        SessionReply reply = await session.RequestAsync(Bytes("small")).Within();
        Assert.Equal(pool.A.Identifier, reply.Element.Identifier);
    }

    [Fact]
    public async Task ElementClosesGracefullyBetweenCalls_AfterAnEarlierRefusal_IsProbedNotReported()
    {
        // rsplib's ping-pong server ends sessions on purpose. An unrelated older failure (B refusing during
        // the last failover) must not make the session report the live element C as unreachable.
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = Behaviors.Abort;
        pool.B.Connect = ConnectBehavior.Refuse;
        PoolSession session = await pool.OpenAsync();
        SessionReply first = await session.RequestAsync(Bytes("one"), Idempotent).Within();
        Assert.Equal(pool.C.Identifier, first.Element.Identifier);

        await pool.C.Last.ShutdownAsync();
        Assert.False(pool.C.Last.Client.IsConnected);
        pool.Host.Preference = new[] { pool.D.Element };

        SessionReply second = await session.RequestAsync(Bytes("two"), Idempotent).Within();

        Assert.Equal(pool.D.Identifier, second.Element.Identifier);
        Assert.DoesNotContain(pool.C.Identifier, (await pool.SettledReportsAsync()));

        // The probe finds C alive: still not reported.
        ElementConnection[] atC = await pool.C.Connections.WaitForCountAsync(2).Within();
        await atC[1].Client.Disposed.Within();
        Assert.Equal(new[] { pool.A.Identifier, pool.B.Identifier }, (await pool.SettledReportsAsync()).Order()); // reports run beside the reconnect: any order
    }

    [Fact]
    public async Task NewElementDiesBeforeTheCookieEcho_NextCandidateTaken_CountedOnce_DeadChannelReleased()
    {
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = async (c, m) =>
        {
            if (c.UserMessages.Length == 1)
            {
                await c.SendCookieAsync(new byte[] { 1, 2, 3 });
                await Behaviors.Echo(c, m);
            }
            else
            {
                c.Abort();
            }
        };
        PoolSession session = await pool.OpenAsync();
        await session.RequestAsync(Bytes("login")).Within();
        pool.B.Connect = ConnectBehavior.AcceptThenAbort;

        SessionReply reply = await session.RequestAsync(Bytes("work")).Within();

        Assert.Equal(pool.C.Identifier, reply.Element.Identifier);
        Assert.Equal(new[] { pool.A.Identifier, pool.B.Identifier }, (await pool.SettledReportsAsync()).Order()); // reports run beside the reconnect: any order
        Assert.Equal(new byte[] { 1, 2, 3 }, Decode<RSerPool.Wire.Messages.CookieEcho>(pool.C.Last.Received.Snapshot()[0]).Cookie.Value.ToArray());

        // One move (A -> C), and the association with B that failed during the echo is not leaked.
        Assert.Equal(1, session.FailoverCount);
        Assert.True(pool.B.Last.Client.IsDisposed, "the session never disposed its channel to B");
    }

    [Fact]
    public async Task CallbackRequestKillsEveryElement_NestedFailoversStayBounded()
    {
        // Every element accepts, then aborts on any request (a "poison" login). The callback's own request
        // fails over again from inside the callback; that must not chain without bound.
        await using var pool = new SessionHarness(elements: 2);
        pool.A.OnUserMessage = Behaviors.Abort;
        pool.B.OnUserMessage = Behaviors.Abort;
        int calls = 0;
        PoolSession session = await pool.OpenAsync(Options with
        {
            MaxConnectAttempts = 4,
            OnFailover = async (s, ct) =>
            {
                if (Interlocked.Increment(ref calls) > 20)
                {
                    throw new OperationCanceledException("runaway: stopped by the test");
                }

                await s.RequestAsync(Bytes("login"), new RequestOptions { Idempotent = true }, ct);
            },
        });

        Exception error = await Assert.ThrowsAnyAsync<Exception>(() => session.RequestAsync(Bytes("req"), new RequestOptions { Idempotent = true }).Within());

        Assert.IsType<RSerPoolException>(error);
        Assert.InRange(calls, 1, 4);
    }
}
