using RSerPool.Wire.Parameters;

namespace RSerPool.Selection;

/// <summary>
/// rsplib's Least Used with Degradation and Distance Penalty Factor, LUD-DPF (private type
/// 0xb0002003): lowest load + accumulated degradation + distance × load DPF; round robin among equals.
/// </summary>
/// <remarks>
/// rsplib's <c>leastUsedDegradationDPFComparison</c> with LUD's update: each selection adds the load
/// degradation for the first <see cref="SelectionPolicy.MaxIncrement"/> elements of a call; a fresh
/// answer for the element resets it. (rsplib scales one side of its comparison by the maximum
/// DPF and the other by the maximum load; both are 0xffffffff, so the keys agree.)
/// </remarks>
public sealed class LeastUsedDegradationDpfPolicy : SelectionPolicy
{
    /// <summary>Creates the policy.</summary>
    /// <param name="maxIncrement">How many elements of one multi-element selection accumulate degradation; 0 = rsplib default (1).</param>
    public LeastUsedDegradationDpfPolicy(int maxIncrement = 0)
        : base(PoolPolicyType.LeastUsedDegradationDpf, SelectionOrder.LowestKey, defaultMaxIncrement: 1, maxIncrement, random: null)
    {
    }

    private protected override bool AccumulatesDegradation => true;

    private protected override ulong ComputeKey(in PolicyValues values, uint degradation) =>
        PolicyArithmetic.PenalizedLoad(
            values.Load, degradation, PolicyArithmetic.DistancePenalty(values.Distance, values.LoadDpf));
}
