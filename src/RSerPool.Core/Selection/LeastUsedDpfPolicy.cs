using RSerPool.Wire.Parameters;

namespace RSerPool.Selection;

/// <summary>
/// rsplib's Least Used with Distance Penalty Factor, LU-DPF (private type 0xb0002002): lowest
/// load + distance × load DPF; round robin among equals.
/// </summary>
/// <remarks>
/// The key is rsplib's <c>leastUsedDPFComparison</c>: load + distance × (load DPF / 0xffffffff) ×
/// 0xffffffff, rounded half to even and clamped at 100 %. The distance is the registrar's
/// delay-derived value (draft-dreibholz-rserpool-delay), so the penalty favours nearby elements.
/// </remarks>
public sealed class LeastUsedDpfPolicy : SelectionPolicy
{
    /// <summary>Creates the policy.</summary>
    /// <param name="maxIncrement">How many elements of one multi-element selection advance the rotation; 0 = rsplib default (1).</param>
    public LeastUsedDpfPolicy(int maxIncrement = 0)
        : base(PoolPolicyType.LeastUsedDpf, SelectionOrder.LowestKey, defaultMaxIncrement: 1, maxIncrement, random: null)
    {
    }

    private protected override ulong ComputeKey(in PolicyValues values, uint degradation) =>
        PolicyArithmetic.PenalizedLoad(
            values.Load, 0, PolicyArithmetic.DistancePenalty(values.Distance, values.LoadDpf));
}
