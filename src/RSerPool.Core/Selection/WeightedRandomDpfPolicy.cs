using System;
using RSerPool.Wire.Parameters;

namespace RSerPool.Selection;

/// <summary>
/// rsplib's Weighted Random with Distance Penalty Factor, WRAND-DPF (private type 0xb0002001):
/// weighted random with weight − weight × distance × (weight DPF / 0xffffffff).
/// </summary>
/// <remarks>
/// rsplib (<c>weightedRandomDPFUpdatePoolElementNode</c>) turns a negative result into 1 but leaves
/// an exact 0 at 0. Here weight 0 stays 0 (cannot serve, RFC 5356 §3.2) and any capable element
/// penalized to 0 or below keeps weight 1, so the distance makes an element unlikely, never
/// unusable.
/// </remarks>
public sealed class WeightedRandomDpfPolicy : SelectionPolicy
{
    /// <summary>Creates the policy.</summary>
    /// <param name="random">Random source; seed it for reproducible selections. <see langword="null"/> = a new unseeded one.</param>
    public WeightedRandomDpfPolicy(Random? random = null)
        : base(PoolPolicyType.WeightedRandomDpf, SelectionOrder.Weighted, defaultMaxIncrement: 0, maxIncrement: 0, random)
    {
    }

    private protected override ulong ComputeKey(in PolicyValues values, uint degradation) =>
        PolicyArithmetic.PenalizedWeight(
            values.Weight, PolicyArithmetic.DistancePenalty(values.Distance, values.WeightDpf));
}
