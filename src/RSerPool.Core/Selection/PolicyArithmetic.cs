using System;

namespace RSerPool.Selection;

/// <summary>
/// The clamped arithmetic rsplib's policies use on 32-bit load and weight values
/// (<c>poolpolicy-template_impl.h</c>: <c>getSum</c>, <c>getValueFraction</c> and the DPF terms).
/// </summary>
internal static class PolicyArithmetic
{
    /// <summary>Largest load, weight or degradation (RFC 5356 §3.1: 0xffffffff = 100 %).</summary>
    public const uint MaxValue = uint.MaxValue;

    /// <summary>Sum of loads clamped to 100 %, so an overloaded key never wraps round to "idle".</summary>
    public static uint SaturatingSum(uint a, uint b, uint c = 0) =>
        (uint)Math.Min((ulong)a + b + c, MaxValue);

    /// <summary>
    /// The random weight of the least-used family: 0xffffffff minus the used part, at least 1
    /// (RFC 5356 §5.4 for RLU). rsplib clamps to 1 because a weight of 0 would mean "never",
    /// and a fully loaded element is still a valid last resort.
    /// </summary>
    public static uint UnusedFraction(uint load, uint b = 0, uint c = 0)
    {
        long value = (long)MaxValue - load - b - c;
        return value < 1 ? 1u : (uint)value;
    }

    /// <summary>
    /// rsplib's distance penalty factor term: distance × (dpf / 0xffffffff), a fraction of the full
    /// scale per distance step (draft-dreibholz-rserpool-delay).
    /// </summary>
    public static double DistancePenalty(uint distance, uint penaltyFactor) =>
        distance * ((double)penaltyFactor / MaxValue);

    /// <summary>
    /// Key of LU-DPF and LUD-DPF: load (+ degradation) + penalty × 0xffffffff, rounded half to even as
    /// C's <c>rint</c> does, clamped to 100 %.
    /// </summary>
    public static uint PenalizedLoad(uint load, uint degradation, double penalty)
    {
        double value = Math.Round((double)load + degradation + (penalty * MaxValue), MidpointRounding.ToEven);
        return value >= MaxValue ? MaxValue : (uint)value;
    }

    /// <summary>
    /// Weight of WRAND-DPF: weight − weight × penalty. A weight of 0 stays 0 (cannot serve, RFC 5356
    /// §3.2); a capable element penalized to 0 or below keeps weight 1 (see the policy's remarks).
    /// </summary>
    public static uint PenalizedWeight(uint weight, double penalty)
    {
        if (weight == 0)
        {
            return 0;
        }

        double value = weight - Math.Round(weight * penalty, MidpointRounding.ToEven);
        return value < 1 ? 1u : value >= MaxValue ? MaxValue : (uint)value;
    }
}
