using RSerPool.Wire.Parameters;

namespace RSerPool.Selection;

/// <summary>
/// rsplib's Priority Least Used with Degradation, PLUD (private type 0xb0001003): lowest
/// load + load degradation + accumulated degradation; round robin among equals.
/// </summary>
/// <remarks>
/// PLU's key plus LUD's counter (<c>priorityLeastUsedDegradationComparison</c>): each selection adds
/// the load degradation to the accumulated degradation for the first
/// <see cref="SelectionPolicy.MaxIncrement"/> elements of a call, clamped at 100 %; a fresh answer
/// for the element resets it.
/// </remarks>
public sealed class PriorityLeastUsedDegradationPolicy : SelectionPolicy
{
    /// <summary>Creates the policy.</summary>
    /// <param name="maxIncrement">How many elements of one multi-element selection accumulate degradation; 0 = rsplib default (1).</param>
    public PriorityLeastUsedDegradationPolicy(int maxIncrement = 0)
        : base(PoolPolicyType.PriorityLeastUsedDegradation, SelectionOrder.LowestKey, defaultMaxIncrement: 1, maxIncrement, random: null)
    {
    }

    private protected override bool AccumulatesDegradation => true;

    private protected override ulong ComputeKey(in PolicyValues values, uint degradation) =>
        PolicyArithmetic.SaturatingSum(values.Load, values.LoadDegradation, degradation);
}
