using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging.Abstractions;
using RSerPool.Resolution;
using RSerPool.Tests.Fakes;
using RSerPool.Wire.Messages;
using Xunit;

namespace RSerPool.Tests.Resolution;

/// <summary>ENDPOINT_UNREACHABLE: once per failure, rate limited, and the element leaves the cache (RFC 5352 §3.5, §9 threat 8).</summary>
public sealed class UnreachableReporterTests : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly ScriptedRegistrar _registrar;
    private readonly RegistrarRig _rig;
    private readonly HandleResolutionCache _cache;
    private readonly HandleResolver _resolver;
    private readonly UnreachableReporter _reporter;

    public UnreachableReporterTests()
    {
        var big = TestPools.Response("BigPool", null, TestPools.Elements(40));
        _registrar = ScriptedRegistrar.Answering("10.0.0.1:3863", TestPools.Table(TestPools.EchoPool(), big));
        _rig = RegistrarRig.For(_registrar);
        _cache = new HandleResolutionCache(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1), _rig.Time);
        _resolver = new HandleResolver(_rig.Client, _cache, null, _rig.Time, NullLogger.Instance);
        _reporter = new UnreachableReporter(_rig.Client, _cache, Interval, 10, _rig.Time, NullLogger.Instance);
    }

    public async ValueTask DisposeAsync()
    {
        await _rig.DisposeAsync();
        _registrar.AssertHealthy();
    }

    private Task<bool> Report(string handle, uint id) => _reporter.ReportAsync(handle, id, default).WaitAsync(TestClock.Guard);

    /// <summary>The reports the registrar got, in order, as (pool handle, PE id).</summary>
    private async Task<(string Handle, uint Id)[]> ReportsAsync(int expected)
    {
        await _registrar.WaitForRequestsAsync(expected + _registrar.Requests.Count(r => r is HandleResolution));
        return _registrar.Requests.OfType<EndpointUnreachable>().Select(r => (r.PoolHandle.ToString(), r.PoolElementId)).ToArray();
    }

    [Fact]
    public async Task ReportAsync_First_RegistrarDecodesHandleAndPeId()
    {
        Assert.True(await Report("EchoPool", 0xe002));

        Assert.Equal(new[] { ("EchoPool", 0xe002u) }, await ReportsAsync(1));
        Assert.Equal(new[] { 11u }, _registrar.RequestPpids);
    }

    [Fact]
    public async Task ReportAsync_SameElementWithinInterval_SuppressedAndNotSent()
    {
        Assert.True(await Report("EchoPool", 0xe001));
        _rig.Time.Advance(Interval - TimeSpan.FromMilliseconds(1));

        Assert.False(await Report("EchoPool", 0xe001));
        Assert.True(await Report("EchoPool", 0xe002)); // a later report shows the suppressed one never went out

        Assert.Equal(new[] { ("EchoPool", 0xe001u), ("EchoPool", 0xe002u) }, await ReportsAsync(2));
    }

    [Fact]
    public async Task ReportAsync_AfterInterval_SentAgain()
    {
        Assert.True(await Report("EchoPool", 0xe001));

        _rig.Time.Advance(Interval);

        Assert.True(await Report("EchoPool", 0xe001));
        Assert.Equal(new[] { ("EchoPool", 0xe001u), ("EchoPool", 0xe001u) }, await ReportsAsync(2));
    }

    [Fact]
    public async Task ReportAsync_SameIdInOtherPool_NotSuppressed()
    {
        Assert.True(await Report("EchoPool", 1));

        Assert.True(await Report("BigPool", 1));
    }

    [Fact]
    public async Task ReportAsync_ManyElements_AtMostTenPerSecond()
    {
        bool[] sent = new bool[15];
        for (int i = 0; i < sent.Length; i++)
        {
            sent[i] = await Report("BigPool", (uint)(i + 1));
        }

        Assert.Equal(10, sent.Count(s => s));
        Assert.All(sent.Skip(10), s => Assert.False(s));
        _rig.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await Report("BigPool", 11));
        Assert.Equal(11, (await ReportsAsync(11)).Length);
    }

    [Fact]
    public async Task ReportAsync_RateWindow_SlidesWithTheClock()
    {
        for (uint i = 1; i <= 10; i++)
        {
            Assert.True(await Report("BigPool", i));
            _rig.Time.Advance(TimeSpan.FromMilliseconds(50));
        }

        Assert.False(await Report("BigPool", 11));
        _rig.Time.Advance(TimeSpan.FromMilliseconds(500)); // the first report is now 1 s old

        Assert.True(await Report("BigPool", 12));
        Assert.False(await Report("BigPool", 13));
    }

    [Fact]
    public async Task ReportAsync_Element_LeavesTheCacheAtOnce()
    {
        await _resolver.ResolveAsync("EchoPool", false, _ => null, default).WaitAsync(TestClock.Guard);

        await Report("EchoPool", 0xe002);

        HandleResolutionCache.Entry entry = await _resolver.ResolveAsync("EchoPool", false, _ => null, default).WaitAsync(TestClock.Guard);
        Assert.True(entry.Resolution.FromCache);
        Assert.Equal(new uint[] { 0xe001, 0xe003 }, entry.Resolution.Elements.Select(e => e.Identifier));
    }

    [Fact]
    public async Task ReportAsync_Suppressed_StillLeavesTheCache()
    {
        Assert.True(await Report("EchoPool", 0xe001));
        await _resolver.ResolveAsync("EchoPool", false, _ => null, default).WaitAsync(TestClock.Guard);

        Assert.False(await Report("EchoPool", 0xe001));

        Assert.True(_cache.TryGet("EchoPool", out HandleResolutionCache.Entry entry));
        Assert.DoesNotContain(entry.Resolution.Elements, e => e.Identifier == 0xe001);
    }

    [Fact]
    public async Task ReportAsync_NoHomeYet_HuntsFirst()
    {
        Assert.Null(_rig.Client.Home);

        Assert.True(await Report("EchoPool", 0xe003));

        Assert.Equal(_registrar.Address, _rig.Client.Home);
        Assert.Equal(1, _rig.Factory.ConnectCount);
    }
}
