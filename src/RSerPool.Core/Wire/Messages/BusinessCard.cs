using System;
using System.Collections.Generic;
using RSerPool.Wire.Parameters;

namespace RSerPool.Wire.Messages;

/// <summary>
/// ASAP_BUSINESS_CARD (0x0d, RFC 5352 §2.2.13): Pool Handle and one or more pool elements in preferred
/// failover order. rsplib's layout adds a policy after the handle, kept here as <see cref="Policy"/>.
/// </summary>
/// <remarks>
/// rsplib never sends business cards and its parser reads the pool handle twice, so it cannot parse
/// one; send them only to peers known to handle them.
/// </remarks>
public sealed record BusinessCard : AsapMessage
{
    /// <summary>Creates a business card.</summary>
    /// <param name="poolHandle">The pool the sender belongs to.</param>
    /// <param name="elements">At least one element, in preferred failover order.</param>
    /// <param name="policy">rsplib's extra policy parameter; omitted (RFC layout) when <see langword="null"/>.</param>
    public BusinessCard(PoolHandleParameter poolHandle, IEnumerable<PoolElementParameter> elements, PoolPolicyParameter? policy = null)
        : this(poolHandle, ValueList<PoolElementParameter>.CopyOf(elements, nameof(elements)), policy)
    {
        if (Elements.Count == 0)
        {
            throw new ArgumentException("A business card lists at least one pool element.", nameof(elements));
        }
    }

    internal BusinessCard(PoolHandleParameter poolHandle, ValueList<PoolElementParameter> elements, PoolPolicyParameter? policy)
    {
        ArgumentNullException.ThrowIfNull(poolHandle);
        PoolHandle = poolHandle;
        Elements = elements;
        Policy = policy;
    }

    /// <inheritdoc/>
    public override AsapMessageType Type => AsapMessageType.BusinessCard;

    /// <summary>The pool handle.</summary>
    public PoolHandleParameter PoolHandle { get; }

    /// <summary>rsplib's policy parameter, when present.</summary>
    public PoolPolicyParameter? Policy { get; }

    /// <summary>The elements, in preferred failover order.</summary>
    public IReadOnlyList<PoolElementParameter> Elements { get; }

    internal override void WriteBody(AsapWriter writer)
    {
        PoolHandle.Write(writer, Padding);
        Policy?.Write(writer, Padding);
        foreach (PoolElementParameter element in Elements)
        {
            element.Write(writer, Padding);
        }
    }
}
