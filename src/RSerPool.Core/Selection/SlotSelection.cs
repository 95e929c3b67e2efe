using System;

namespace RSerPool.Selection;

/// <summary>
/// The two ways rsplib chooses among pool elements, as pure functions over slots
/// (<c>poolpolicy-template_impl.h</c>): by sorting order, and at random from a value tree.
/// A slot whose <see cref="SelectionSlot.Stamp"/> equals <c>stamp</c> is not eligible.
/// </summary>
internal static class SlotSelection
{
    /// <summary>
    /// The eligible slot with the lowest key, ties to the lowest sequence number
    /// (<c>poolPolicySelectPoolElementNodesBySortingOrder</c>: first node of the sorted storage).
    /// </summary>
    /// <returns>The slot index, or -1 when none is eligible.</returns>
    public static int LowestKey(ReadOnlySpan<SelectionSlot> slots, ulong stamp)
    {
        int best = -1;
        ulong bestKey = 0;
        ulong bestSequence = 0;
        for (int i = 0; i < slots.Length; i++)
        {
            ref readonly SelectionSlot slot = ref slots[i];
            if (slot.Stamp == stamp)
            {
                continue;
            }

            if (best < 0 || slot.Key < bestKey || (slot.Key == bestKey && slot.Sequence < bestSequence))
            {
                best = i;
                bestKey = slot.Key;
                bestSequence = slot.Sequence;
            }
        }

        return best;
    }

    /// <summary>
    /// An eligible slot drawn with probability key / Σ keys; keys of 0 are never drawn
    /// (<c>poolPolicySelectPoolElementNodesByValueTree</c>: <c>random64() % valueSum</c>, then the
    /// node covering that value). rsplib walks its tree in identifier order, this walks list order;
    /// the distribution is the same.
    /// </summary>
    /// <param name="slots">The slots.</param>
    /// <param name="stamp">The current call's stamp.</param>
    /// <param name="random">The random source.</param>
    /// <param name="eligibleKeySum">Σ keys of the eligible slots when the caller knows it, else 0.</param>
    /// <returns>The slot index, or -1 when no eligible slot has a key above 0.</returns>
    public static int Weighted(ReadOnlySpan<SelectionSlot> slots, ulong stamp, Random random, ulong eligibleKeySum = 0)
    {
        // At most int.MaxValue slots of at most 2^32 - 1 each: the sum stays below 2^63.
        ulong total = eligibleKeySum;
        if (total == 0)
        {
            for (int i = 0; i < slots.Length; i++)
            {
                if (slots[i].Stamp != stamp)
                {
                    total += slots[i].Key;
                }
            }
        }

        if (total == 0)
        {
            return -1;
        }

        ulong value = (ulong)random.NextInt64((long)total);
        for (int i = 0; i < slots.Length; i++)
        {
            ref readonly SelectionSlot slot = ref slots[i];
            if (slot.Stamp == stamp)
            {
                continue;
            }

            if (value < slot.Key)
            {
                return i;
            }

            value -= slot.Key;
        }

        return -1; // unreachable: value < total
    }

    /// <summary>
    /// The eligible slot with a weight above 0 and the highest credit, ties to the lowest sequence
    /// number. <paramref name="addWeight"/> looks one step ahead (credit + weight), which is how the
    /// next smooth-WRR step would rank the slots.
    /// </summary>
    /// <returns>The slot index, or -1 when none is eligible.</returns>
    public static int HighestCredit(ReadOnlySpan<SelectionSlot> slots, ulong stamp, bool addWeight)
    {
        int best = -1;
        long bestCredit = 0;
        ulong bestSequence = 0;
        for (int i = 0; i < slots.Length; i++)
        {
            ref readonly SelectionSlot slot = ref slots[i];
            if (slot.Stamp == stamp || slot.Key == 0)
            {
                continue;
            }

            long credit = addWeight ? slot.Credit + (long)slot.Key : slot.Credit;
            if (best < 0 || credit > bestCredit || (credit == bestCredit && slot.Sequence < bestSequence))
            {
                best = i;
                bestCredit = credit;
                bestSequence = slot.Sequence;
            }
        }

        return best;
    }
}
