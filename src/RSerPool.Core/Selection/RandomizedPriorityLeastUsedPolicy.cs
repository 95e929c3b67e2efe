using System;
using RSerPool.Wire.Parameters;

namespace RSerPool.Selection;

/// <summary>
/// rsplib's Randomized Priority Least Used, RPLU (private type 0xb0001001): weighted random with
/// weight 0xffffffff − load − load degradation (at least 1).
/// </summary>
/// <remarks>PLU's "load after this request" as RLU's random weight (<c>randomizedPriorityLeastUsedUpdatePoolElementNode</c>).</remarks>
public sealed class RandomizedPriorityLeastUsedPolicy : SelectionPolicy
{
    /// <summary>Creates the policy.</summary>
    /// <param name="random">Random source; seed it for reproducible selections. <see langword="null"/> = a new unseeded one.</param>
    public RandomizedPriorityLeastUsedPolicy(Random? random = null)
        : base(PoolPolicyType.RandomizedPriorityLeastUsed, SelectionOrder.Weighted, defaultMaxIncrement: 1, maxIncrement: 0, random)
    {
    }

    private protected override ulong ComputeKey(in PolicyValues values, uint degradation) =>
        PolicyArithmetic.UnusedFraction(values.Load, values.LoadDegradation);
}
