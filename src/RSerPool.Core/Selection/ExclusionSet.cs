using System;
using System.Collections.Generic;

namespace RSerPool.Selection;

/// <summary>
/// Pool element identifiers a selection must skip: the elements already tried or reported failed
/// during one request (RFC 5352 §3.5, §6.5.1 failover). Wraps either a span or a set without copying,
/// so building one never allocates.
/// </summary>
/// <remarks>
/// A failover loop usually excludes only a handful of identifiers, for which a linear scan of a span
/// beats hashing; larger exclusion lists are better passed as a set. <c>default</c> excludes nothing.
/// </remarks>
public readonly ref struct ExclusionSet
{
    private readonly ReadOnlySpan<uint> _identifiers;
    private readonly IReadOnlySet<uint>? _set;

    /// <summary>Excludes the identifiers in a span.</summary>
    /// <param name="identifiers">Pool element identifiers to skip.</param>
    public ExclusionSet(ReadOnlySpan<uint> identifiers) => _identifiers = identifiers;

    /// <summary>Excludes the identifiers in a set.</summary>
    /// <param name="identifiers">Pool element identifiers to skip; <see langword="null"/> excludes nothing.</param>
    public ExclusionSet(IReadOnlySet<uint>? identifiers) => _set = identifiers;

    /// <summary>Excludes nothing.</summary>
    public static ExclusionSet None => default;

    /// <summary>Whether nothing is excluded.</summary>
    public bool IsEmpty => _identifiers.IsEmpty && (_set is null || _set.Count == 0);

    /// <summary>Excludes the identifiers in a span.</summary>
    /// <param name="identifiers">Pool element identifiers to skip.</param>
    public static implicit operator ExclusionSet(ReadOnlySpan<uint> identifiers) => new(identifiers);

    /// <summary>Excludes the identifiers in an array.</summary>
    /// <param name="identifiers">Pool element identifiers to skip; <see langword="null"/> excludes nothing.</param>
    public static implicit operator ExclusionSet(uint[]? identifiers) => new(identifiers.AsSpan());

    /// <summary>Excludes the identifiers in a hash set.</summary>
    /// <param name="identifiers">Pool element identifiers to skip; <see langword="null"/> excludes nothing.</param>
    public static implicit operator ExclusionSet(HashSet<uint>? identifiers) => new(identifiers);

    /// <summary>Whether an identifier is excluded.</summary>
    /// <param name="identifier">A pool element identifier.</param>
    public bool Contains(uint identifier) =>
        _identifiers.Contains(identifier) || (_set is not null && _set.Contains(identifier));
}
