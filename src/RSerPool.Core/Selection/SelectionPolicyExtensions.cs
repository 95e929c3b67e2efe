using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace RSerPool.Selection;

/// <summary>
/// Convenience forms of <see cref="ISelectionPolicy"/> for callers that hold collections rather than
/// spans. They allocate the result (and copy inputs that are neither arrays nor lists), so hot paths
/// should call the span methods directly.
/// </summary>
public static class SelectionPolicyExtensions
{
    /// <summary>Chooses up to <paramref name="count"/> distinct elements, best first.</summary>
    /// <param name="policy">The pool's policy.</param>
    /// <param name="candidates">The cached pool elements.</param>
    /// <param name="count">How many elements are wanted; at least 1.</param>
    /// <param name="excluded">Identifiers not to choose; may be <see langword="null"/>.</param>
    /// <returns>The chosen elements; empty when none is eligible.</returns>
    public static IReadOnlyList<PoolElement> Select(
        this ISelectionPolicy policy, IReadOnlyList<PoolElement> candidates, int count, IReadOnlyCollection<uint>? excluded = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);

        var chosen = new PoolElement[Math.Min(count, candidates.Count)];
        int written = policy.Select(AsSpan(candidates), chosen, ToExclusionSet(excluded));
        return written == chosen.Length ? chosen : chosen.AsSpan(0, written).ToArray();
    }

    /// <summary>Chooses the element to use next.</summary>
    /// <param name="policy">The pool's policy.</param>
    /// <param name="candidates">The cached pool elements.</param>
    /// <param name="excluded">Identifiers not to choose; may be <see langword="null"/>.</param>
    /// <returns>The chosen element, or <see langword="null"/> when none is eligible.</returns>
    public static PoolElement? SelectOne(
        this ISelectionPolicy policy, IReadOnlyList<PoolElement> candidates, IReadOnlyCollection<uint>? excluded = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(candidates);
        return policy.SelectOne(AsSpan(candidates), ToExclusionSet(excluded));
    }

    private static ReadOnlySpan<PoolElement> AsSpan(IReadOnlyList<PoolElement> candidates) => candidates switch
    {
        PoolElement[] array => array,
        List<PoolElement> list => CollectionsMarshal.AsSpan(list),
        _ => new List<PoolElement>(candidates).ToArray(),
    };

    private static ExclusionSet ToExclusionSet(IReadOnlyCollection<uint>? excluded) => excluded switch
    {
        null => default,
        uint[] array => array,
        List<uint> list => CollectionsMarshal.AsSpan(list),
        IReadOnlySet<uint> set => new ExclusionSet(set),
        _ => new HashSet<uint>(excluded),
    };
}
