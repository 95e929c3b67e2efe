using System;
using System.Linq;
using System.Threading.Tasks;
using RSerPool.Selection;
using RSerPool.Wire.Parameters;
using Xunit;

namespace RSerPool.Tests.Selection;

/// <summary>How a policy keeps its per-pool state across calls and cache refreshes.</summary>
public class SelectionPolicyStateTests
{
    private static PoolElement[] RoundRobinPool(params uint[] identifiers) =>
        identifiers.Select(id => SelectionTestPools.Element(id, PoolPolicyParameter.RoundRobin())).ToArray();

    [Fact]
    public void NewArraySameElements_ContinuesRotation()
    {
        var policy = new RoundRobinPolicy();
        PoolElement[] elements = RoundRobinPool(1, 2, 3);

        Assert.Equal(1u, policy.SelectOne(elements)!.Identifier);
        Assert.Equal(2u, policy.SelectOne((PoolElement[])elements.Clone())!.Identifier);
    }

    [Fact]
    public void ReorderedList_KeepsRotationByIdentifier()
    {
        var policy = new RoundRobinPolicy();
        PoolElement[] elements = RoundRobinPool(1, 2, 3);
        Assert.Equal(1u, policy.SelectOne(elements)!.Identifier);

        PoolElement[] reversed = [elements[2], elements[1], elements[0]];

        Assert.Equal([2u, 3, 1], SelectionTestPools.SelectOneSequence(policy, reversed, 3));
    }

    [Fact]
    public void NewElement_JoinsAtEndOfRotation()
    {
        var policy = new RoundRobinPolicy();
        PoolElement[] elements = RoundRobinPool(1, 2, 3);
        Assert.Equal(1u, policy.SelectOne(elements)!.Identifier);

        PoolElement[] refreshed = [.. elements, .. RoundRobinPool(4)];

        Assert.Equal([2u, 3, 1, 4, 2], SelectionTestPools.SelectOneSequence(policy, refreshed, 5));
    }

    [Fact]
    public void EvictedElement_OthersKeepTheirPlace()
    {
        var policy = new RoundRobinPolicy();
        PoolElement[] elements = RoundRobinPool(1, 2, 3);
        Assert.Equal([1u, 2], SelectionTestPools.SelectOneSequence(policy, elements, 2));

        Assert.Equal([3u, 1, 3], SelectionTestPools.SelectOneSequence(policy, [elements[0], elements[2]], 3));
    }

    [Fact]
    public void FreshAnswerForElement_ResetsDegradation()
    {
        var policy = new LeastUsedDegradationPolicy();
        PoolElement[] elements = SelectionTestPools.Elements(PoolPolicyType.LeastUsedDegradation, [[0, 100], [50, 0]]);
        Assert.Equal([1u, 2], SelectionTestPools.SelectOneSequence(policy, elements, 2)); // 1 degraded to 100

        // The registrar answers again: a new record for element 1, as rsplib's handlespace update resets degradation.
        PoolElement[] refreshed = [elements[0] with { }, elements[1]];

        Assert.Equal(1u, policy.SelectOne(refreshed)!.Identifier);
    }

    [Fact]
    public void Reset_StartsOver()
    {
        var policy = new RoundRobinPolicy();
        PoolElement[] elements = RoundRobinPool(1, 2, 3);
        Assert.Equal([1u, 2], SelectionTestPools.SelectOneSequence(policy, elements, 2));

        policy.Reset();

        Assert.Equal(1u, policy.SelectOne(elements)!.Identifier);
    }

    [Fact]
    public void ConcurrentCallers_ShareOneRotation()
    {
        var policy = new RoundRobinPolicy();
        PoolElement[] elements = RoundRobinPool(1, 2, 3);
        PoolElement[] reversed = [elements[2], elements[1], elements[0]];
        var counts = new int[3];

        // Alternating list orders makes every call re-bind, the part most easily torn by a race.
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, worker =>
        {
            for (int i = 0; i < 30_000; i++)
            {
                PoolElement chosen = policy.SelectOne((i + worker) % 2 == 0 ? elements : reversed)!;
                System.Threading.Interlocked.Increment(ref counts[chosen.Identifier - 1]);
            }
        });

        Assert.Equal([40_000, 40_000, 40_000], counts);
    }
}
