using System;
using RSerPool.Wire.Parameters;

namespace RSerPool.Wire.Messages;

/// <summary>ASAP_ENDPOINT_KEEP_ALIVE_ACK (0x08, RFC 5352 §2.2.8): Pool Handle, PE Identifier.</summary>
public sealed record EndpointKeepAliveAck : AsapMessage
{
    /// <summary>Creates a keep-alive acknowledgement.</summary>
    /// <param name="poolHandle">The pool handle.</param>
    /// <param name="poolElementId">The acknowledging element.</param>
    public EndpointKeepAliveAck(PoolHandleParameter poolHandle, uint poolElementId)
    {
        ArgumentNullException.ThrowIfNull(poolHandle);
        PoolHandle = poolHandle;
        PoolElementId = poolElementId;
    }

    /// <inheritdoc/>
    public override AsapMessageType Type => AsapMessageType.EndpointKeepAliveAck;

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
