using System;
using RSerPool.Wire.Parameters;

namespace RSerPool.Selection;

/// <summary>
/// Weighted Round Robin, WRR (RFC 5356 §4.2): round robin in which each element appears in
/// proportion to its weight, its turns spread as evenly as possible; weight 0 never (RFC 5356 §3.2).
/// </summary>
/// <remarks>
/// <para>
/// The RFC asks for a circular list holding each element weight times, "as evenly distributed as
/// possible", and tells the pool user to walk the cached list like RR. This class walks that virtual
/// list with smooth weighted round robin: each step every eligible element earns its weight in
/// credit, the richest one (ties: least recently chosen) is chosen and pays the step's total weight.
/// Over Σ weights steps every element is chosen exactly weight times, with no bursts: weights 1 and
/// 2 give B, A, B, B, A, B; weights that are all 1 give exactly RR.
/// </para>
/// <para>
/// rsplib sorts by round counter, then remaining virtual count, then sequence number, and runs its
/// update both explicitly and again when re-linking the node, so the virtual count runs down twice
/// per selection: weights 1 and 2 both get one turn per round, larger weights about half their
/// share, and an element keeps its turn until its count is spent (bursts). It also still selects
/// weight-0 elements, once per round. Neither is copied.
/// </para>
/// <para>
/// Excluded elements neither earn nor pay, so they resume their share when no longer excluded.
/// In a multi-element selection only the first <see cref="SelectionPolicy.MaxIncrement"/> choices
/// step the rotation; the backups are the elements next in line.
/// </para>
/// </remarks>
public sealed class WeightedRoundRobinPolicy : SelectionPolicy
{
    /// <summary>Creates the policy.</summary>
    /// <param name="maxIncrement">How many elements of one multi-element selection step the rotation; 0 = rsplib default (1).</param>
    public WeightedRoundRobinPolicy(int maxIncrement = 0)
        : base(PoolPolicyType.WeightedRoundRobin, SelectionOrder.Custom, defaultMaxIncrement: 1, maxIncrement, random: null)
    {
    }

    private protected override ulong ComputeKey(in PolicyValues values, uint degradation) => values.Weight;

    private protected override int PickCustom(Span<SelectionSlot> slots, ulong stamp, bool advance)
    {
        if (!advance)
        {
            return SlotSelection.HighestCredit(slots, stamp, addWeight: true);
        }

        // Credits stay within ± Σ weights (at most 2^31 elements of weight < 2^32), far inside a long.
        long total = 0;
        for (int i = 0; i < slots.Length; i++)
        {
            ref SelectionSlot slot = ref slots[i];
            if (slot.Stamp != stamp && slot.Key != 0)
            {
                slot.Credit += (long)slot.Key;
                total += (long)slot.Key;
            }
        }

        int index = SlotSelection.HighestCredit(slots, stamp, addWeight: false);
        if (index >= 0)
        {
            slots[index].Credit -= total;
            slots[index].Sequence = NextSequence();
        }

        return index;
    }
}
