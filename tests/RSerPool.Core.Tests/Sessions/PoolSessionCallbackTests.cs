using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using RSerPool.Sessions;
using RSerPool.Tests.Sessions.Fakes;
using RSerPool.Transport;
using RSerPool.Wire.Messages;
using Xunit;
using static RSerPool.Tests.Sessions.Fakes.SessionHarness;

namespace RSerPool.Tests.Sessions;

/// <summary>The application's failover callback (SessionOptions.OnFailover, RFC 5351 §2.5).</summary>
public sealed class PoolSessionCallbackTests
{
    private static readonly byte[] Cookie = { 0xc0, 0x0c, 0x1e };

    /// <summary>A answers the first request with a cookie, then aborts on the next.</summary>
    private static void CookieThenAbort(FakeElement a) => a.OnUserMessage = async (c, m) =>
    {
        if (c.UserMessages.Length == 1)
        {
            await c.SendCookieAsync(Cookie);
            await Behaviors.Echo(c, m);
        }
        else
        {
            c.Abort();
        }
    };

    [Fact]
    public async Task Callback_RunsAfterTheCookieEcho_BeforeTheResend_AndMayUseTheSession()
    {
        await using var pool = new SessionHarness();
        CookieThenAbort(pool.A);
        var seen = new List<string>();
        PoolSession session = await pool.OpenAsync(Options with
        {
            OnFailover = async (s, ct) =>
            {
                seen.Add($"state={s.State} element={s.CurrentElement?.Identifier:x} count={s.FailoverCount}");

                // Reentrant use: a request from inside the callback, on the new element.
                SessionReply login = await s.RequestAsync(Bytes("login again"), cancellationToken: ct);
                seen.Add($"login answered by {login.Element.Identifier:x}: {Text(login)}");
            },
        });
        await session.RequestAsync(Bytes("login")).Within();

        SessionReply reply = await session.RequestAsync(Bytes("work")).Within();

        Assert.Equal(pool.B.Identifier, reply.Element.Identifier);
        Assert.Equal("work", Text(reply));
        Assert.Equal(new[] { "state=Connected element=102 count=1", "login answered by 102: login again" }, seen);

        ChannelMessage[] atB = pool.B.Last.Received.Snapshot();
        Assert.Equal(3, atB.Length);
        Assert.Equal(Cookie, Decode<CookieEcho>(atB[0]).Cookie.Value.ToArray());
        Assert.Equal("login again", Text(atB[1].Data));
        Assert.Equal("work", Text(atB[2].Data));
        Assert.Equal(1, session.FailoverCount);
    }

    [Fact]
    public async Task Callback_CanSendAndReceiveOnTheSession()
    {
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = Behaviors.Abort;
        string? received = null;
        PoolSession session = await pool.OpenAsync(Options with
        {
            OnFailover = async (s, ct) =>
            {
                await s.SendAsync(Bytes("subscribe"), 5, 0, ct);
                SessionMessage m = await s.ReceiveAsync(ct);
                received = Text(m.Data);
            },
        });

        SessionReply reply = await session.RequestAsync(Bytes("req"), new RequestOptions { Idempotent = true }).Within();

        Assert.Equal("subscribe", received);
        Assert.Equal("req", Text(reply));
        Assert.Equal(new[] { "subscribe", "req" }, pool.B.Last.UserTexts);
    }

    [Fact]
    public async Task Callback_Throws_RequestFailsWithFailoverCallbackFailed_AndTheNextRequestWorks()
    {
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = Behaviors.Abort;
        var boom = new InvalidOperationException("login rejected");
        int calls = 0;
        PoolSession session = await pool.OpenAsync(Options with
        {
            OnFailover = (s, ct) =>
            {
                calls++;
                return Task.FromException(boom);
            },
        });

        var error = await Assert.ThrowsAsync<RSerPoolException>(() => session.RequestAsync(Bytes("req"), new RequestOptions { Idempotent = true }).Within());

        Assert.Equal(PoolFailure.FailoverCallbackFailed, error.Failure);
        Assert.Same(boom, error.InnerException);
        Assert.Equal(pool.PoolHandle, error.PoolHandle);
        Assert.Same(boom, session.LastError);
        Assert.Equal(1, calls);
        Assert.Equal(SessionState.Connected, session.State);
        Assert.Equal(pool.B.Identifier, session.CurrentElement?.Identifier);
        Assert.Empty(pool.B.Last.UserMessages);

        SessionReply next = await session.RequestAsync(Bytes("next")).Within();

        Assert.Equal(pool.B.Identifier, next.Element.Identifier);
        Assert.Equal(1, session.FailoverCount);
        Assert.Equal(1, calls);
        Assert.Equal(new[] { "next" }, pool.B.Last.UserTexts);
    }

    [Fact]
    public async Task Callback_AnotherCallerDuringTheCallback_GetsSessionBusy()
    {
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = Behaviors.Abort;
        var inCallback = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        PoolSession session = await pool.OpenAsync(Options with
        {
            OnFailover = async (s, ct) =>
            {
                inCallback.SetResult();
                await release.Task.WaitAsync(ct);
            },
        });

        Task<SessionReply> request = session.RequestAsync(Bytes("req"), new RequestOptions { Idempotent = true });
        await inCallback.Task.Within();

        // The test's own flow is another caller: the callback's reentrancy does not extend to it.
        var busy = await Assert.ThrowsAsync<RSerPoolException>(() => session.RequestAsync(Bytes("other")).Within());
        Assert.Equal(PoolFailure.SessionBusy, busy.Failure);

        release.SetResult();
        SessionReply reply = await request.Within();
        Assert.Equal(pool.B.Identifier, reply.Element.Identifier);
        Assert.Equal(new[] { "req" }, pool.B.Last.UserTexts);
    }

    [Fact]
    public async Task Callback_NotRunOnTheFirstConnect()
    {
        await using var pool = new SessionHarness();
        int calls = 0;
        PoolSession session = await pool.OpenAsync(Options with
        {
            OnFailover = (s, ct) =>
            {
                calls++;
                return Task.CompletedTask;
            },
        });

        await session.RequestAsync(Bytes("x")).Within();

        Assert.Equal(0, calls);
    }

    [Fact]
    public async Task Callback_ThrowsWhenTheFailoverHappensBeforeTheCall_NextRequestStillWorks()
    {
        await using var pool = new SessionHarness();
        int calls = 0;
        PoolSession session = await pool.OpenAsync(Options with
        {
            OnFailover = (s, ct) => ++calls == 1 ? Task.FromException(new InvalidOperationException("first time")) : Task.CompletedTask,
        });
        pool.A.Connect = ConnectBehavior.Refuse;
        pool.A.Last.Abort();

        var error = await Assert.ThrowsAsync<RSerPoolException>(() => session.RequestAsync(Bytes("req")).Within());
        Assert.Equal(PoolFailure.FailoverCallbackFailed, error.Failure);
        Assert.False(error.RequestMayHaveBeenSent);

        SessionReply reply = await session.RequestAsync(Bytes("req")).Within();
        Assert.Equal(pool.B.Identifier, reply.Element.Identifier);
        Assert.Equal(1, calls);
    }
}
