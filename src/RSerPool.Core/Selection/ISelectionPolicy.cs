using System;
using RSerPool.Wire.Parameters;

namespace RSerPool.Selection;

/// <summary>
/// A pool member selection policy as a pool user applies it to its cached list of pool elements
/// (RFC 5356 §4, §5 "Pool User Considerations"; RFC 5352 §6.5.2).
/// </summary>
/// <remarks>
/// <para>
/// An instance holds the rotation state of one pool (sequence numbers for round robin among equals,
/// accumulated degradation, weighted round robin credits), keyed by pool element identifier, so the
/// owner of a pool's cache entry keeps one instance per pool for as long as the entry lives. Apart
/// from that state and its injected <see cref="System.Random"/>, a selection is a pure function of
/// the candidates: the same seed and the same calls give the same answers.
/// </para>
/// <para>
/// Selecting one element from an unchanged list allocates nothing. "Unchanged" means the same
/// <see cref="PoolElement"/> instances in the same order; the span itself may be a new array. A
/// changed list is re-bound by identifier: known elements keep their state, new ones join at the
/// end of the rotation, a new instance for a known identifier counts as a fresh registrar answer and
/// resets its degradation (as rsplib's handlespace update does).
/// </para>
/// <para>Instances are safe to call from several threads; calls are serialized internally.</para>
/// </remarks>
public interface ISelectionPolicy
{
    /// <summary>The policy this instance implements.</summary>
    PoolPolicyType PolicyType { get; }

    /// <summary>The policy's name as rsplib's <c>rsp_getpolicybytype()</c> spells it, e.g. <c>LeastUsed</c>.</summary>
    string Name { get; }

    /// <summary>
    /// How many of the elements chosen by one <see cref="Select"/> call advance the policy's state
    /// (rotation, degradation); rsplib's <c>MaxIncrement</c>. Always at least 1 for policies whose
    /// order depends on that state.
    /// </summary>
    int MaxIncrement { get; }

    /// <summary>Chooses the element to use next, or <see langword="null"/> when no candidate is eligible.</summary>
    /// <param name="candidates">The cached pool elements of one pool.</param>
    /// <param name="excluded">Identifiers that must not be chosen (already tried or failed).</param>
    /// <returns>The chosen element; <see langword="null"/> when the list is empty, every element is
    /// excluded, or every remaining element has weight 0 (cannot serve, RFC 5356 §3.2).</returns>
    PoolElement? SelectOne(ReadOnlySpan<PoolElement> candidates, ExclusionSet excluded = default);

    /// <summary>
    /// Chooses up to <paramref name="destination"/>.Length distinct elements, best first: the first is
    /// the one <see cref="SelectOne"/> would have chosen, the rest are backups in policy order.
    /// </summary>
    /// <param name="candidates">The cached pool elements of one pool.</param>
    /// <param name="destination">Receives the chosen elements; its length is the number wanted.</param>
    /// <param name="excluded">Identifiers that must not be chosen.</param>
    /// <returns>How many elements were written (fewer than asked when too few are eligible).</returns>
    int Select(ReadOnlySpan<PoolElement> candidates, Span<PoolElement> destination, ExclusionSet excluded = default);

    /// <summary>Forgets all rotation state, as if no selection had been made.</summary>
    void Reset();
}
