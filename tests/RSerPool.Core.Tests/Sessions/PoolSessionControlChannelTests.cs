using System;
using System.Linq;
using System.Threading.Tasks;
using RSerPool.Sessions;
using RSerPool.Tests.Sessions.Fakes;
using RSerPool.Transport;
using RSerPool.Wire.Messages;
using RSerPool.Wire.Parameters;
using Xunit;
using static RSerPool.Tests.Sessions.Fakes.SessionHarness;

namespace RSerPool.Tests.Sessions;

/// <summary>The control channel on PPID 11 (RFC 5352 §3.8, brief §8.6) and business cards (§3.9, brief §8.8).</summary>
public sealed class PoolSessionControlChannelTests
{
    private static readonly byte[] Undecodable = { 0x0b, 0x00, 0x00, 0x40, 0xde, 0xad };

    /// <summary>Sends every kind of control message the session must swallow, then the user message.</summary>
    private static async Task ControlThenUserAsync(ElementConnection c, PoolHandle handle, FakeElement[] card, string text, uint ppid = 0, ushort stream = 0)
    {
        await c.SendCookieAsync(new byte[] { 9, 9, 9 });
        await c.SendBusinessCardAsync(handle, card);
        await c.SendControlAsync(new AsapError(ErrorCause.UnknownPoolHandle()));
        await c.SendAsync(Undecodable, 11);
        await c.SendControlAsync(new EndpointKeepAliveAck(handle.Parameter, 0x55));
        await c.SendTextAsync(text, ppid, stream);
    }

    [Fact]
    public async Task Request_ControlMessagesNeverReachTheCallerAsData()
    {
        await using var pool = new SessionHarness();
        FakeElement[] card = { pool.C, pool.B };
        pool.A.OnUserMessage = (c, m) => ControlThenUserAsync(c, pool.PoolHandle, card, "answer");
        PoolSession session = await pool.OpenAsync();

        SessionReply reply = await session.RequestAsync(Bytes("req")).Within();

        SessionMessage only = Assert.Single(reply.Messages);
        Assert.Equal("answer", Text(only.Data));
        Assert.NotEqual(11u, only.PayloadProtocolId);

        // ...but each was handled.
        Assert.Equal(new byte[] { 9, 9, 9 }, session.Cookie!.Value.ToArray());
        Assert.Equal(new[] { pool.C.Identifier, pool.B.Identifier }, session.BusinessCard.Select(e => e.Identifier));
        var asapError = Assert.IsType<RSerPoolException>(session.LastError);
        Assert.Equal(PoolFailure.ProtocolViolation, asapError.Failure);
        Assert.Equal(SessionState.Connected, session.State);
    }

    [Fact]
    public async Task Request_ResponseCountCountsUserMessagesOnly()
    {
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = async (c, m) =>
        {
            await c.SendTextAsync("1");
            await c.SendCookieAsync(new byte[] { 1 });
            await c.SendTextAsync("2");
            await c.SendControlAsync(new AsapError(ErrorCause.UnknownPoolHandle()));
            await c.SendTextAsync("3");
        };
        PoolSession session = await pool.OpenAsync();

        SessionReply reply = await session.RequestAsync(Bytes("req"), new RequestOptions { ResponseCount = 3 }).Within();

        Assert.Equal("1|2|3", Text(reply));
    }

    [Fact]
    public async Task Receive_ControlMessagesSkipped_UserMessageKeepsPpidAndStream()
    {
        await using var pool = new SessionHarness();
        PoolSession session = await pool.OpenAsync();

        Task<SessionMessage> receive = session.ReceiveAsync();
        await ControlThenUserAsync(pool.A.Last, pool.PoolHandle, new[] { pool.D }, "push", ppid: 0x1234, stream: 3);
        SessionMessage m = await receive.Within();

        Assert.Equal("push", Text(m.Data));
        Assert.Equal(0x1234u, m.PayloadProtocolId);
        Assert.Equal((ushort)3, m.Stream);
        Assert.True(session.HasCookie);
        Assert.Equal(new[] { pool.D.Identifier }, session.BusinessCard.Select(e => e.Identifier));
    }

    [Fact]
    public async Task UserPpid11_IsRefused_AndNothingIsSent()
    {
        await using var pool = new SessionHarness();
        PoolSession session = await pool.OpenAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => session.SendAsync(Bytes("x"), payloadProtocolId: 11).Within());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => session.RequestAsync(Bytes("x"), new RequestOptions { PayloadProtocolId = 11 }).Within());

        Assert.Empty(pool.A.Last.Client.Sent);

        // Other PPIDs pass, and the refused calls did not leave the session busy.
        SessionReply reply = await session.RequestAsync(Bytes("y"), new RequestOptions { PayloadProtocolId = 12, Stream = 4 }).Within();
        Assert.Equal(12u, reply.Messages[0].PayloadProtocolId);
        Assert.Equal((ushort)4, reply.Messages[0].Stream);
        ChannelMessage sent = Assert.Single(pool.A.Last.Client.Sent);
        Assert.Equal(12u, sent.PayloadProtocolId);
        Assert.Equal((ushort)4, sent.Stream);
    }

    [Fact]
    public async Task BusinessCard_ItsOrderIsUsedForTheNextFailover_BeforeTheHostsSelection()
    {
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = async (c, m) =>
        {
            if (c.UserMessages.Length == 1)
            {
                await c.SendBusinessCardAsync(pool.PoolHandle, pool.D, pool.C);
                await Behaviors.Echo(c, m);
            }
            else
            {
                c.Abort();
            }
        };
        PoolSession session = await pool.OpenAsync();
        await session.RequestAsync(Bytes("one")).Within();
        int selectionsBefore = pool.Host.Selections.Count;

        SessionReply reply = await session.RequestAsync(Bytes("two"), new RequestOptions { Idempotent = true }).Within();

        Assert.Equal(pool.D.Identifier, reply.Element.Identifier);
        Assert.Equal(0, pool.B.ConnectAttempts);
        Assert.Equal(selectionsBefore, pool.Host.Selections.Count);
        Assert.Equal(new[] { pool.A.Identifier }, (await pool.SettledReportsAsync()));
    }

    [Fact]
    public async Task BusinessCard_FirstChoiceRefuses_NextCardEntry_ThenTheHost()
    {
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = async (c, m) =>
        {
            if (c.UserMessages.Length == 1)
            {
                await c.SendBusinessCardAsync(pool.PoolHandle, pool.D, pool.C);
                await Behaviors.Echo(c, m);
            }
            else
            {
                c.Abort();
            }
        };
        pool.D.Connect = ConnectBehavior.Refuse;
        PoolSession session = await pool.OpenAsync();
        await session.RequestAsync(Bytes("one")).Within();

        SessionReply reply = await session.RequestAsync(Bytes("two"), new RequestOptions { Idempotent = true }).Within();

        Assert.Equal(pool.C.Identifier, reply.Element.Identifier);
        Assert.Equal(new[] { pool.A.Identifier, pool.D.Identifier }, (await pool.SettledReportsAsync()).Order()); // reports run beside the reconnect: any order
        Assert.Equal(0, pool.B.ConnectAttempts);

        // The card's entries both failed now; the next failover falls back to the host.
        pool.C.Last.Abort();
        pool.C.Connect = ConnectBehavior.Refuse;
        pool.Host.Preference = new[] { pool.B.Element };
        SessionReply third = await session.RequestAsync(Bytes("three"), new RequestOptions { Idempotent = true }).Within();
        Assert.Equal(pool.B.Identifier, third.Element.Identifier);
    }

    [Fact]
    public async Task BusinessCard_ANewerCardReplacesTheOlder()
    {
        await using var pool = new SessionHarness();
        PoolSession session = await pool.OpenAsync();

        Task<SessionMessage> receive = session.ReceiveAsync();
        await pool.A.Last.SendBusinessCardAsync(pool.PoolHandle, pool.B, pool.C);
        await pool.A.Last.SendBusinessCardAsync(pool.PoolHandle, pool.D);
        await pool.A.Last.SendTextAsync("done");
        await receive.Within();

        Assert.Equal(new[] { pool.D.Identifier }, session.BusinessCard.Select(e => e.Identifier));
    }
}
