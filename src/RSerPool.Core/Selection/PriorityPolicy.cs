using RSerPool.Wire.Parameters;

namespace RSerPool.Selection;

/// <summary>
/// Priority, PRIO (RFC 5356 §4.5): the pool user MUST select the active element with the highest
/// priority; larger numbers are higher.
/// </summary>
/// <remarks>
/// Among elements of equal highest priority the choice rotates (rsplib's <c>priorityComparison</c>:
/// priority descending, then sequence number), where the RFC allows any order. An excluded (failed)
/// element makes the next priority level eligible. Priority 0 is the lowest priority, not "cannot
/// serve". rsplib stores the priority in its weight field; this reads it from the Priority field.
/// </remarks>
public sealed class PriorityPolicy : SelectionPolicy
{
    /// <summary>Creates the policy.</summary>
    /// <param name="maxIncrement">How many elements of one multi-element selection advance the rotation; 0 = rsplib default (1).</param>
    public PriorityPolicy(int maxIncrement = 0)
        : base(PoolPolicyType.Priority, SelectionOrder.LowestKey, defaultMaxIncrement: 1, maxIncrement, random: null)
    {
    }

    // Descending priority as an ascending key.
    private protected override ulong ComputeKey(in PolicyValues values, uint degradation) => uint.MaxValue - values.Priority;
}
