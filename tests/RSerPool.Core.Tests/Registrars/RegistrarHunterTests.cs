using System;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging.Abstractions;
using RSerPool.Registrars;
using RSerPool.Tests.Fakes;
using RSerPool.Transport;
using Xunit;

namespace RSerPool.Tests.Registrars;

/// <summary>The server hunt of RFC 5352 §3.6 (SH1-SH6).</summary>
public class RegistrarHunterTests
{
    private static readonly TimeSpan T5 = TimeSpan.FromSeconds(2);

    private readonly TestClock _time = new();
    private readonly InMemoryChannelFactory _factory = new();

    private static RegistrarAddress[] Registrars(int count)
        => Enumerable.Range(1, count).Select(i => RegistrarAddress.Parse($"10.0.0.{i}:3863")).ToArray();

    private static IPEndPoint Ep(int i) => new(IPAddress.Parse($"10.0.0.{i}"), 3863);

    private RegistrarHunter Hunter(RegistrarTable table, int rounds = 3, TimeSpan? max = null)
        => new(table, _factory, T5, max ?? TimeSpan.FromSeconds(60), rounds, _time, NullLogger.Instance);

    private RegistrarTable Table(params RegistrarAddress[] registrars)
        => new(registrars, 16, TimeSpan.FromSeconds(5), _time);

    [Fact]
    public async Task HuntAsync_FiveHangingRegistrars_NeverMoreThanThreeConnectsPending()
    {
        for (int i = 1; i <= 5; i++)
        {
            _factory.Hang(Ep(i));
        }

        Task<(RegistrarAddress, IMessageChannel)> hunt = Hunter(Table(Registrars(5)), rounds: 2).HuntAsync(default);

        await _factory.WaitForConnectsAsync(3);
        Assert.Equal(3, _factory.PendingConnects);
        Assert.Equal(3, _factory.ConnectCount);
        await _time.FireTimerAsync(T5);
        await _factory.WaitForConnectsAsync(6);
        Assert.Equal(3, _factory.PendingConnects);
        await _time.FireTimerAsync(2 * T5);

        var e = await Assert.ThrowsAsync<RSerPoolException>(() => hunt.WaitAsync(TestClock.Guard));
        Assert.Equal(PoolFailure.NoRegistrarReachable, e.Failure);
        Assert.Equal(3, _factory.MaxConcurrentPending);
        Assert.Equal(6, _factory.ConnectCount);
        Assert.Equal(0, _factory.PendingConnects);
    }

    [Fact]
    public async Task HuntAsync_T5Expiry_NewRoundTriesADifferentSet()
    {
        for (int i = 1; i <= 5; i++)
        {
            _factory.Hang(Ep(i));
        }

        Task hunt = Hunter(Table(Registrars(5)), rounds: 2).HuntAsync(default);
        await _time.RunUntilFailedAsync<RSerPoolException>(hunt);

        Assert.Equal(new[] { Ep(1), Ep(2), Ep(3) }, _factory.Attempts.Take(3));
        Assert.Equal(new[] { Ep(4), Ep(5), Ep(1) }, _factory.Attempts.Skip(3));
    }

    [Fact]
    public async Task HuntAsync_EveryRoundTimesOut_T5DoublesUpToCap()
    {
        _factory.Hang(Ep(1));
        DateTimeOffset start = _time.GetUtcNow();

        Task hunt = Hunter(Table(Registrars(1)), rounds: 5, max: TimeSpan.FromSeconds(10)).HuntAsync(default);
        var e = await Assert.ThrowsAsync<RSerPoolException>(() => _time.RunUntilDoneAsync(hunt));

        Assert.Equal(PoolFailure.NoRegistrarReachable, e.Failure);
        Assert.Equal(new[] { 2, 4, 8, 10, 10 }, _time.CreatedDueTimes.Select(t => (int)t.TotalSeconds));
        Assert.Equal(TimeSpan.FromSeconds(34), _time.GetUtcNow() - start);
        Assert.Contains("5 server hunt round(s)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HuntAsync_FirstAssociationUp_BecomesHomeAndLaterOnesAreClosed()
    {
        InMemoryChannelFactory.DeferredPeer[] peers = Enumerable.Range(1, 3).Select(i => _factory.Defer(Ep(i), ignoreCancellation: true)).ToArray();
        RegistrarTable table = Table(Registrars(3));

        Task<(RegistrarAddress Registrar, IMessageChannel Channel)> hunt = Hunter(table).HuntAsync(default);
        InMemoryChannelFactory.PendingConnect[] connects = await Task.WhenAll(peers.Select(p => p.NextAsync()));
        InMemoryChannel second = connects[1].Accept();
        (RegistrarAddress home, IMessageChannel channel) = await hunt.WaitAsync(TestClock.Guard);
        InMemoryChannel first = connects[0].Accept();
        InMemoryChannel third = connects[2].Accept();

        Assert.Equal(Registrars(3)[1], home);
        Assert.True(channel.IsConnected);
        Assert.True(second.IsConnected);
        await first.Down.WaitAsync(TestClock.Guard);
        await third.Down.WaitAsync(TestClock.Guard);
        Assert.Equal(Registrars(3)[1], table.Candidates()[0]);
    }

    [Fact]
    public async Task HuntAsync_FailedConnect_StartsTheNextCandidate()
    {
        _factory.Refuse(Ep(1));
        _factory.Hang(Ep(2));
        _factory.Hang(Ep(3));
        var registrar = new ScriptedRegistrar("10.0.0.4:3863", _ => Array.Empty<RegistrarReply>());
        _factory.Serve(registrar);

        (RegistrarAddress home, _) = await Hunter(Table(Registrars(4))).HuntAsync(default).WaitAsync(TestClock.Guard);

        Assert.Equal(registrar.Address, home);
        Assert.Equal(new[] { Ep(1), Ep(2), Ep(3), Ep(4) }, _factory.Attempts);
        Assert.True(_factory.MaxConcurrentPending <= 3);
        Assert.Equal(0, _factory.PendingConnects);
    }

    [Fact]
    public async Task HuntAsync_AllRefused_NoRegistrarReachableNamingTheCause()
    {
        _factory.Refuse(Ep(1), message: "Connection refused by peer");
        _factory.Refuse(Ep(2), message: "Connection refused by peer");
        DateTimeOffset start = _time.GetUtcNow();

        var e = await Assert.ThrowsAsync<RSerPoolException>(() => Hunter(Table(Registrars(2))).HuntAsync(default).WaitAsync(TestClock.Guard));

        Assert.Equal(PoolFailure.NoRegistrarReachable, e.Failure);
        Assert.Contains("Connection refused by peer", e.Message, StringComparison.Ordinal);
        Assert.Contains("3 server hunt round(s)", e.Message, StringComparison.Ordinal);
        Assert.IsType<TransportException>(e.InnerException);
        Assert.Equal(6, _factory.ConnectCount);
        Assert.Equal(start, _time.GetUtcNow());
    }

    [Fact]
    public async Task HuntAsync_SctpUnavailable_TransportUnavailableWithoutFurtherRounds()
    {
        _factory.Refuse(Ep(1), TransportFailure.SctpUnavailable, "The kernel has no SCTP");
        _factory.Refuse(Ep(2), TransportFailure.SctpUnavailable, "The kernel has no SCTP");

        var e = await Assert.ThrowsAsync<RSerPoolException>(() => Hunter(Table(Registrars(2))).HuntAsync(default).WaitAsync(TestClock.Guard));

        Assert.Equal(PoolFailure.TransportUnavailable, e.Failure);
        Assert.Contains("no SCTP", e.Message, StringComparison.Ordinal);
        Assert.True(_factory.ConnectCount <= 2);
    }

    [Fact]
    public async Task HuntAsync_NoRegistrarKnown_WaitsForAnnouncesThenFailsWithHint()
    {
        Task hunt = Hunter(Table()).HuntAsync(default);

        var e = await Assert.ThrowsAsync<RSerPoolException>(() => _time.RunUntilDoneAsync(hunt));

        Assert.Equal(PoolFailure.NoRegistrarReachable, e.Failure);
        Assert.Contains("RSERPOOL_REGISTRARS", e.Message, StringComparison.Ordinal);
        Assert.Contains("-Registrar", e.Message, StringComparison.Ordinal);
        Assert.Contains("multicast", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, _factory.ConnectCount);
    }

    [Fact]
    public async Task HuntAsync_AnnounceArrivesWhileWaiting_UsesTheLearnedRegistrar()
    {
        var registrar = new ScriptedRegistrar("10.0.0.9:4711", _ => Array.Empty<RegistrarReply>());
        _factory.Serve(registrar);
        RegistrarTable table = Table();
        DateTimeOffset start = _time.GetUtcNow();

        Task<(RegistrarAddress Registrar, IMessageChannel Channel)> hunt = Hunter(table).HuntAsync(default);
        await _time.WaitForTimerAsync(T5);
        table.Learn(9, registrar.Address);

        (RegistrarAddress home, _) = await hunt.WaitAsync(TestClock.Guard);
        Assert.Equal(registrar.Address, home);
        Assert.Equal(start, _time.GetUtcNow());
    }

    [Fact]
    public async Task HuntAsync_CallerCancels_OperationCanceledNotTimeout()
    {
        _factory.Hang(Ep(1));
        using var cts = new CancellationTokenSource();

        Task hunt = Hunter(Table(Registrars(1))).HuntAsync(cts.Token);
        await _factory.WaitForConnectsAsync(1);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => hunt.WaitAsync(TestClock.Guard));
        Assert.Equal(0, _factory.PendingConnects);
    }
}
