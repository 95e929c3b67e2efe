using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using RSerPool.Client;
using RSerPool.Selection;
using RSerPool.Tests.Fakes;
using RSerPool.Wire.Messages;
using RSerPool.Wire.Parameters;
using Xunit;

namespace RSerPool.Tests.Client;

/// <summary>Selection by the pool's policy over the cached answer (RFC 5352 §6.5.2, brief §8.4).</summary>
public class PoolUserSelectTests
{
    private static readonly HandleResolutionResponse LeastUsedPool = TestPools.Response("LuPool", PoolPolicyParameter.LeastUsed(0),
        TestPools.Element(1, "10.1.0.1", 7001, PoolPolicyParameter.LeastUsed(300)),
        TestPools.Element(2, "10.1.0.2", 7002, PoolPolicyParameter.LeastUsed(100)),
        TestPools.Element(3, "10.1.0.3", 7003, PoolPolicyParameter.LeastUsed(200)));

    private static async Task<uint[]> Ids(Task<IReadOnlyList<PoolElement>> selection)
        => (await selection.WaitAsync(TestClock.Guard)).Select(e => e.Identifier).ToArray();

    [Fact]
    public async Task SelectAsync_RoundRobinPool_RotatesFromOneCachedAnswer()
    {
        await using var rig = new PoolUserRig();
        ScriptedRegistrar registrar = rig.AddAnswering("10.0.0.1:3863", TestPools.EchoPool());
        PoolUser user = rig.CreateUser();

        var picks = new List<uint>();
        for (int i = 0; i < 4; i++)
        {
            picks.AddRange(await Ids(user.SelectAsync("EchoPool")));
        }

        Assert.Equal(new uint[] { 0xe001, 0xe002, 0xe003, 0xe001 }, picks);
        Assert.Single(registrar.Requests);
    }

    [Fact]
    public async Task SelectAsync_LeastUsedPool_LowestLoadFirst()
    {
        await using var rig = new PoolUserRig();
        rig.AddAnswering("10.0.0.1:3863", LeastUsedPool);
        PoolUser user = rig.CreateUser();

        Assert.Equal(new uint[] { 2 }, await Ids(user.SelectAsync("LuPool")));
        Assert.Equal(new uint[] { 2, 3, 1 }, await Ids(user.SelectAsync("LuPool", count: 3)));
    }

    [Fact]
    public async Task SelectAsync_Excluded_NeverChosen()
    {
        await using var rig = new PoolUserRig();
        rig.AddAnswering("10.0.0.1:3863", LeastUsedPool);
        PoolUser user = rig.CreateUser();

        Assert.Equal(new uint[] { 3 }, await Ids(user.SelectAsync("LuPool", excluded: new HashSet<uint> { 2 })));
        Assert.Equal(new uint[] { 1 }, await Ids(user.SelectAsync("LuPool", count: 5, excluded: new HashSet<uint> { 2, 3 })));
    }

    [Fact]
    public async Task SelectAsync_PolicyGiven_OverridesThePoolPolicy()
    {
        await using var rig = new PoolUserRig();
        rig.AddAnswering("10.0.0.1:3863", LeastUsedPool);
        PoolUser user = rig.CreateUser();

        Assert.Equal(new uint[] { 1 }, await Ids(user.SelectAsync("LuPool", policy: new RoundRobinPolicy())));
    }

    [Fact]
    public async Task SelectAsync_CachedAnswerHasNoCandidateLeft_ReResolvesOnce()
    {
        int asked = 0;
        var registrar = new ScriptedRegistrar("10.0.0.1:3863", _ => new[]
        {
            RegistrarReply.Send(Interlocked.Increment(ref asked) == 1
                ? TestPools.Response("EchoPool", null, TestPools.Element(1, "10.1.0.1", 1), TestPools.Element(2, "10.1.0.2", 2))
                : TestPools.Response("EchoPool", null, TestPools.Element(1, "10.1.0.1", 1), TestPools.Element(2, "10.1.0.2", 2), TestPools.Element(3, "10.1.0.3", 3))),
        });
        await using var rig = new PoolUserRig();
        rig.Add(registrar);
        PoolUser user = rig.CreateUser();
        await user.ResolveAsync("EchoPool").WaitAsync(TestClock.Guard);

        Assert.Equal(new uint[] { 3 }, await Ids(user.SelectAsync("EchoPool", excluded: new HashSet<uint> { 1, 2 })));

        Assert.Equal(2, registrar.Requests.Count);
        Assert.True((await user.ResolveAsync("EchoPool").WaitAsync(TestClock.Guard)).FromCache);
    }

    [Fact]
    public async Task SelectAsync_NothingLeftEvenAfterReResolving_NoPoolElementAvailable()
    {
        await using var rig = new PoolUserRig();
        ScriptedRegistrar registrar = rig.AddAnswering("10.0.0.1:3863", TestPools.EchoPool());
        PoolUser user = rig.CreateUser();

        var e = await Assert.ThrowsAsync<RSerPoolException>(() => user.SelectAsync("EchoPool", excluded: new HashSet<uint> { 0xe001, 0xe002, 0xe003 }).WaitAsync(TestClock.Guard));

        Assert.Equal(PoolFailure.NoPoolElementAvailable, e.Failure);
        Assert.Equal("EchoPool", e.PoolHandle?.ToString());
        Assert.Contains("3 excluded", e.Message, StringComparison.Ordinal);
        Assert.Equal(2, registrar.Requests.Count); // the cached answer, then exactly one fresh one
    }

    [Fact]
    public async Task SelectAsync_AllWeightsZero_NoPoolElementAvailable()
    {
        await using var rig = new PoolUserRig();
        rig.AddAnswering("10.0.0.1:3863", TestPools.Response("WrrPool", PoolPolicyParameter.WeightedRoundRobin(0),
            TestPools.Element(1, "10.1.0.1", 1, PoolPolicyParameter.WeightedRoundRobin(0))));
        PoolUser user = rig.CreateUser();

        var e = await Assert.ThrowsAsync<RSerPoolException>(() => user.SelectAsync("WrrPool").WaitAsync(TestClock.Guard));

        Assert.Equal(PoolFailure.NoPoolElementAvailable, e.Failure);
    }

    [Fact]
    public async Task SelectAsync_UnknownPool_PoolHandleNotFound()
    {
        await using var rig = new PoolUserRig();
        rig.AddAnswering("10.0.0.1:3863", TestPools.EchoPool());
        PoolUser user = rig.CreateUser();

        var e = await Assert.ThrowsAsync<RSerPoolException>(() => user.SelectAsync("Nope").WaitAsync(TestClock.Guard));

        Assert.Equal(PoolFailure.PoolHandleNotFound, e.Failure);
    }

    [Fact]
    public async Task SelectAsync_AfterReportUnreachable_ElementNotChosenAndNoNewRequest()
    {
        await using var rig = new PoolUserRig();
        ScriptedRegistrar registrar = rig.AddAnswering("10.0.0.1:3863", TestPools.EchoPool());
        PoolUser user = rig.CreateUser();
        await user.ResolveAsync("EchoPool").WaitAsync(TestClock.Guard);

        Assert.True(await user.ReportUnreachableAsync("EchoPool", 0xe001).WaitAsync(TestClock.Guard));

        var picks = new List<uint>();
        for (int i = 0; i < 4; i++)
        {
            picks.AddRange(await Ids(user.SelectAsync("EchoPool")));
        }

        Assert.DoesNotContain(0xe001u, picks);
        Assert.Equal(new uint[] { 0xe002, 0xe003 }, picks.Distinct().Order());
        await registrar.WaitForRequestsAsync(2);
        Assert.Single(registrar.Requests.OfType<HandleResolution>());
        var report = Assert.Single(registrar.Requests.OfType<EndpointUnreachable>());
        Assert.Equal(0xe001u, report.PoolElementId);
    }

    [Fact]
    public async Task SelectAsync_EveryElementReported_AsksTheRegistrarAgain()
    {
        await using var rig = new PoolUserRig();
        ScriptedRegistrar registrar = rig.AddAnswering("10.0.0.1:3863", TestPools.EchoPool());
        PoolUser user = rig.CreateUser();
        await user.ResolveAsync("EchoPool").WaitAsync(TestClock.Guard);
        foreach (uint id in new uint[] { 0xe001, 0xe002, 0xe003 })
        {
            await user.ReportUnreachableAsync("EchoPool", id).WaitAsync(TestClock.Guard);
        }

        Assert.Single(await Ids(user.SelectAsync("EchoPool")));

        await registrar.WaitForRequestsAsync(5);
        Assert.Equal(2, registrar.Requests.OfType<HandleResolution>().Count());
    }

    [Fact]
    public async Task SelectAsync_CountNotPositive_Throws()
    {
        await using var rig = new PoolUserRig();
        PoolUser user = rig.CreateUser(PoolUserRig.BaseOptions with { Registrars = new[] { RSerPool.Registrars.RegistrarAddress.Parse("10.0.0.1") } });

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => user.SelectAsync("EchoPool", count: 0));
        Assert.Equal(0, rig.Factory.ConnectCount);
    }
}
