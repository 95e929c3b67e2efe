using System;
using RSerPool.Wire.Parameters;

namespace RSerPool.Selection;

/// <summary>
/// Randomized Least Used, RLU (RFC 5356 §5.4): weighted random with weight 0xffffffff − load, so
/// the probability follows each element's unused capacity.
/// </summary>
/// <remarks>
/// The weight is at least 1 (rsplib's <c>getValueFraction</c>): a fully loaded element stays a
/// possible, very unlikely choice instead of disappearing. A multi-element selection draws without
/// replacement.
/// </remarks>
public sealed class RandomizedLeastUsedPolicy : SelectionPolicy
{
    /// <summary>Creates the policy.</summary>
    /// <param name="random">Random source; seed it for reproducible selections. <see langword="null"/> = a new unseeded one.</param>
    public RandomizedLeastUsedPolicy(Random? random = null)
        : base(PoolPolicyType.RandomizedLeastUsed, SelectionOrder.Weighted, defaultMaxIncrement: 1, maxIncrement: 0, random)
    {
    }

    private protected override ulong ComputeKey(in PolicyValues values, uint degradation) => PolicyArithmetic.UnusedFraction(values.Load);
}
