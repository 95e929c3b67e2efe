using System;
using RSerPool.Wire.Parameters;

namespace RSerPool.Selection;

/// <summary>
/// Random, RAND (RFC 5356 §4.3): each selection picks uniformly at random among the eligible
/// cached elements; a multi-element selection draws without replacement.
/// </summary>
/// <remarks>rsplib gives every node the value 1 in its value tree (<c>randomUpdatePoolElementNode</c>).</remarks>
public sealed class RandomPolicy : SelectionPolicy
{
    /// <summary>Creates the policy.</summary>
    /// <param name="random">Random source; seed it for reproducible selections. <see langword="null"/> = a new unseeded one.</param>
    public RandomPolicy(Random? random = null)
        : base(PoolPolicyType.Random, SelectionOrder.Weighted, defaultMaxIncrement: 0, maxIncrement: 0, random)
    {
    }

    private protected override ulong ComputeKey(in PolicyValues values, uint degradation) => 1;
}
