using RSerPool.Wire.Parameters;

namespace RSerPool.Selection;

/// <summary>
/// Least Used with Degradation, LUD (RFC 5356 §5.2): lowest load + degradation counter × load
/// degradation; round robin among equals.
/// </summary>
/// <remarks>
/// The RFC describes the counter for the registrar; rsplib runs the same code in its pool-user
/// cache, and so does this class: each selection adds the element's load degradation to its
/// accumulated degradation (only for the first <see cref="SelectionPolicy.MaxIncrement"/> elements
/// of a call), clamped at 100 % (<c>leastUsedDegradationUpdatePoolElementNode</c>, <c>getSum</c>).
/// A fresh registrar answer for the element resets it to 0, as a re-registration does at the
/// registrar. rsplib's handlespace also runs that update when it re-links the node, which adds the
/// degradation twice per selection; this class adds it once, as the RFC's counter does.
/// </remarks>
public sealed class LeastUsedDegradationPolicy : SelectionPolicy
{
    /// <summary>Creates the policy.</summary>
    /// <param name="maxIncrement">How many elements of one multi-element selection accumulate degradation; 0 = rsplib default (1).</param>
    public LeastUsedDegradationPolicy(int maxIncrement = 0)
        : base(PoolPolicyType.LeastUsedDegradation, SelectionOrder.LowestKey, defaultMaxIncrement: 1, maxIncrement, random: null)
    {
    }

    private protected override bool AccumulatesDegradation => true;

    private protected override ulong ComputeKey(in PolicyValues values, uint degradation) =>
        PolicyArithmetic.SaturatingSum(values.Load, degradation);
}
