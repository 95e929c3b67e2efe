using System;
using RSerPool.Wire.Parameters;

namespace RSerPool.Selection;

/// <summary>
/// rsplib's Randomized Least Used with Degradation, RLUD (private type 0xb0001002): weighted random
/// with weight 0xffffffff − load − accumulated degradation (at least 1).
/// </summary>
/// <remarks>
/// Each selection adds the load degradation to the element's accumulated degradation for the first
/// <see cref="SelectionPolicy.MaxIncrement"/> elements of a call (rsplib default 1), so an element
/// just chosen becomes less likely until a fresh registrar answer resets it. rsplib's weight
/// function reads that degradation, but no RLUD code path in rsplib increases it (only the LUD and
/// PLUD updates do), so there RLUD behaves like RLU; this class accumulates it as the policy's name
/// and rsplib's weight formula intend.
/// </remarks>
public sealed class RandomizedLeastUsedDegradationPolicy : SelectionPolicy
{
    /// <summary>Creates the policy.</summary>
    /// <param name="random">Random source; seed it for reproducible selections. <see langword="null"/> = a new unseeded one.</param>
    /// <param name="maxIncrement">How many elements of one multi-element selection accumulate degradation; 0 = rsplib default (1).</param>
    public RandomizedLeastUsedDegradationPolicy(Random? random = null, int maxIncrement = 0)
        : base(PoolPolicyType.RandomizedLeastUsedDegradation, SelectionOrder.Weighted, defaultMaxIncrement: 1, maxIncrement, random)
    {
    }

    private protected override bool AccumulatesDegradation => true;

    private protected override ulong ComputeKey(in PolicyValues values, uint degradation) =>
        PolicyArithmetic.UnusedFraction(values.Load, degradation);
}
