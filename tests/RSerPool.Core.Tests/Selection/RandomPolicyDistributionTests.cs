using System;
using RSerPool.Selection;
using RSerPool.Wire.Parameters;
using Xunit;

namespace RSerPool.Tests.Selection;

/// <summary>
/// The random policies over 100,000 seeded draws: each element's share within 1 percentage point of
/// its probability (about six standard deviations), and elements of probability 0 never drawn.
/// </summary>
public class RandomPolicyDistributionTests
{
    private const int Draws = 100_000;
    private const double Tolerance = 0.01;
    private const uint Max = uint.MaxValue;

    public static TheoryData<string, uint[][], double[]> Rows => new()
    {
        // RAND (RFC 5356 §4.3): uniform.
        { "RAND", [[], [], [], []], [0.25, 0.25, 0.25, 0.25] },

        // WRAND (RFC 5356 §4.4): weight / sum of weights; weight 0 never (§3.2).
        { "WRAND", [[1], [2], [3], [0]], [1 / 6.0, 2 / 6.0, 3 / 6.0, 0] },

        // RLU (RFC 5356 §5.4): weight 0xffffffff - load, at least 1 (rsplib).
        { "RLU", [[0], [0x7fffffff], [Max]], [2 / 3.0, 1 / 3.0, 0.0000000002] },

        // rsplib RPLU: weight 0xffffffff - load - load degradation.
        { "RPLU", [[0, 0x3fffffff], [0x3fffffff, 0x3fffffff]], [0.6, 0.4] },

        // rsplib RLUD / RPLUD without degradation behave like RLU.
        { "RLUD", [[0, 0], [0x7fffffff, 0]], [2 / 3.0, 1 / 3.0] },
        { "RPLUD", [[0, 0], [0x7fffffff, 0]], [2 / 3.0, 1 / 3.0] },

        // rsplib WRAND-DPF (weight, weight DPF, distance): 100 - 100 x 1 x 0.5 = 50 against 100; weight 0 never.
        { "WRAND-DPF", [[100, 0x7fffffff, 1], [100, 0, 0], [0, 0, 0]], [1 / 3.0, 2 / 3.0, 0] },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void SelectOne_FollowsWeights(string policyName, uint[][] fields, double[] expected)
    {
        ISelectionPolicy policy = SelectionTestPools.Policy(policyName, seed: 5356);
        PoolElement[] elements = SelectionTestPools.Elements(SelectionTestPools.Type(policyName), fields);

        int[] counts = Count(policy, elements, Draws, default);

        for (int i = 0; i < expected.Length; i++)
        {
            double share = counts[i] / (double)Draws;
            Assert.True(Math.Abs(share - expected[i]) <= Tolerance, $"element {i + 1}: share {share:F4}, expected {expected[i]:F4}");
            if (expected[i] == 0)
            {
                Assert.Equal(0, counts[i]);
            }
        }
    }

    [Theory]
    [InlineData("RAND")]
    [InlineData("WRAND")]
    [InlineData("RLU")]
    [InlineData("RPLUD")]
    [InlineData("WRAND-DPF")]
    public void SelectOne_NeverDrawsExcluded(string policyName)
    {
        ISelectionPolicy policy = SelectionTestPools.Policy(policyName, seed: 1);
        PoolElement[] elements = SelectionTestPools.Generic(SelectionTestPools.Type(policyName), 5);

        int[] counts = Count(policy, elements, 20_000, new uint[] { 2, 4 });

        Assert.Equal(0, counts[1]);
        Assert.Equal(0, counts[3]);
        Assert.All(new[] { counts[0], counts[2], counts[4] }, c => Assert.InRange(c, 5_000, 8_500));
    }

    [Fact]
    public void RandomizedLeastUsedDegradation_SelectionDegradesElement()
    {
        // Element 1 is idle but one selection adds 100 % degradation (weight drops to 1); element 2 is half loaded.
        // Without accumulation element 1 would take about two thirds of the draws.
        var policy = new RandomizedLeastUsedDegradationPolicy(new Random(7));
        PoolElement[] elements = SelectionTestPools.Elements(
            PoolPolicyType.RandomizedLeastUsedDegradation, [[0, Max], [0x7fffffff, 0]]);

        int[] counts = Count(policy, elements, 1_000, default);

        Assert.InRange(counts[0], 0, 2);
        Assert.InRange(counts[1], 998, 1_000);
    }

    [Fact]
    public void RandomizedPriorityLeastUsedDegradation_SelectionDegradesElement()
    {
        // Element 1: weight 0.75, 0.5, 0.25 of full scale after 0, 1, 2 selections, then 1. Element 2: 0.5 always.
        var policy = new RandomizedPriorityLeastUsedDegradationPolicy(new Random(7));
        PoolElement[] elements = SelectionTestPools.Elements(
            PoolPolicyType.RandomizedPriorityLeastUsedDegradation, [[0, 0x40000000], [0x7fffffff, 0]]);

        int[] counts = Count(policy, elements, 1_000, default);

        Assert.InRange(counts[0], 1, 4);
        Assert.InRange(counts[1], 996, 999);
    }

    [Fact]
    public void Select_DrawsWithoutReplacement()
    {
        var policy = new WeightedRandomPolicy(new Random(3));
        PoolElement[] elements = SelectionTestPools.Elements(PoolPolicyType.WeightedRandom, [[1000], [1], [1], [0]]);
        var destination = new PoolElement[4];

        for (int i = 0; i < 1_000; i++)
        {
            // The weight-0 element can serve no request, so only three come back.
            Assert.Equal(3, policy.Select(elements, destination));
            Assert.Equal(3, new System.Collections.Generic.HashSet<uint> { destination[0].Identifier, destination[1].Identifier, destination[2].Identifier }.Count);
            Assert.DoesNotContain(4u, new[] { destination[0].Identifier, destination[1].Identifier, destination[2].Identifier });
        }
    }

    private static int[] Count(ISelectionPolicy policy, PoolElement[] elements, int draws, ExclusionSet excluded)
    {
        var counts = new int[elements.Length];
        for (int i = 0; i < draws; i++)
        {
            PoolElement? chosen = policy.SelectOne(elements, excluded);
            Assert.NotNull(chosen);
            counts[chosen.Identifier - 1]++;
        }

        return counts;
    }
}
