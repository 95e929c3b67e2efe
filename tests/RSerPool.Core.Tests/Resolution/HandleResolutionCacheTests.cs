using System;
using System.Net;
using RSerPool.Registrars;
using RSerPool.Resolution;
using RSerPool.Tests.Fakes;
using RSerPool.Wire.Parameters;
using Xunit;

namespace RSerPool.Tests.Resolution;

public class HandleResolutionCacheTests
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Negative = TimeSpan.FromSeconds(1);
    private static readonly PoolHandle Echo = "EchoPool";

    private readonly TestClock _time = new();

    private HandleResolutionCache Cache(TimeSpan? lifetime = null, TimeSpan? negative = null)
        => new(lifetime ?? Lifetime, negative ?? Negative, _time);

    private PoolResolution Resolution(params uint[] ids)
    {
        var elements = new PoolElement[ids.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            elements[i] = PoolElement.FromParameter(Echo, TestPools.Element(ids[i], "10.1.0.1", (ushort)(7000 + i)), new IPEndPoint(IPAddress.Loopback, 3863), _time.GetUtcNow());
        }

        return new PoolResolution(Echo, PoolPolicyParameter.RoundRobin(), elements, RegistrarAddress.Parse("127.0.0.1"), _time.GetUtcNow(), FromCache: false);
    }

    [Fact]
    public void TryGet_BeforeLifetime_HitsThenMissesOnceStale()
    {
        HandleResolutionCache cache = Cache();
        var state = new object();
        cache.Store(Resolution(1, 2), state);

        _time.Advance(Lifetime - TimeSpan.FromMilliseconds(1));
        Assert.True(cache.TryGet(Echo, out HandleResolutionCache.Entry entry));
        Assert.Same(state, entry.SelectionState);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.False(cache.TryGet(Echo, out _));
        Assert.Empty(cache.Handles());
    }

    [Fact]
    public void TryGet_SameHandleFromOtherInstance_Hits()
    {
        HandleResolutionCache cache = Cache();
        cache.Store(Resolution(1), null);

        Assert.True(cache.TryGet(PoolHandle.FromText("EchoPool"), out _));
        Assert.False(cache.TryGet("echopool", out _));
    }

    [Fact]
    public void Store_LifetimeZero_KeepsNothing()
    {
        HandleResolutionCache cache = Cache(lifetime: TimeSpan.Zero);

        HandleResolutionCache.Entry entry = cache.Store(Resolution(1), null);

        Assert.Single(entry.Resolution.Elements);
        Assert.False(cache.TryGet(Echo, out _));
    }

    [Fact]
    public void StoreMissing_ForNegativeLifetime_ThenForgotten()
    {
        HandleResolutionCache cache = Cache();
        cache.Store(Resolution(1), null);

        cache.StoreMissing(Echo);

        Assert.True(cache.IsKnownMissing(Echo));
        Assert.False(cache.TryGet(Echo, out _));
        _time.Advance(Negative);
        Assert.False(cache.IsKnownMissing(Echo));
    }

    [Fact]
    public void StoreMissing_NegativeLifetimeZero_NotRemembered()
    {
        HandleResolutionCache cache = Cache(negative: TimeSpan.Zero);

        cache.StoreMissing(Echo);

        Assert.False(cache.IsKnownMissing(Echo));
    }

    [Fact]
    public void Store_AfterMissing_ClearsTheNegativeEntry()
    {
        HandleResolutionCache cache = Cache();
        cache.StoreMissing(Echo);

        cache.Store(Resolution(1), null);

        Assert.False(cache.IsKnownMissing(Echo));
        Assert.True(cache.TryGet(Echo, out _));
    }

    [Fact]
    public void Evict_OneElement_OthersStayWithTheirState()
    {
        HandleResolutionCache cache = Cache();
        var state = new object();
        cache.Store(Resolution(1, 2, 3), state);

        Assert.True(cache.Evict(Echo, 2));

        Assert.True(cache.TryGet(Echo, out HandleResolutionCache.Entry entry));
        Assert.Equal(new uint[] { 1, 3 }, Array.ConvertAll(System.Linq.Enumerable.ToArray(entry.Resolution.Elements), e => e.Identifier));
        Assert.Same(state, entry.SelectionState);
    }

    [Fact]
    public void Evict_LastElement_DropsTheEntry()
    {
        HandleResolutionCache cache = Cache();
        cache.Store(Resolution(7), null);

        Assert.True(cache.Evict(Echo, 7));

        Assert.False(cache.TryGet(Echo, out _));
    }

    [Fact]
    public void Evict_UnknownElementOrPool_False()
    {
        HandleResolutionCache cache = Cache();
        cache.Store(Resolution(1), null);

        Assert.False(cache.Evict(Echo, 99));
        Assert.False(cache.Evict("Other", 1));
        Assert.True(cache.TryGet(Echo, out _));
    }

    [Fact]
    public void Invalidate_ForgetsPositiveAndNegative()
    {
        HandleResolutionCache cache = Cache();
        cache.Store(Resolution(1), null);
        cache.StoreMissing("Gone");

        cache.Invalidate(Echo);
        cache.Invalidate("Gone");

        Assert.False(cache.TryGet(Echo, out _));
        Assert.False(cache.IsKnownMissing("Gone"));
    }

    [Fact]
    public void Handles_ListsCachedPools()
    {
        HandleResolutionCache cache = Cache();
        cache.Store(Resolution(1), null);

        Assert.Equal(new[] { Echo }, cache.Handles());
    }

    [Fact]
    public void Handles_StaleEntry_NotListed()
    {
        // Documented as "the pool handles with a fresh entry (for tab completion)".
        HandleResolutionCache cache = Cache();
        cache.Store(Resolution(1), null);

        _time.Advance(Lifetime);

        Assert.Empty(cache.Handles());
    }
}
