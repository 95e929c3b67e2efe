using System;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using RSerPool.Sessions;
using RSerPool.Tests.Sessions.Fakes;
using RSerPool.Transport;
using RSerPool.Wire.Messages;
using Xunit;
using static RSerPool.Tests.Sessions.Fakes.SessionHarness;

namespace RSerPool.Tests.Sessions;

/// <summary>One call at a time, cancellation, how an answer is collected, closing.</summary>
public sealed class PoolSessionCallTests
{
    [Fact]
    public async Task RequestTimeout_AfterOneFired_TheNextRequestsHaveTheirFullTimeoutAgain()
    {
        // Without a caller's token the session reuses one timeout source between requests: one that
        // fired must not be reused (the next request would be cancelled at once), nor may a reset one
        // keep an earlier request's deadline.
        // The others have a timeout long enough for a loaded machine: a fired or stale source would
        // still cancel them at once.
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = (c, m) => Encoding.UTF8.GetString(m.Data.Span) == "lost" ? Task.CompletedTask : Behaviors.Echo(c, m);
        PoolSession session = await pool.OpenAsync(Options with { AllowFailover = false });
        var quick = new RequestOptions { Timeout = Short };
        var steady = new RequestOptions { Timeout = TimeSpan.FromSeconds(5) };

        for (int i = 0; i < 20; i++)
        {
            Assert.Equal("one", Text(await session.RequestAsync(Bytes("one"), steady).Within()));
            if (i == 0)
            {
                var error = await Assert.ThrowsAsync<RSerPoolException>(() => session.RequestAsync(Bytes("lost"), quick).Within());
                Assert.IsType<TimeoutException>(error.InnerException);
            }
        }

        await Task.Delay(Short * 2); // longer than any earlier request's timeout: none may fire into the next one
        Assert.Equal("late", Text(await session.RequestAsync(Bytes("late"), steady).Within()));
        Assert.Equal(pool.A.Identifier, session.CurrentElement?.Identifier);
    }

    [Fact]
    public async Task RequestTimeout_FailoverOff_TheLateAnswerIsNotTakenForTheNextRequest()
    {
        // Requests carry no identifier: after a timeout the element may still answer, and on the same
        // association that answer would be read as the next request's. The session opens a new
        // association to the same element instead.
        await using var pool = new SessionHarness();
        var answerLate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pool.A.OnUserMessage = async (c, m) =>
        {
            if (Encoding.UTF8.GetString(m.Data.Span) == "slow")
            {
                await answerLate.Task;
            }

            await Behaviors.Echo(c, m);
        };
        PoolSession session = await pool.OpenAsync(Options with { AllowFailover = false });

        var error = await Assert.ThrowsAsync<RSerPoolException>(() => session.RequestAsync(Bytes("slow"), new RequestOptions { Timeout = Short }).Within());
        Assert.IsType<TimeoutException>(error.InnerException);
        answerLate.SetResult(); // "slow" is answered now, after its timeout

        SessionReply next = await session.RequestAsync(Bytes("next")).Within();

        Assert.Equal("next", Text(next));
        Assert.Equal(pool.A.Identifier, next.Element.Identifier);
        Assert.Equal(2, pool.A.ConnectAttempts);
        Assert.Equal(0, session.FailoverCount);
    }

    [Fact]
    public async Task TwoConcurrentCalls_TheSecondGetsSessionBusy_AndTheFirstIsUnaffected()
    {
        await using var pool = new SessionHarness();
        var gotRequest = new TaskCompletionSource<ElementConnection>(TaskCreationOptions.RunContinuationsAsynchronously);
        pool.A.OnUserMessage = (c, m) =>
        {
            gotRequest.TrySetResult(c);
            return Task.CompletedTask;
        };
        PoolSession session = await pool.OpenAsync();

        Task<SessionReply> first = session.RequestAsync(Bytes("first"));
        ElementConnection atA = await gotRequest.Task.Within();

        var busy = await Assert.ThrowsAsync<RSerPoolException>(() => session.RequestAsync(Bytes("second")).Within());
        Assert.Equal(PoolFailure.SessionBusy, busy.Failure);
        Assert.Equal(pool.PoolHandle, busy.PoolHandle);
        Assert.Equal(PoolFailure.SessionBusy, (await Assert.ThrowsAsync<RSerPoolException>(() => session.SendAsync(Bytes("s")).Within())).Failure);
        Assert.Equal(PoolFailure.SessionBusy, (await Assert.ThrowsAsync<RSerPoolException>(() => session.ReceiveAsync().Within())).Failure);
        Assert.Equal(new[] { "first" }, atA.UserTexts);

        await atA.SendTextAsync("answer to first");
        SessionReply reply = await first.Within();
        Assert.Equal("answer to first", Text(reply));

        // Free again once the first call is over.
        pool.A.OnUserMessage = Behaviors.Echo;
        Assert.Equal("third", Text(await session.RequestAsync(Bytes("third")).Within()));
    }

    [Fact]
    public async Task CallerCancels_OperationCanceled_NotTimeout_NoFailover_NoReport_SessionFreeAfterwards()
    {
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = Behaviors.Ignore;
        PoolSession session = await pool.OpenAsync();
        using var cts = new CancellationTokenSource();

        Task<SessionReply> request = session.RequestAsync(Bytes("slow"), new RequestOptions { Idempotent = true }, cts.Token);
        await pool.A.Last.Received.WaitForCountAsync(1).Within();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request.Within());
        Assert.Equal(0, session.FailoverCount);
        Assert.Equal(pool.A.Identifier, session.CurrentElement?.Identifier);
        Assert.Equal(SessionState.Connected, session.State);
        Assert.Empty(await pool.SettledReportsAsync());
        Assert.Equal(0, pool.B.ConnectAttempts);

        pool.A.OnUserMessage = Behaviors.Echo;
        Assert.Equal("next", Text(await session.RequestAsync(Bytes("next")).Within()));
    }

    [Fact]
    public async Task CallerCancels_TheLateAnswerIsNotTakenForTheNextRequest_ANewAssociationToTheSameElement()
    {
        foreach (bool allowFailover in new[] { true, false })
        {
            await using var pool = new SessionHarness();
            var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            pool.A.OnUserMessage = async (c, m) =>
            {
                if (Text(m.Data) == "slow")
                {
                    await release.Task;
                }

                await (c.UserMessages.Length == 1 && c == pool.A.Connections.Snapshot()[0] ? Behaviors.CookieThenEcho("k1")(c, m) : Behaviors.Echo(c, m));
            };
            PoolSession session = await pool.OpenAsync(Options with { AllowFailover = allowFailover });
            Assert.Equal("first", Text(await session.RequestAsync(Bytes("first")).Within()));
            using var cts = new CancellationTokenSource();

            Task<SessionReply> request = session.RequestAsync(Bytes("slow"), cancellationToken: cts.Token);
            await pool.A.Last.Received.WaitUntilAsync(r => r.Length >= 2).Within();
            await cts.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request.Within());
            release.SetResult(); // "slow" is answered late: on the old association, which is closed

            SessionReply next = await session.RequestAsync(Bytes("next")).Within();

            Assert.Equal("next", Text(next));
            Assert.Equal(pool.A.Identifier, next.Element.Identifier);
            Assert.False(next.FailedOver);
            Assert.Equal(0, session.FailoverCount);
            Assert.Equal(2, pool.A.ConnectAttempts);
            await pool.A.Connections.Snapshot()[0].Client.Disposed.Within();
            ChannelMessage echoed = pool.A.Last.Received.Snapshot()[0];   // the session resumes: its cookie comes first
            Assert.Equal("k1", Text(Decode<CookieEcho>(echoed).Cookie.Value));
            Assert.Empty(await pool.SettledReportsAsync());
        }
    }

    [Fact]
    public async Task CallerCancelsWithAShortRequestTimeoutPending_StillOperationCanceled()
    {
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = Behaviors.Ignore;
        PoolSession session = await pool.OpenAsync(Options with { RequestTimeout = TimeSpan.FromSeconds(5) });
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => session.RequestAsync(Bytes("x"), cancellationToken: cts.Token).Within());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => session.ReceiveAsync(cts.Token).Within());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => session.SendAsync(Bytes("x"), cancellationToken: cts.Token).Within());
        Assert.Equal(0, session.FailoverCount);
        Assert.Empty(await pool.SettledReportsAsync());
    }

    [Fact]
    public async Task ResponseCount_CollectsExactlyThatManyMessages_TheRestStaysForTheNextReceive()
    {
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = async (c, m) =>
        {
            foreach (string part in new[] { "a", "b", "c", "d" })
            {
                await c.SendTextAsync(part);
            }
        };
        PoolSession session = await pool.OpenAsync();

        SessionReply reply = await session.RequestAsync(Bytes("list"), new RequestOptions { ResponseCount = 3 }).Within();

        Assert.Equal("a|b|c", Text(reply));
        Assert.Equal("d", Text((await session.ReceiveAsync().Within()).Data));
    }

    [Fact]
    public async Task Terminator_EndsTheAnswerAtTheFirstMessageEndingWithIt()
    {
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = async (c, m) =>
        {
            await c.SendTextAsync("250-first line\r");
            await c.SendTextAsync("250 last line\r\n");
            await c.SendTextAsync("unsolicited");
        };
        PoolSession session = await pool.OpenAsync();

        SessionReply reply = await session.RequestAsync(Bytes("EHLO"), new RequestOptions { ResponseCount = 10, Terminator = Bytes("\r\n") }).Within();

        Assert.Equal(2, reply.Messages.Count);
        Assert.Equal("250 last line\r\n", Text(reply.Messages[1].Data));
        Assert.Equal("unsolicited", Text((await session.ReceiveAsync().Within()).Data));
    }

    [Fact]
    public async Task Terminator_ResponseCountIsTheUpperBound()
    {
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = async (c, m) =>
        {
            await c.SendTextAsync("1");
            await c.SendTextAsync("2");
            await c.SendTextAsync("3.");
        };
        PoolSession session = await pool.OpenAsync();

        SessionReply reply = await session.RequestAsync(Bytes("q"), new RequestOptions { ResponseCount = 2, Terminator = Bytes(".") }).Within();

        Assert.Equal("1|2", Text(reply));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task ResponseCount_MustBePositive(int count)
    {
        await using var pool = new SessionHarness();
        PoolSession session = await pool.OpenAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => session.RequestAsync(Bytes("x"), new RequestOptions { ResponseCount = count }).Within());
        Assert.Empty(pool.A.Last.Client.Sent);
        Assert.Equal("y", Text(await session.RequestAsync(Bytes("y")).Within()));
    }

    [Fact]
    public async Task Reply_CarriesElementAndRoundTrip()
    {
        await using var pool = new SessionHarness();
        PoolSession session = await pool.OpenAsync();

        SessionReply reply = await session.RequestAsync(Bytes("ping"), new RequestOptions { PayloadProtocolId = 0x1d, Stream = 1 }).Within();

        Assert.Equal(pool.A.Identifier, reply.Element.Identifier);
        Assert.True(reply.RoundTrip >= TimeSpan.Zero);
        Assert.Equal(0x1du, reply.Messages[0].PayloadProtocolId);
        Assert.Equal((ushort)1, reply.Messages[0].Stream);
    }

    [Fact]
    public async Task Dispose_ClosesTheAssociationGracefully_LaterCallsGetSessionClosed()
    {
        await using var pool = new SessionHarness();
        PoolSession session = await pool.OpenAsync();
        ElementConnection atA = pool.A.Last;

        await session.DisposeAsync();

        Assert.Equal(SessionState.Closed, session.State);
        await atA.Client.Disposed.Within();
        await atA.Closed.Within();
        Assert.Equal(PoolFailure.SessionClosed, (await Assert.ThrowsAsync<RSerPoolException>(() => session.RequestAsync(Bytes("x")).Within())).Failure);
        Assert.Equal(PoolFailure.SessionClosed, (await Assert.ThrowsAsync<RSerPoolException>(() => session.SendAsync(Bytes("x")).Within())).Failure);
        Assert.Equal(PoolFailure.SessionClosed, (await Assert.ThrowsAsync<RSerPoolException>(() => session.ReceiveAsync().Within())).Failure);
        Assert.Equal(1, pool.A.ConnectAttempts);
        Assert.Equal(0, pool.B.ConnectAttempts);
        Assert.Empty(await pool.SettledReportsAsync());

        await session.DisposeAsync();
        Assert.Equal(SessionState.Closed, session.State);
    }

    [Fact]
    public async Task Dispose_AfterAFailedFailover_SessionClosed()
    {
        await using var pool = new SessionHarness(elements: 1);
        pool.A.OnUserMessage = Behaviors.Abort;
        PoolSession session = await pool.OpenAsync();
        pool.A.Connect = ConnectBehavior.Refuse;
        await Assert.ThrowsAsync<RSerPoolException>(() => session.RequestAsync(Bytes("x")).Within());
        Assert.Equal(SessionState.Failed, session.State);

        await session.DisposeAsync();

        Assert.Equal(SessionState.Closed, session.State);
        Assert.Equal(PoolFailure.SessionClosed, (await Assert.ThrowsAsync<RSerPoolException>(() => session.RequestAsync(Bytes("x")).Within())).Failure);
    }

    [Fact]
    public async Task Dispose_WhileARequestIsInFlight_TheSessionDoesNotFailOverOrReopen()
    {
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = Behaviors.Ignore;
        PoolSession session = await pool.OpenAsync();
        pool.A.Connect = ConnectBehavior.Refuse;
        pool.Host.Preference = new[] { pool.B.Element };
        Task<SessionReply> request = session.RequestAsync(Bytes("slow"), new RequestOptions { Idempotent = true });
        await pool.A.Last.Received.WaitForCountAsync(1).Within();

        await session.DisposeAsync();

        // The caller learns the session is closed (or that its call was cut off), not a reply from another element.
        Exception error = await Assert.ThrowsAnyAsync<Exception>(() => request.Within());
        Assert.IsNotType<TimeoutException>(error);
        Assert.Equal(SessionState.Closed, session.State);
        Assert.Equal(0, pool.B.ConnectAttempts);
        Assert.Equal(0, session.FailoverCount);
        Assert.Equal(PoolFailure.SessionClosed, (await Assert.ThrowsAsync<RSerPoolException>(() => session.RequestAsync(Bytes("x")).Within())).Failure);
    }
}
