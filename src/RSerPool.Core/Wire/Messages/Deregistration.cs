using System;
using RSerPool.Wire.Parameters;

namespace RSerPool.Wire.Messages;

/// <summary>ASAP_DEREGISTRATION (0x02, RFC 5352 §2.2.2): Pool Handle, PE Identifier. Sent by a pool element.</summary>
public sealed record Deregistration : AsapMessage
{
    /// <summary>Creates a deregistration.</summary>
    /// <param name="poolHandle">The pool to leave.</param>
    /// <param name="poolElementId">The leaving element.</param>
    public Deregistration(PoolHandleParameter poolHandle, uint poolElementId)
    {
        ArgumentNullException.ThrowIfNull(poolHandle);
        PoolHandle = poolHandle;
        PoolElementId = poolElementId;
    }

    /// <inheritdoc/>
    public override AsapMessageType Type => AsapMessageType.Deregistration;

    /// <summary>The pool handle.</summary>
    public PoolHandleParameter PoolHandle { get; }

    /// <summary>The PE Identifier.</summary>
    public uint PoolElementId { get; }

    internal override void WriteBody(AsapWriter writer)
    {
        PoolHandle.Write(writer, Padding);
        PoolElementIdParameter.Write(writer, PoolElementId);
    }
}
