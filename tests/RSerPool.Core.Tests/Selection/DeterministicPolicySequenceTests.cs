using RSerPool.Selection;
using RSerPool.Wire.Parameters;
using Xunit;

namespace RSerPool.Tests.Selection;

/// <summary>
/// The selection order of the deterministic policies, one row per small pool: policy, the elements'
/// policy fields in wire order (element identifiers are 1, 2, 3, ... in list order), and the
/// identifiers successive SelectOne calls must return.
/// </summary>
public class DeterministicPolicySequenceTests
{
    private const uint Max = uint.MaxValue;

    public static TheoryData<string, uint[][], uint[]> Rows => new()
    {
        // RR (RFC 5356 §4.1): from the first entry, cyclically.
        { "RR", [[], [], []], [1, 2, 3, 1, 2, 3, 1] },
        { "RR", [[]], [1, 1, 1] },

        // WRR (RFC 5356 §4.2): proportional to weight, evenly spread; all weights 1 = RR; weight 0 never.
        { "WRR", [[1], [2]], [2, 1, 2, 2, 1, 2] },
        { "WRR", [[1], [1], [1]], [1, 2, 3, 1, 2, 3] },
        { "WRR", [[3], [1]], [1, 2, 1, 1, 1, 2, 1, 1] },
        { "WRR", [[1], [2], [3]], [3, 2, 1, 3, 2, 3, 3, 2, 1, 3, 2, 3] },
        { "WRR", [[0], [1], [1]], [2, 3, 2, 3] },

        // PRIO (RFC 5356 §4.5): highest priority first, round robin among equal highest.
        { "PRIO", [[5], [10], [10]], [2, 3, 2, 3, 2] },
        { "PRIO", [[0], [7], [3]], [2, 2, 2] },

        // LU (RFC 5356 §5.1): lowest load, round robin among equals.
        { "LU", [[100], [50], [50]], [2, 3, 2, 3] },
        { "LU", [[0x80000000], [0x10], [Max]], [2, 2, 2] },

        // LUD (RFC 5356 §5.2): load + accumulated degradation.
        { "LUD", [[0, 100], [250, 100]], [1, 1, 1, 2, 1, 2, 1] },
        { "LUD", [[0xfffffff0, 0x100], [Max, 0]], [1, 2, 1, 2] }, // key clamps at 100 %, then rotates

        // PLU (RFC 5356 §5.3): load + load degradation, nothing accumulates; RFC example 50+10 before 50+50.
        { "PLU", [[50, 10], [50, 50], [40, 20]], [1, 3, 1, 3] },

        // rsplib PLUD: load + load degradation + accumulated degradation.
        { "PLUD", [[0, 100], [250, 0]], [1, 1, 2, 2, 2] },

        // rsplib LU-DPF: load + distance x load DPF (fields: load, load DPF, distance).
        { "LU-DPF", [[1000, 0, 0], [0, 10, 200], [0, 10, 50], [500, 0, 0]], [3, 4, 3, 4] },

        // rsplib LUD-DPF: load + degradation + DPF term (fields: load, load degradation, load DPF, distance).
        { "LUD-DPF", [[0, 300, 10, 50], [1000, 0, 0, 0]], [1, 1, 2, 2] },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void SelectOne_FollowsPolicyOrder(string policyName, uint[][] fields, uint[] expected)
    {
        ISelectionPolicy policy = SelectionTestPools.Policy(policyName);
        PoolElement[] elements = SelectionTestPools.Elements(SelectionTestPools.Type(policyName), fields);

        Assert.Equal(expected, SelectionTestPools.SelectOneSequence(policy, elements, expected.Length));
    }

    public static TheoryData<string, uint[][], int, string> BatchRows => new()
    {
        // Only the first element of a call advances the rotation (rsplib MaxIncrement default 1):
        // the list "head" moves by one per call (RFC 5356 §4.1 ENRP server considerations).
        { "RR", [[], [], []], 2, "1,2|2,3|3,1|1,2" },
        { "RR", [[], [], []], 5, "1,2,3|2,3,1" },
        { "LU", [[30], [10], [20], [10]], 4, "2,4,3,1|4,2,3,1" },
        { "PRIO", [[1], [3], [2]], 3, "2,3,1|2,3,1" },
        { "WRR", [[1], [2]], 2, "2,1|1,2|2,1" },
        { "LUD", [[0, 100], [0, 100], [50, 0]], 2, "1,2|2,3|3,1" },
    };

    [Theory]
    [MemberData(nameof(BatchRows))]
    public void Select_ReturnsDistinctElementsInPolicyOrder(string policyName, uint[][] fields, int count, string expected)
    {
        ISelectionPolicy policy = SelectionTestPools.Policy(policyName);
        PoolElement[] elements = SelectionTestPools.Elements(SelectionTestPools.Type(policyName), fields);

        Assert.Equal(expected, SelectionTestPools.SelectBatches(policy, elements, count, calls: expected.Split('|').Length));
    }

    [Fact]
    public void LeastUsedDegradation_MaxIncrementTwo_DegradesFirstTwoOfEachCall()
    {
        var policy = new LeastUsedDegradationPolicy(maxIncrement: 2);
        PoolElement[] elements = SelectionTestPools.Elements(
            PoolPolicyType.LeastUsedDegradation, [[0, 100], [0, 100], [50, 0]]);

        // Call 1 degrades 1 and 2 to 100, so call 2 starts with 3 (50); default MaxIncrement would give "2,3".
        Assert.Equal(2, policy.MaxIncrement);
        Assert.Equal("1,2|3,1|3,2", SelectionTestPools.SelectBatches(policy, elements, count: 2, calls: 3));
    }

    [Fact]
    public void Priority_HighestExcluded_UsesNextLevelInRotation()
    {
        ISelectionPolicy policy = SelectionTestPools.Policy("PRIO");
        PoolElement[] elements = SelectionTestPools.Elements(
            SelectionTestPools.Type("PRIO"), [[9], [4], [4], [1]]);

        Assert.Equal([2u, 3, 2, 3], SelectionTestPools.SelectOneSequence(policy, elements, 4, new uint[] { 1 }));
        Assert.Equal([1u, 1], SelectionTestPools.SelectOneSequence(policy, elements, 2));
    }
}
