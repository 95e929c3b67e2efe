using System;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging.Abstractions;
using RSerPool.Registrars;
using RSerPool.Resolution;
using RSerPool.Tests.Fakes;
using RSerPool.Wire.Messages;
using RSerPool.Wire.Parameters;
using Xunit;

namespace RSerPool.Tests.Resolution;

/// <summary>Cache first, registrar second (RFC 5352 §3.3, §6.5.1).</summary>
public class HandleResolverTests
{
    private static readonly TimeSpan Stale = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Negative = TimeSpan.FromSeconds(1);

    private static (HandleResolver Resolver, RegistrarRig Rig) Create(ScriptedRegistrar registrar, TimeSpan? stale = null, uint? items = null)
    {
        RegistrarRig rig = RegistrarRig.For(registrar);
        var cache = new HandleResolutionCache(stale ?? Stale, Negative, rig.Time);
        return (new HandleResolver(rig.Client, cache, items, rig.Time, NullLogger.Instance), rig);
    }

    private static Task<HandleResolutionCache.Entry> Resolve(HandleResolver resolver, string handle, bool refresh = false)
        => resolver.ResolveAsync(handle, refresh, _ => "state", default).WaitAsync(TestClock.Guard);

    [Fact]
    public async Task ResolveAsync_Answer_ReturnsElementsPolicyAndRegistrar()
    {
        var policy = PoolPolicyParameter.LeastUsed(0x1000);
        ScriptedRegistrar registrar = ScriptedRegistrar.Answering("10.0.0.1:3863", TestPools.Table(
            TestPools.Response("EchoPool", policy, TestPools.Element(0xe001, "10.1.0.1", 7001, policy), TestPools.Element(0xe002, "10.1.0.2", 7002, policy))));
        (HandleResolver resolver, RegistrarRig rig) = Create(registrar);
        await using RegistrarRig _ = rig;

        HandleResolutionCache.Entry entry = await Resolve(resolver, "EchoPool");

        PoolResolution r = entry.Resolution;
        Assert.False(r.FromCache);
        Assert.Equal("EchoPool", r.PoolHandle.ToString());
        Assert.Equal(policy, r.Policy);
        Assert.Equal(registrar.Address, r.Registrar);
        Assert.Equal(rig.Time.GetUtcNow(), r.ResolvedAt);
        Assert.Equal(new uint[] { 0xe001, 0xe002 }, r.Elements.Select(e => e.Identifier));
        Assert.Equal(new[] { new IPEndPoint(IPAddress.Parse("10.1.0.1"), 7001) }, r.Elements[0].EndPoints);
        Assert.Equal((ushort)7002, r.Elements[1].Port);
        Assert.Equal(PoolPolicyType.LeastUsed, r.Elements[1].Policy.PolicyType);
        Assert.Equal(0x5eed0001u, r.Elements[0].HomeRegistrarId);
        Assert.Equal(registrar.EndPoint, r.Elements[0].ResolvedBy);
        Assert.Equal("state", entry.SelectionState);
    }

    [Fact]
    public async Task ResolveAsync_NoPolicyInResponse_RoundRobin()
    {
        ScriptedRegistrar registrar = ScriptedRegistrar.Answering("10.0.0.1:3863", TestPools.Table(TestPools.Response("EchoPool", null, TestPools.Element(1, "10.1.0.1", 1))));
        (HandleResolver resolver, RegistrarRig rig) = Create(registrar);
        await using RegistrarRig _ = rig;

        HandleResolutionCache.Entry entry = await Resolve(resolver, "EchoPool");

        Assert.Equal(PoolPolicyType.RoundRobin, entry.Resolution.Policy.PolicyType);
    }

    [Fact]
    public async Task ResolveAsync_SecondCall_ServedFromCacheWithoutRequest()
    {
        ScriptedRegistrar registrar = ScriptedRegistrar.Answering("10.0.0.1:3863", TestPools.Table(TestPools.EchoPool()));
        (HandleResolver resolver, RegistrarRig rig) = Create(registrar);
        await using RegistrarRig _ = rig;
        HandleResolutionCache.Entry first = await Resolve(resolver, "EchoPool");

        rig.Time.Advance(Stale - TimeSpan.FromMilliseconds(1));
        HandleResolutionCache.Entry second = await Resolve(resolver, "EchoPool");

        Assert.True(second.Resolution.FromCache);
        Assert.Equal(first.Resolution.Elements, second.Resolution.Elements);
        Assert.Same(first.SelectionState, second.SelectionState);
        Assert.Single(registrar.Requests);
    }

    [Fact]
    public async Task ResolveAsync_AfterStaleCacheValue_AsksTheRegistrarAgain()
    {
        ScriptedRegistrar registrar = ScriptedRegistrar.Answering("10.0.0.1:3863", TestPools.Table(TestPools.EchoPool()));
        (HandleResolver resolver, RegistrarRig rig) = Create(registrar);
        await using RegistrarRig _ = rig;
        await Resolve(resolver, "EchoPool");

        rig.Time.Advance(Stale);
        HandleResolutionCache.Entry again = await Resolve(resolver, "EchoPool");

        Assert.False(again.Resolution.FromCache);
        Assert.Equal(2, registrar.Requests.Count);
    }

    [Fact]
    public async Task ResolveAsync_StaleCacheValueZero_AlwaysAsks()
    {
        ScriptedRegistrar registrar = ScriptedRegistrar.Answering("10.0.0.1:3863", TestPools.Table(TestPools.EchoPool()));
        (HandleResolver resolver, RegistrarRig rig) = Create(registrar, stale: TimeSpan.Zero);
        await using RegistrarRig _ = rig;

        for (int i = 0; i < 3; i++)
        {
            Assert.False((await Resolve(resolver, "EchoPool")).Resolution.FromCache);
        }

        Assert.Equal(3, registrar.Requests.Count);
        Assert.Equal(1, rig.Factory.ConnectCount);
    }

    [Fact]
    public async Task ResolveAsync_Refresh_BypassesTheCache()
    {
        ScriptedRegistrar registrar = ScriptedRegistrar.Answering("10.0.0.1:3863", TestPools.Table(TestPools.EchoPool()));
        (HandleResolver resolver, RegistrarRig rig) = Create(registrar);
        await using RegistrarRig _ = rig;
        await Resolve(resolver, "EchoPool");

        HandleResolutionCache.Entry refreshed = await Resolve(resolver, "EchoPool", refresh: true);

        Assert.False(refreshed.Resolution.FromCache);
        Assert.Equal(2, registrar.Requests.Count);
    }

    [Fact]
    public async Task ResolveAsync_UnknownPoolHandle_NotFoundAfterOneRequest()
    {
        ScriptedRegistrar registrar = ScriptedRegistrar.Answering("10.0.0.1:3863", TestPools.Table(TestPools.EchoPool()));
        (HandleResolver resolver, RegistrarRig rig) = Create(registrar);
        await using RegistrarRig _ = rig;

        var e = await Assert.ThrowsAsync<RSerPoolException>(() => Resolve(resolver, "NoSuchPool"));

        Assert.Equal(PoolFailure.PoolHandleNotFound, e.Failure);
        Assert.Equal(ErrorCauseCode.UnknownPoolHandle, e.WireErrorCause);
        Assert.Equal("NoSuchPool", e.PoolHandle?.ToString());
        Assert.Equal(registrar.EndPoint, e.Peer);
        Assert.Single(registrar.Requests);
        Assert.Equal(TimeSpan.Zero, rig.Time.GetUtcNow() - rig.Time.Start);
    }

    [Fact]
    public async Task ResolveAsync_UnknownPoolHandle_NegativelyCachedThenAskedAgain()
    {
        ScriptedRegistrar registrar = ScriptedRegistrar.Answering("10.0.0.1:3863", TestPools.Table(TestPools.EchoPool()));
        (HandleResolver resolver, RegistrarRig rig) = Create(registrar);
        await using RegistrarRig _ = rig;
        await Assert.ThrowsAsync<RSerPoolException>(() => Resolve(resolver, "NoSuchPool"));

        var cached = await Assert.ThrowsAsync<RSerPoolException>(() => Resolve(resolver, "NoSuchPool"));
        Assert.Equal(PoolFailure.PoolHandleNotFound, cached.Failure);
        Assert.Equal(ErrorCauseCode.UnknownPoolHandle, cached.WireErrorCause);
        Assert.Single(registrar.Requests);

        rig.Time.Advance(Negative);
        await Assert.ThrowsAsync<RSerPoolException>(() => Resolve(resolver, "NoSuchPool"));
        Assert.Equal(2, registrar.Requests.Count);
    }

    [Fact]
    public async Task ResolveAsync_OtherOperationError_RejectedByRegistrarWithCause()
    {
        var refused = new HandleResolutionResponse(new PoolHandleParameter("EchoPool"), new OperationErrorParameter(new ErrorCause(ErrorCauseCode.RejectedSecurityConsiderations)));
        ScriptedRegistrar registrar = ScriptedRegistrar.Answering("10.0.0.1:3863", TestPools.Table(refused));
        (HandleResolver resolver, RegistrarRig rig) = Create(registrar);
        await using RegistrarRig _ = rig;

        var e = await Assert.ThrowsAsync<RSerPoolException>(() => Resolve(resolver, "EchoPool"));

        Assert.Equal(PoolFailure.RejectedByRegistrar, e.Failure);
        Assert.Equal(ErrorCauseCode.RejectedSecurityConsiderations, e.WireErrorCause);
        Assert.Single(registrar.Requests);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(3u)]
    [InlineData(uint.MaxValue)]
    public async Task ResolveAsync_Items_SentAsHandleResolutionOption(uint? items)
    {
        ScriptedRegistrar registrar = ScriptedRegistrar.Answering("10.0.0.1:3863", TestPools.Table(TestPools.EchoPool()));
        (HandleResolver resolver, RegistrarRig rig) = Create(registrar, items: items);
        await using RegistrarRig _ = rig;

        await Resolve(resolver, "EchoPool");

        var request = Assert.IsType<HandleResolution>(Assert.Single(registrar.Requests));
        Assert.Equal(items, request.Option?.Items);
        Assert.False(request.Subscribe);
    }
}
