using RSerPool.Wire.Parameters;

namespace RSerPool.Selection;

/// <summary>
/// Priority Least Used, PLU (RFC 5356 §5.3): lowest load + load degradation, i.e. the load the
/// element would have after accepting this request; round robin among equals.
/// </summary>
/// <remarks>
/// The RFC's example: A and B at 50 %, A degrading by 10 % and B by 50 %: A (60) goes before B (100).
/// Nothing accumulates (rsplib's <c>priorityLeastUsedComparison</c> has no update function). Older
/// rsplib versions sent PLU without the degradation field; it then counts as 0.
/// </remarks>
public sealed class PriorityLeastUsedPolicy : SelectionPolicy
{
    /// <summary>Creates the policy.</summary>
    /// <param name="maxIncrement">How many elements of one multi-element selection advance the rotation; 0 = rsplib default (1).</param>
    public PriorityLeastUsedPolicy(int maxIncrement = 0)
        : base(PoolPolicyType.PriorityLeastUsed, SelectionOrder.LowestKey, defaultMaxIncrement: 1, maxIncrement, random: null)
    {
    }

    private protected override ulong ComputeKey(in PolicyValues values, uint degradation) =>
        PolicyArithmetic.SaturatingSum(values.Load, values.LoadDegradation);
}
