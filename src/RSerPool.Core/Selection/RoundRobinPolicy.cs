using RSerPool.Wire.Parameters;

namespace RSerPool.Selection;

/// <summary>
/// Round Robin, RR (RFC 5356 §4.1): use the cached list from its first entry, cyclically. The
/// default policy, and the one to use when a response carries no policy (RFC 5352 §2.2.6).
/// </summary>
/// <remarks>
/// All keys are equal, so the order is the rotation alone: the least recently chosen element goes
/// next (rsplib's <c>roundRobinComparison</c> sorts by sequence number only). Excluded elements keep
/// their place and are simply skipped.
/// </remarks>
public sealed class RoundRobinPolicy : SelectionPolicy
{
    /// <summary>Creates the policy.</summary>
    /// <param name="maxIncrement">How many elements of one multi-element selection advance the rotation; 0 = rsplib default (1).</param>
    public RoundRobinPolicy(int maxIncrement = 0)
        : base(PoolPolicyType.RoundRobin, SelectionOrder.LowestKey, defaultMaxIncrement: 1, maxIncrement, random: null)
    {
    }

    private protected override ulong ComputeKey(in PolicyValues values, uint degradation) => 0;
}
