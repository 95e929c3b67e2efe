using System;
using System.Linq;
using System.Threading.Tasks;
using RSerPool.Client;
using RSerPool.Registrars;
using RSerPool.Resolution;
using RSerPool.Tests.Fakes;
using RSerPool.Wire.Messages;
using RSerPool.Wire.Parameters;
using Xunit;

namespace RSerPool.Tests.Client;

/// <summary>Resolution through the facade: options reach the layers below, and registrar failures are survived.</summary>
public class PoolUserResolveTests
{
    private static readonly HandleResolutionResponse[] Pools =
    {
        TestPools.EchoPool(),
        TestPools.Response("PingPongPool", PoolPolicyParameter.Random(), TestPools.Element(0xa001, "10.1.1.1", 8001, PoolPolicyParameter.Random())),
        TestPools.Response("DaytimePool", null, TestPools.Element(0xd001, "10.1.2.1", 13)),
    };

    [Fact]
    public async Task ResolveAsync_Answer_ElementsPolicyAndRegistrar()
    {
        await using var rig = new PoolUserRig();
        ScriptedRegistrar registrar = rig.AddAnswering("10.0.0.1:3863", Pools);
        PoolUser user = rig.CreateUser();

        PoolResolution r = await user.ResolveAsync("EchoPool").WaitAsync(TestClock.Guard);

        Assert.Equal(new uint[] { 0xe001, 0xe002, 0xe003 }, r.Elements.Select(e => e.Identifier));
        Assert.Equal(new[] { "10.1.0.1:7001", "10.1.0.2:7002", "10.1.0.3:7003" }, r.Elements.Select(e => e.EndPoints.Single().ToString()));
        Assert.Equal(PoolPolicyType.RoundRobin, r.Policy.PolicyType);
        Assert.Equal(registrar.Address, r.Registrar);
        Assert.Equal(registrar.Address, user.HomeRegistrar);
        Assert.False(r.FromCache);
        Assert.Equal(new[] { PoolHandle.FromText("EchoPool") }, user.CachedPoolHandles);
        Assert.True(rig.Logs.Contains("Resolved 'EchoPool' at 10.0.0.1:3863: 3 pool element(s)"));
    }

    [Fact]
    public async Task ResolveAsync_SecondCall_FromCacheUntilStaleCacheValue()
    {
        await using var rig = new PoolUserRig();
        ScriptedRegistrar registrar = rig.AddAnswering("10.0.0.1:3863", Pools);
        PoolUser user = rig.CreateUser(PoolUserRig.BaseOptions with { StaleCacheValue = TimeSpan.FromSeconds(10) });
        await user.ResolveAsync("EchoPool").WaitAsync(TestClock.Guard);

        PoolResolution cached = await user.ResolveAsync("EchoPool").WaitAsync(TestClock.Guard);
        Assert.True(cached.FromCache);
        Assert.Single(registrar.Requests);

        rig.Time.Advance(TimeSpan.FromSeconds(10));
        PoolResolution fresh = await user.ResolveAsync("EchoPool").WaitAsync(TestClock.Guard);
        Assert.False(fresh.FromCache);
        Assert.Equal(2, registrar.Requests.Count);
    }

    [Fact]
    public async Task ResolveAsync_StaleCacheValueZero_EveryCallAsks()
    {
        await using var rig = new PoolUserRig();
        ScriptedRegistrar registrar = rig.AddAnswering("10.0.0.1:3863", Pools);
        PoolUser user = rig.CreateUser(PoolUserRig.BaseOptions with { StaleCacheValue = TimeSpan.Zero });

        await user.ResolveAsync("EchoPool").WaitAsync(TestClock.Guard);
        PoolResolution second = await user.ResolveAsync("EchoPool").WaitAsync(TestClock.Guard);

        Assert.False(second.FromCache);
        Assert.Equal(2, registrar.Requests.Count);
        Assert.Empty(user.CachedPoolHandles);
    }

    [Fact]
    public async Task ResolveAsync_ThreeUncachedPools_OneAssociation()
    {
        await using var rig = new PoolUserRig();
        ScriptedRegistrar registrar = rig.AddAnswering("10.0.0.1:3863", Pools);
        PoolUser user = rig.CreateUser();

        foreach (string pool in new[] { "EchoPool", "PingPongPool", "DaytimePool" })
        {
            await user.ResolveAsync(pool).WaitAsync(TestClock.Guard);
        }

        Assert.Equal(1, rig.Factory.ConnectCount);
        Assert.Equal(3, registrar.Requests.Count);
    }

    [Fact]
    public async Task ResolveAsync_UnknownPool_NotFoundAfterOneRoundTripThenNegativelyCached()
    {
        await using var rig = new PoolUserRig();
        ScriptedRegistrar registrar = rig.AddAnswering("10.0.0.1:3863", Pools);
        PoolUser user = rig.CreateUser(PoolUserRig.BaseOptions with { NegativeCacheLifetime = TimeSpan.FromSeconds(2) });

        var e = await Assert.ThrowsAsync<RSerPoolException>(() => user.ResolveAsync("NoSuchPool").WaitAsync(TestClock.Guard));
        Assert.Equal(PoolFailure.PoolHandleNotFound, e.Failure);
        Assert.Equal(ErrorCauseCode.UnknownPoolHandle, e.WireErrorCause);
        Assert.Single(registrar.Requests);
        Assert.Equal(rig.Time.Start, rig.Time.GetUtcNow());

        rig.Time.Advance(TimeSpan.FromSeconds(1.9));
        await Assert.ThrowsAsync<RSerPoolException>(() => user.ResolveAsync("NoSuchPool").WaitAsync(TestClock.Guard));
        Assert.Single(registrar.Requests);

        rig.Time.Advance(TimeSpan.FromSeconds(0.1));
        await Assert.ThrowsAsync<RSerPoolException>(() => user.ResolveAsync("NoSuchPool").WaitAsync(TestClock.Guard));
        Assert.Equal(2, registrar.Requests.Count);
    }

    [Fact]
    public async Task ResolveAsync_Silence_TimeoutAfterRequestTimeoutTimesAttempts()
    {
        await using var rig = new PoolUserRig();
        ScriptedRegistrar registrar = rig.Add(ScriptedRegistrar.Silent("10.0.0.1:3863"));
        TimeSpan t1 = TimeSpan.FromSeconds(5);
        PoolUser user = rig.CreateUser(PoolUserRig.BaseOptions with { RequestTimeout = t1, MaxRequestRetransmits = 1 });

        Task resolve = user.ResolveAsync("EchoPool");
        for (int attempt = 1; attempt <= 2; attempt++)
        {
            await registrar.WaitForRequestsAsync(attempt);
            await rig.Time.FireTimerAsync(t1);
        }

        var e = await Assert.ThrowsAsync<RSerPoolException>(() => resolve.WaitAsync(TestClock.Guard));
        Assert.Equal(PoolFailure.Timeout, e.Failure);
        Assert.Equal(2 * t1, rig.Time.GetUtcNow() - rig.Time.Start);
        Assert.Equal(2, registrar.Requests.Count);
        Assert.Equal(2, rig.Factory.ConnectCount);
    }

    [Fact]
    public async Task ResolveAsync_HomeDiesMidRequest_SecondRegistrarAnswers()
    {
        await using var rig = new PoolUserRig();
        ScriptedRegistrar dying = rig.Add(new ScriptedRegistrar("10.0.0.1:3863", _ => new[] { RegistrarReply.Crash }));
        ScriptedRegistrar second = rig.AddAnswering("10.0.0.2:3863", Pools);
        PoolUser user = rig.CreateUser();

        PoolResolution r = await user.ResolveAsync("EchoPool").WaitAsync(TestClock.Guard);

        Assert.Equal(second.Address, r.Registrar);
        Assert.Equal(second.Address, user.HomeRegistrar);
        Assert.Equal(3, r.Elements.Count);
        Assert.Single(dying.Requests);
    }

    [Fact]
    public async Task ResolveAsync_HomeKilledBetweenRequests_ResolutionsContinue()
    {
        await using var rig = new PoolUserRig();
        ScriptedRegistrar first = rig.AddAnswering("10.0.0.1:3863", Pools);
        ScriptedRegistrar second = rig.AddAnswering("10.0.0.2:3863", Pools);
        PoolUser user = rig.CreateUser(PoolUserRig.BaseOptions with { StaleCacheValue = TimeSpan.Zero });
        Assert.Equal(first.Address, (await user.ResolveAsync("EchoPool").WaitAsync(TestClock.Guard)).Registrar);

        first.Crash();
        await first.Associations[0].Down.WaitAsync(TestClock.Guard);

        for (int i = 0; i < 3; i++)
        {
            PoolResolution r = await user.ResolveAsync("EchoPool").WaitAsync(TestClock.Guard);
            Assert.Equal(second.Address, r.Registrar);
        }

        Assert.Equal(3, second.Requests.Count);
        Assert.Single(second.Associations, a => a.IsConnected); // (the first hunt may have opened and closed one more)
        Assert.Equal(rig.Time.Start, rig.Time.GetUtcNow());
    }

    [Fact]
    public async Task ResolveAsync_HomeKilledButCacheWarm_ServedFromCache()
    {
        await using var rig = new PoolUserRig();
        ScriptedRegistrar only = rig.AddAnswering("10.0.0.1:3863", Pools);
        PoolUser user = rig.CreateUser();
        await user.ResolveAsync("EchoPool").WaitAsync(TestClock.Guard);

        only.Crash();

        PoolResolution r = await user.ResolveAsync("EchoPool").WaitAsync(TestClock.Guard);
        Assert.True(r.FromCache);
        Assert.Equal(3, r.Elements.Count);
    }

    [Fact]
    public async Task ResolveAsync_AllRegistrarsRefuse_NoRegistrarReachableNamingTheCause()
    {
        await using var rig = new PoolUserRig();
        rig.Factory.Refuse(new System.Net.IPEndPoint(System.Net.IPAddress.Parse("10.0.0.1"), 3863), message: "Connection refused");
        rig.Factory.Refuse(new System.Net.IPEndPoint(System.Net.IPAddress.Parse("10.0.0.2"), 3863), message: "Connection refused");
        PoolUser user = rig.CreateUser(PoolUserRig.BaseOptions with { Registrars = new[] { RegistrarAddress.Parse("10.0.0.1"), RegistrarAddress.Parse("10.0.0.2") } });

        var e = await Assert.ThrowsAsync<RSerPoolException>(() => user.ResolveAsync("EchoPool").WaitAsync(TestClock.Guard));

        Assert.Equal(PoolFailure.NoRegistrarReachable, e.Failure);
        Assert.Contains("Connection refused", e.Message, StringComparison.Ordinal);
        Assert.Null(user.HomeRegistrar);
    }

    [Fact]
    public async Task ResolveAsync_SctpUnavailable_TransportUnavailableAtOnce()
    {
        await using var rig = new PoolUserRig();
        rig.Factory.Refuse(new System.Net.IPEndPoint(System.Net.IPAddress.Parse("10.0.0.1"), 3863), RSerPool.Transport.TransportFailure.SctpUnavailable, "SCTP is not available");
        PoolUser user = rig.CreateUser(PoolUserRig.BaseOptions with { Registrars = new[] { RegistrarAddress.Parse("10.0.0.1") } });

        var e = await Assert.ThrowsAsync<RSerPoolException>(() => user.ResolveAsync("EchoPool").WaitAsync(TestClock.Guard));

        Assert.Equal(PoolFailure.TransportUnavailable, e.Failure);
        Assert.Equal(1, rig.Factory.ConnectCount);
        Assert.Equal(rig.Time.Start, rig.Time.GetUtcNow());
    }

    [Fact]
    public async Task ResolveAsync_NoRegistrarAndAnnouncesOff_NoRegistrarReachableAtOnceWithHint()
    {
        if (RegistrarDefaults.Load().Count > 0)
        {
            return; // this host configures default registrars (RSERPOOL_REGISTRARS or a config file); the premise does not hold
        }

        await using var rig = new PoolUserRig();
        PoolUser user = rig.CreateUser(PoolUserRig.BaseOptions with { UseAnnounces = false });
        Assert.Empty(user.KnownRegistrars);

        RSerPoolException e = await rig.Time.RunUntilFailedAsync<RSerPoolException>(user.ResolveAsync("EchoPool"));

        Assert.Equal(PoolFailure.NoRegistrarReachable, e.Failure);
        Assert.Contains("RSERPOOL_REGISTRARS", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, rig.Factory.ConnectCount);

        // Nothing can ever become known (no static registrar, announces off): waiting for one is pointless.
        Assert.Equal(TimeSpan.Zero, rig.Time.GetUtcNow() - rig.Time.Start);
    }
}
