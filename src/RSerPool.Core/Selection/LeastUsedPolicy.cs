using RSerPool.Wire.Parameters;

namespace RSerPool.Selection;

/// <summary>
/// Least Used, LU (RFC 5356 §5.1): the element with the lowest load; round robin among equally
/// loaded elements.
/// </summary>
/// <remarks>
/// The RFC tells the pool user to use the registrar's list in the order returned; the lowest load
/// first is that order, and the rotation among equals keeps a pool user from hammering one of
/// several idle elements until its cache entry goes stale (rsplib's <c>leastUsedComparison</c>:
/// load, then sequence number). Loads are the registrar's snapshot; nothing here changes them.
/// </remarks>
public sealed class LeastUsedPolicy : SelectionPolicy
{
    /// <summary>Creates the policy.</summary>
    /// <param name="maxIncrement">How many elements of one multi-element selection advance the rotation; 0 = rsplib default (1).</param>
    public LeastUsedPolicy(int maxIncrement = 0)
        : base(PoolPolicyType.LeastUsed, SelectionOrder.LowestKey, defaultMaxIncrement: 1, maxIncrement, random: null)
    {
    }

    private protected override ulong ComputeKey(in PolicyValues values, uint degradation) => values.Load;
}
