using System;
using System.Linq;
using System.Threading.Tasks;
using RSerPool.Sessions;
using RSerPool.Tests.Sessions.Fakes;
using RSerPool.Transport;
using RSerPool.Wire.Messages;
using Xunit;
using static RSerPool.Tests.Sessions.Fakes.SessionHarness;

namespace RSerPool.Tests.Sessions;

/// <summary>Cookie-based failover (RFC 5352 §3.8, brief §8.7).</summary>
public sealed class PoolSessionCookieTests
{
    private static readonly byte[] Cookie1 = { 0x01, 0x00, 0xff, 0x10, 0x20 };
    private static readonly byte[] Cookie2 = { 0xc2, 0xc2, 0x00, 0x00, 0x7f, 0x80, 0x81 };
    private static readonly byte[] Cookie3 = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();

    [Fact]
    public async Task LatestCookieReplacesOlder_EchoIsTheFirstMessageOnTheNewElement_WithExactlyTheLatestBytes()
    {
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = async (c, m) =>
        {
            if (c.UserMessages.Length == 1)
            {
                await c.SendCookieAsync(Cookie1);
                await c.SendCookieAsync(Cookie2);
                await Behaviors.Echo(c, m);
            }
            else
            {
                c.Abort();
            }
        };
        PoolSession session = await pool.OpenAsync();
        Assert.False(session.HasCookie);

        SessionReply first = await session.RequestAsync(Bytes("login")).Within();

        Assert.Equal("login", Text(first));
        Assert.True(session.HasCookie);
        Assert.Equal(Cookie2, session.Cookie!.Value.ToArray());

        SessionReply second = await session.RequestAsync(Bytes("work"), new RequestOptions { Idempotent = true }).Within();

        Assert.Equal(pool.B.Identifier, second.Element.Identifier);
        ChannelMessage[] atB = pool.B.Last.Received.Snapshot();
        Assert.Equal(2, atB.Length);
        CookieEcho echo = Decode<CookieEcho>(atB[0]);
        Assert.Equal(Cookie2, echo.Cookie.Value.ToArray());
        Assert.Equal((ushort)0, atB[0].Stream);
        Assert.Equal("work", Text(atB[1].Data));
    }

    [Fact]
    public async Task CookieReplacedBetweenTwoFailovers_SecondEchoCarriesTheNewerCookie()
    {
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = async (c, m) =>
        {
            if (c.UserMessages.Length == 1)
            {
                await c.SendCookieAsync(Cookie1);
                await Behaviors.Echo(c, m);
            }
            else
            {
                c.Abort();
            }
        };
        pool.B.OnUserMessage = async (c, m) =>
        {
            if (c.UserMessages.Length == 1)
            {
                // B restored the state from the echo and hands out a newer cookie with its answer.
                await c.SendCookieAsync(Cookie3);
                await Behaviors.Echo(c, m);
            }
            else
            {
                c.Abort();
            }
        };
        PoolSession session = await pool.OpenAsync();

        await session.RequestAsync(Bytes("one")).Within();
        SessionReply two = await session.RequestAsync(Bytes("two")).Within();
        pool.Host.Preference = new[] { pool.C.Element, pool.D.Element };
        SessionReply three = await session.RequestAsync(Bytes("three")).Within();

        Assert.Equal(pool.B.Identifier, two.Element.Identifier);
        Assert.Equal(pool.C.Identifier, three.Element.Identifier);
        Assert.Equal(2, session.FailoverCount);
        Assert.Equal(Cookie3, session.Cookie!.Value.ToArray());

        ChannelMessage[] atB = pool.B.Last.Received.Snapshot();
        Assert.Equal(Cookie1, Decode<CookieEcho>(atB[0]).Cookie.Value.ToArray());
        Assert.Single(atB, m => m.PayloadProtocolId == 11);

        ChannelMessage[] atC = pool.C.Last.Received.Snapshot();
        Assert.Equal(Cookie3, Decode<CookieEcho>(atC[0]).Cookie.Value.ToArray());
        Assert.Single(atC, m => m.PayloadProtocolId == 11);
        Assert.Equal("three", Text(atC[1].Data));
    }

    [Fact]
    public async Task CookieHeld_RequestResentWithoutIdempotent_AfterTheEcho()
    {
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = async (c, m) =>
        {
            if (c.UserMessages.Length == 1)
            {
                await c.SendCookieAsync(Cookie1);
                await Behaviors.Echo(c, m);
            }
            else
            {
                c.Abort();
            }
        };
        PoolSession session = await pool.OpenAsync();
        await session.RequestAsync(Bytes("login")).Within();

        SessionReply reply = await session.RequestAsync(Bytes("transfer 100")).Within();

        Assert.Equal(pool.B.Identifier, reply.Element.Identifier);
        Assert.True(reply.FailedOver);
        Assert.Equal(2, reply.Attempts);
        ChannelMessage[] atB = pool.B.Last.Received.Snapshot();
        Assert.Equal(2, atB.Length);
        Assert.Equal(Cookie1, Decode<CookieEcho>(atB[0]).Cookie.Value.ToArray());
        Assert.Equal("transfer 100", Text(atB[1].Data));
        Assert.Equal(new[] { pool.A.Identifier }, (await pool.SettledReportsAsync()));
    }

    [Fact]
    public async Task CookieArrivesWithTheAnswerThatIsCutOff_StillCoversTheResend()
    {
        // The element hands out a cookie for the request and then closes before answering: the cookie is
        // consumed while waiting for the answer (a SHUTDOWN delivers queued data first) and covers the resend.
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = async (c, m) =>
        {
            await c.SendCookieAsync(Cookie2);
            await c.ShutdownAsync();
        };
        PoolSession session = await pool.OpenAsync();
        pool.Host.Preference = new[] { pool.B.Element, pool.A.Element };

        SessionReply reply = await session.RequestAsync(Bytes("req")).Within();

        Assert.Equal(pool.B.Identifier, reply.Element.Identifier);
        ChannelMessage[] atB = pool.B.Last.Received.Snapshot();
        Assert.Equal(Cookie2, Decode<CookieEcho>(atB[0]).Cookie.Value.ToArray());
        Assert.Equal("req", Text(atB[1].Data));
    }

    [Fact]
    public async Task NoCookie_NoEcho_TheNewElementGetsOnlyTheRequest()
    {
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = Behaviors.Abort;
        PoolSession session = await pool.OpenAsync();

        await session.RequestAsync(Bytes("req"), new RequestOptions { Idempotent = true }).Within();

        ChannelMessage m = Assert.Single(pool.B.Last.Received.Snapshot());
        Assert.Equal("req", Text(m.Data));
        Assert.False(session.HasCookie);
    }

    [Fact]
    public async Task CookieEchoedOnTheElementThatTheFailoverFinallyReaches_NotOnRefusingOnes()
    {
        await using var pool = new SessionHarness();
        pool.A.OnUserMessage = async (c, m) =>
        {
            if (c.UserMessages.Length == 1)
            {
                await c.SendCookieAsync(Cookie1);
                await Behaviors.Echo(c, m);
            }
            else
            {
                c.Abort();
            }
        };
        pool.B.Connect = ConnectBehavior.Refuse;
        PoolSession session = await pool.OpenAsync();
        await session.RequestAsync(Bytes("login")).Within();

        SessionReply reply = await session.RequestAsync(Bytes("work")).Within();

        Assert.Equal(pool.C.Identifier, reply.Element.Identifier);
        Assert.Equal(1, session.FailoverCount);
        ChannelMessage[] atC = pool.C.Last.Received.Snapshot();
        Assert.Equal(Cookie1, Decode<CookieEcho>(atC[0]).Cookie.Value.ToArray());
        Assert.Equal("work", Text(atC[1].Data));
    }
}
