using System;
using System.Collections.Generic;
using RSerPool.Wire.Parameters;

namespace RSerPool.Selection;

/// <summary>
/// Common machinery of the selection policies: per-element state bound to the caller's cached
/// list, exclusion, and the rsplib selection loop. Each policy only supplies its key and what a
/// selection changes.
/// </summary>
/// <remarks>
/// The loop follows rsplib's <c>poolPolicySelectPoolElementNodesBySortingOrder</c> and
/// <c>...ByValueTree</c>: choose the elements one after the other, each at most once, and let only
/// the first <see cref="MaxIncrement"/> of them advance the state. With <see cref="MaxIncrement"/> = 1
/// a call for three elements of an RR pool returns A, B, C and the next call B, C, A, which is the
/// "head advanced by one" of RFC 5356 §4.1.
/// </remarks>
public abstract class SelectionPolicy : ISelectionPolicy
{
    private readonly object _gate = new();
    private readonly SelectionOrder _order;
    private readonly Random? _random;

    // The bound list, split hot and cold: the selection loops touch only _slots; the element
    // references (compared on every call) and the policy fields (read when a key changes) sit in
    // their own arrays.
    private PoolElement[] _elements = [];
    private PolicyValues[] _values = [];
    private SelectionSlot[] _slots = [];
    private int _count;
    private ulong _nextSequence;
    private ulong _stamp;
    private ulong _keySum;

    private protected SelectionPolicy(
        PoolPolicyType policyType, SelectionOrder order, int defaultMaxIncrement, int maxIncrement, Random? random)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxIncrement);
        PolicyType = policyType;
        Name = SelectionPolicies.GetName(policyType);
        _order = order;
        // rsplib: MaxIncrement 0 means "the policy's default" (1 for sorted and RLU-family policies,
        // 0 for RAND, WRAND and WRAND-DPF, whose weights do not depend on earlier selections).
        MaxIncrement = maxIncrement == 0 ? defaultMaxIncrement : maxIncrement;
        _random = order == SelectionOrder.Weighted ? random ?? new Random() : random;
    }

    private protected enum SelectionOrder
    {
        LowestKey,
        Weighted,
        Custom,
    }

    /// <inheritdoc/>
    public PoolPolicyType PolicyType { get; }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public int MaxIncrement { get; }

    /// <summary>
    /// Whether choosing an element adds its load degradation to its accumulated degradation
    /// (the LUD family; rsplib's <c>...DegradationUpdatePoolElementNode</c>).
    /// </summary>
    private protected virtual bool AccumulatesDegradation => false;

    /// <inheritdoc/>
    public PoolElement? SelectOne(ReadOnlySpan<PoolElement> candidates, ExclusionSet excluded = default)
    {
        lock (_gate)
        {
            Span<SelectionSlot> slots = Bind(candidates);
            ulong stamp = BeginCall(slots, excluded);
            int index = Pick(slots, stamp, MaxIncrement > 0, allEligible: excluded.IsEmpty);
            return index < 0 ? null : _elements[index];
        }
    }

    /// <inheritdoc/>
    public int Select(ReadOnlySpan<PoolElement> candidates, Span<PoolElement> destination, ExclusionSet excluded = default)
    {
        lock (_gate)
        {
            Span<SelectionSlot> slots = Bind(candidates);
            ulong stamp = BeginCall(slots, excluded);
            int selected = 0;
            while (selected < destination.Length)
            {
                int index = Pick(slots, stamp, selected < MaxIncrement, allEligible: selected == 0 && excluded.IsEmpty);
                if (index < 0)
                {
                    break;
                }

                slots[index].Stamp = stamp; // each element at most once per call (RFC 5356 §4.3, §5.1)
                destination[selected++] = _elements[index];
            }

            return selected;
        }
    }

    /// <inheritdoc/>
    public void Reset()
    {
        lock (_gate)
        {
            _elements = [];
            _values = [];
            _slots = [];
            _count = 0;
            _nextSequence = 0;
            _keySum = 0;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>An element's key from its policy fields and accumulated degradation: the ascending sort key, or the random weight.</summary>
    private protected abstract ulong ComputeKey(in PolicyValues values, uint degradation);

    /// <summary>For <see cref="SelectionOrder.Custom"/> policies: choose and update one slot.</summary>
    private protected virtual int PickCustom(Span<SelectionSlot> slots, ulong stamp, bool advance) =>
        throw new NotSupportedException();

    /// <summary>The next rotation number; the chosen element moves behind its equals.</summary>
    private protected ulong NextSequence() => _nextSequence++;

    // allEligible: nothing excluded or chosen yet in this call, so the cached key sum is the
    // random draw's total and its first pass over the slots can be skipped.
    private int Pick(Span<SelectionSlot> slots, ulong stamp, bool advance, bool allEligible)
    {
        int index = _order switch
        {
            SelectionOrder.LowestKey => SlotSelection.LowestKey(slots, stamp),
            SelectionOrder.Weighted => SlotSelection.Weighted(slots, stamp, _random!, allEligible ? _keySum : 0),
            _ => PickCustom(slots, stamp, advance),
        };

        if (index >= 0 && advance && _order != SelectionOrder.Custom)
        {
            ref SelectionSlot slot = ref slots[index];
            slot.Sequence = NextSequence();
            if (AccumulatesDegradation)
            {
                // Clamped at 100 % as rsplib's getSum does, so it never wraps round to "idle".
                slot.Degradation = PolicyArithmetic.SaturatingSum(slot.Degradation, _values[index].LoadDegradation);
                ulong key = ComputeKey(in _values[index], slot.Degradation);
                _keySum = _keySum - slot.Key + key;
                slot.Key = key;
            }
        }

        return index;
    }

    private ulong BeginCall(Span<SelectionSlot> slots, ExclusionSet excluded)
    {
        ulong stamp = ++_stamp;
        if (!excluded.IsEmpty)
        {
            for (int i = 0; i < slots.Length; i++)
            {
                if (excluded.Contains(_elements[i].Identifier))
                {
                    slots[i].Stamp = stamp;
                }
            }
        }

        return stamp;
    }

    private Span<SelectionSlot> Bind(ReadOnlySpan<PoolElement> candidates)
    {
        if (candidates.Length == _count)
        {
            ReadOnlySpan<PoolElement> bound = _elements.AsSpan(0, _count);
            int i = 0;
            while (i < bound.Length && ReferenceEquals(bound[i], candidates[i]))
            {
                i++;
            }

            if (i == bound.Length)
            {
                return _slots.AsSpan(0, _count);
            }
        }

        Rebind(candidates);
        return _slots.AsSpan(0, _count);
    }

    // The list changed (first call, cache refresh, eviction): carry state over by identifier.
    // Allocates, but only when the list changes, never per selection.
    private void Rebind(ReadOnlySpan<PoolElement> candidates)
    {
        var elements = new PoolElement[candidates.Length];
        var values = new PolicyValues[candidates.Length];
        var slots = new SelectionSlot[candidates.Length];
        ulong keySum = 0;
        for (int i = 0; i < candidates.Length; i++)
        {
            PoolElement element = candidates[i] ?? throw new ArgumentException("The candidate list contains null.", nameof(candidates));
            elements[i] = element;
            ref SelectionSlot slot = ref slots[i];
            int previous = IndexOfKnown(element.Identifier, i);
            if (previous >= 0)
            {
                slot = _slots[previous];
                slot.Stamp = 0;
                if (ReferenceEquals(_elements[previous], element))
                {
                    values[i] = _values[previous];
                }
                else
                {
                    // A new answer for a known element: rsplib's poolElementNodeUpdate takes the new
                    // policy values and resets the degradation, but keeps the rotation position.
                    values[i] = PolicyValues.From(element.Policy);
                    slot.Degradation = 0;
                }
            }
            else
            {
                // New elements join behind everyone else, as rsplib numbers a new node GlobalSeqNumber++.
                values[i] = PolicyValues.From(element.Policy);
                slot = new SelectionSlot { Sequence = NextSequence() };
            }

            slot.Key = ComputeKey(in values[i], slot.Degradation);
            keySum += slot.Key;
        }

        _elements = elements;
        _values = values;
        _slots = slots;
        _count = candidates.Length;
        _keySum = keySum;
    }

    // Where the element with this identifier was in the old list, or -1. A scan, not a dictionary: pools
    // are small (the decoder takes at most AsapDecoderOptions.MaxPoolElements), lists mostly keep their
    // order (the hint hits), and a rebind happens during a failover, where the first use of a
    // Dictionary<uint, int> cost tens of milliseconds of JIT under the lab's emulated CPU.
    private int IndexOfKnown(uint identifier, int hint)
    {
        if (hint < _count && _elements[hint].Identifier == identifier)
        {
            return hint;
        }

        for (int i = 0; i < _count; i++)
        {
            if (_elements[i].Identifier == identifier)
            {
                return i;
            }
        }

        return -1;
    }
}
