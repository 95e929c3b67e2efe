using System;
using RSerPool.Wire.Parameters;

namespace RSerPool.Selection;

/// <summary>
/// Weighted Random, WRAND (RFC 5356 §4.4): each selection picks an eligible element with
/// probability weight / Σ weights; weight 0 is never picked (cannot serve, RFC 5356 §3.2).
/// </summary>
/// <remarks>
/// The RFC's pool-user text says only "randomly"; like rsplib's cache (<c>weightedRandomUpdatePoolElementNode</c>:
/// value = weight) this keeps the weights the registrar used, so the pool user's choices follow the
/// same distribution. A multi-element selection draws without replacement.
/// </remarks>
public sealed class WeightedRandomPolicy : SelectionPolicy
{
    /// <summary>Creates the policy.</summary>
    /// <param name="random">Random source; seed it for reproducible selections. <see langword="null"/> = a new unseeded one.</param>
    public WeightedRandomPolicy(Random? random = null)
        : base(PoolPolicyType.WeightedRandom, SelectionOrder.Weighted, defaultMaxIncrement: 0, maxIncrement: 0, random)
    {
    }

    private protected override ulong ComputeKey(in PolicyValues values, uint degradation) => values.Weight;
}
