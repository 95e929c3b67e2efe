using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using RSerPool.Client;
using RSerPool.Integration.Lab;
using RSerPool.Registrars;
using RSerPool.Sessions;
using Xunit;
using Xunit.Abstractions;

namespace RSerPool.Integration.Sessions;

/// <summary>Sessions that fail over, with cookies, against rsplib's rspserver elements (issue 6).</summary>
[Collection("Lab")]
public sealed class SessionLabTests : IDisposable
{
    private readonly LabPool _pool = new();
    private readonly CapturingLoggerFactory _log = new();
    private readonly ITestOutputHelper _output;

    public SessionLabTests(ITestOutputHelper output) => _output = output;

    public void Dispose()
    {
        foreach (string line in _log.Lines)
        {
            _output.WriteLine(line);
        }

        _pool.Dispose();
    }

    [LabFact]
    public async Task EchoSession_KeepsAnswering_WhileItsElementIsKilled()
    {
        IPEndPoint registrar = StartEchoPool("SessionEchoPool", 3881, 0x0000e600u, 7600);
        await using PoolUser user = NewPoolUser(registrar);
        await using PoolSession session = await user.ConnectAsync("SessionEchoPool");
        var idempotent = new RequestOptions { Idempotent = true, PayloadProtocolId = 0 };
        uint killed = 0;

        for (int n = 1; n <= 15; n++)
        {
            if (n == 6)
            {
                killed = session.CurrentElement!.Identifier;
                _pool.Kill(Name(killed));
            }

            string line = $"line {n}";
            SessionReply reply = await session.RequestAsync(Encoding.ASCII.GetBytes(line), idempotent);
            Assert.Equal(line, Encoding.ASCII.GetString(reply.Messages[0].Data.Span));
        }

        Assert.Equal(1, session.FailoverCount);
        Assert.NotEqual(killed, session.CurrentElement!.Identifier);
        await Eventually(() => _log.Matching($"/${killed:x8} as unreachable").Count == 1, "the killed element is reported once");
    }

    [LabFact]
    public async Task EchoSessionWithStandby_FailsOverToTheStandbyElement_WhenItsElementIsKilled()
    {
        IPEndPoint registrar = StartEchoPool("StandbyEchoPool", 3884, 0x0000e620u, 7620);
        await using PoolUser user = NewPoolUser(registrar);
        await using PoolSession session = await user.ConnectAsync("StandbyEchoPool", SessionOptions.Default with { Standby = true });
        var idempotent = new RequestOptions { Idempotent = true };
        await Eventually(() => session.StandbyElement is not null, "the standby association is open");
        uint standby = session.StandbyElement!.Identifier;
        uint killed = session.CurrentElement!.Identifier;
        Assert.NotEqual(killed, standby);

        _pool.Kill(Name(killed));
        for (int n = 1; n <= 5; n++)
        {
            string line = $"line {n}";
            SessionReply reply = await session.RequestAsync(Encoding.ASCII.GetBytes(line), idempotent);
            Assert.Equal(line, Encoding.ASCII.GetString(reply.Messages[0].Data.Span));
        }

        Assert.Equal(1, session.FailoverCount);
        Assert.Equal(standby, session.CurrentElement!.Identifier);
        Assert.Single(_log.Matching("Failing over to the standby association"));
        await Eventually(() => _log.Matching($"/${killed:x8} as unreachable").Count == 1, "the killed element is reported once");
        await Eventually(() => session.StandbyElement is { } next && next.Identifier != killed && next.Identifier != standby, "a new standby to the third element");
    }

    [LabFact]
    public async Task HedgedRequests_AFrozenElementIsAnsweredForByTheStandby_AndReportedOnceKilled()
    {
        IPEndPoint registrar = StartEchoPool("HedgeEchoPool", 3885, 0x0000e640u, 7640);
        await using PoolUser user = NewPoolUser(registrar);
        await using PoolSession session = await user.ConnectAsync("HedgeEchoPool", SessionOptions.Default with { Standby = true });
        var hedged = new RequestOptions { Idempotent = true, HedgeAfter = TimeSpan.FromMilliseconds(200) };
        await Eventually(() => session.StandbyReady, "the standby association is open and owes nothing");
        uint frozen = session.CurrentElement!.Identifier;
        uint standby = session.StandbyElement!.Identifier;

        // SIGSTOP: the element's kernel keeps the association up, so only the hedge gets an answer.
        _pool.Run("freeze", Name(frozen));
        SessionReply reply = await session.RequestAsync(Encoding.ASCII.GetBytes("hedged"), hedged);

        Assert.Equal("hedged", Encoding.ASCII.GetString(reply.Messages[0].Data.Span));
        Assert.True(reply.Hedged);
        Assert.Equal(standby, reply.Element.Identifier);
        Assert.Equal(standby, session.CurrentElement!.Identifier);
        Assert.Equal(frozen, session.StandbyElement?.Identifier); // slow is not dead: it owes an answer
        Assert.Empty(_log.Matching("as unreachable"));

        // Killed: its association ends, and only now is it reported (once), and a new standby opens.
        _pool.Kill(Name(frozen));
        await Eventually(() => _log.Matching($"/${frozen:x8} as unreachable").Count == 1, "the killed element is reported");
        await Eventually(() => session.StandbyElement is { } next && next.Identifier != frozen && next.Identifier != standby, "a new standby to the third element");
        for (int n = 1; n <= 5; n++)
        {
            string line = $"line {n}";
            SessionReply next = await session.RequestAsync(Encoding.ASCII.GetBytes(line), hedged);
            Assert.Equal(line, Encoding.ASCII.GetString(next.Messages[0].Data.Span));
        }

        Assert.Single(_log.Matching($"/${frozen:x8} as unreachable"));
        _output.WriteLine($"hedges: {session.HedgeCount}, failovers: {session.FailoverCount}");
    }

    [LabFact]
    public async Task CancelledRequest_ItsLateAnswerIsNotTakenForTheNextRequest()
    {
        IPEndPoint registrar = StartEchoPool("CancelEchoPool", 3886, 0x0000e660u, 7660);
        await using PoolUser user = NewPoolUser(registrar);
        await using PoolSession session = await user.ConnectAsync("CancelEchoPool");
        uint element = session.CurrentElement!.Identifier;
        Assert.Equal("first", Encoding.ASCII.GetString((await session.RequestAsync(Encoding.ASCII.GetBytes("first"))).Messages[0].Data.Span));

        // Frozen, the element answers "slow" only after the caller gave up on it.
        _pool.Run("freeze", Name(element));
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => session.RequestAsync(Encoding.ASCII.GetBytes("slow"), cancellationToken: cts.Token));
        }

        _pool.Run("thaw", Name(element));
        SessionReply next = await session.RequestAsync(Encoding.ASCII.GetBytes("next"));

        Assert.Equal("next", Encoding.ASCII.GetString(next.Messages[0].Data.Span));
        Assert.Equal(element, next.Element.Identifier);   // a new association to the same element
        Assert.Equal(0, session.FailoverCount);
        Assert.Single(_log.Matching("a request that ended without its answer left the last one out of step"));
    }

    [LabFact]
    public async Task PingPongSession_Runs20Exchanges_AcrossForcedFailovers_WithCookieEcho()
    {
        IPEndPoint registrar = StartRegistrar(3882);
        _pool.StartPoolElement("pp1", "pingpong", "SessionPingPool", 0x0000f601, registrar, $"{LabPool.PoolAddress}:7611", "-pppfailureafter=4");
        _pool.StartPoolElement("pp2", "pingpong", "SessionPingPool", 0x0000f602, registrar, $"{LabPool.PoolAddress}:7612", "-pppfailureafter=4");
        _pool.WaitRegistered("SessionPingPool", 2, registrar);
        await using PoolUser user = NewPoolUser(registrar);
        await using PoolSession session = await user.ConnectAsync("SessionPingPool");
        var ping = new RequestOptions { PayloadProtocolId = 33 };

        for (ulong n = 1; n <= 20; n++)
        {
            SessionReply reply = await session.RequestAsync(PingPongMessages.Ping(n), ping);
            ReadOnlySpan<byte> pong = reply.Messages[0].Data.Span;
            Assert.Equal(0x02, pong[0]);
            Assert.Equal(n, BinaryPrimitives.ReadUInt64BigEndian(pong[4..]));
            // The element's reply counter continues across elements only because the new one got the cookie.
            Assert.Equal(n, BinaryPrimitives.ReadUInt64BigEndian(pong[12..]));
        }

        Assert.True(session.FailoverCount >= 4, $"{session.FailoverCount} failovers for 20 exchanges with a failure every 4");
        Assert.True(session.HasCookie);
        Assert.Equal(session.FailoverCount, _log.Matching("Sent ASAP_COOKIE_ECHO").Count);
    }

    [LabFact]
    public async Task ElementWithDroppedPort_IsReportedAndSkipped()
    {
        IPEndPoint registrar = StartRegistrar(3883);
        _pool.StartPoolElement("dead", "echo", "DropPool", 0x0000e701, registrar, $"{LabPool.PoolAddress}:7701");
        _pool.StartPoolElement("live", "echo", "DropPool", 0x0000e702, registrar, $"{LabPool.PoolAddress}:7702");
        _pool.WaitRegistered("DropPool", 2, registrar);
        _pool.Run("drop-port", "7701");
        try
        {
            await using PoolUser user = NewPoolUser(registrar);
            PoolElement dead = (await user.ResolveAsync("DropPool")).Elements.Single(e => e.Identifier == 0x0000e701);
            var options = new SessionOptions { Sctp = SessionOptions.Default.Sctp with { ConnectTimeout = TimeSpan.FromSeconds(3) } };

            await using PoolSession session = await user.ConnectAsync("DropPool", options, dead);
            SessionReply reply = await session.RequestAsync(Encoding.ASCII.GetBytes("hello"));

            Assert.Equal(0x0000e702u, reply.Element.Identifier);
            Assert.Single(_log.Matching("/$0000e701 as unreachable"));
            Assert.DoesNotContain((await user.ResolveAsync("DropPool")).Elements, e => e.Identifier == 0x0000e701);
        }
        finally
        {
            _pool.Run("undrop-port", "7701"); // the rule would outlive the test for the rest of the boot
        }
    }

    /// <summary>A registrar on <paramref name="registrarPort"/> and three rspserver echo elements (ids and ports from first + 1), all registered.</summary>
    private IPEndPoint StartEchoPool(string pool, int registrarPort, uint firstId, int firstPort)
    {
        IPEndPoint registrar = StartRegistrar(registrarPort);
        for (int i = 1; i <= 3; i++)
        {
            _pool.StartPoolElement(Name(firstId + (uint)i), "echo", pool, firstId + (uint)i, registrar, $"{LabPool.PoolAddress}:{firstPort + i}");
        }

        _pool.WaitRegistered(pool, 3, registrar);
        return registrar;
    }

    private IPEndPoint StartRegistrar(int port)
    {
        IPEndPoint registrar = new(IPAddress.Loopback, port);
        _pool.StartRegistrar("reg", registrar, port + 6000);
        return registrar;
    }

    private PoolUser NewPoolUser(IPEndPoint registrar) => new(
        new PoolUserOptions { Registrars = new[] { new RegistrarAddress(new[] { registrar }) }, UseAnnounces = false },
        _log);

    private static string Name(uint id) => "pe-" + id.ToString("x8", CultureInfo.InvariantCulture);

    private static async Task Eventually(Func<bool> condition, string what)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}");
            await Task.Delay(100);
        }
    }
}
