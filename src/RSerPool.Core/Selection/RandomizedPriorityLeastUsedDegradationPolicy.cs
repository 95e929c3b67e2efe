using System;
using RSerPool.Wire.Parameters;

namespace RSerPool.Selection;

/// <summary>
/// rsplib's Randomized Priority Least Used with Degradation, RPLUD (private type 0xb0001004):
/// weighted random with weight 0xffffffff − load − load degradation − accumulated degradation
/// (at least 1).
/// </summary>
/// <remarks>
/// Degradation accumulates per selection as in <see cref="RandomizedLeastUsedDegradationPolicy"/>
/// (where rsplib, again, never increases it).
/// </remarks>
public sealed class RandomizedPriorityLeastUsedDegradationPolicy : SelectionPolicy
{
    /// <summary>Creates the policy.</summary>
    /// <param name="random">Random source; seed it for reproducible selections. <see langword="null"/> = a new unseeded one.</param>
    /// <param name="maxIncrement">How many elements of one multi-element selection accumulate degradation; 0 = rsplib default (1).</param>
    public RandomizedPriorityLeastUsedDegradationPolicy(Random? random = null, int maxIncrement = 0)
        : base(PoolPolicyType.RandomizedPriorityLeastUsedDegradation, SelectionOrder.Weighted, defaultMaxIncrement: 1, maxIncrement, random)
    {
    }

    private protected override bool AccumulatesDegradation => true;

    private protected override ulong ComputeKey(in PolicyValues values, uint degradation) =>
        PolicyArithmetic.UnusedFraction(values.Load, values.LoadDegradation, degradation);
}
