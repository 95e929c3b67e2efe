using System;
using RSerPool.Wire.Parameters;

namespace RSerPool.Wire.Messages;

/// <summary>
/// ASAP_ENDPOINT_UNREACHABLE (0x09, RFC 5352 §2.2.9): Pool Handle, PE Identifier. A pool user sends it
/// to any registrar, at most once per failure (RFC 5352 §3.5); there is no response.
/// </summary>
public sealed record EndpointUnreachable : AsapMessage
{
    /// <summary>Creates an unreachability report.</summary>
    /// <param name="poolHandle">The pool of the failed element.</param>
    /// <param name="poolElementId">The failed element.</param>
    public EndpointUnreachable(PoolHandleParameter poolHandle, uint poolElementId)
    {
        ArgumentNullException.ThrowIfNull(poolHandle);
        PoolHandle = poolHandle;
        PoolElementId = poolElementId;
    }

    /// <inheritdoc/>
    public override AsapMessageType Type => AsapMessageType.EndpointUnreachable;

    /// <summary>The pool handle.</summary>
    public PoolHandleParameter PoolHandle { get; }

    /// <summary>The unreachable element.</summary>
    public uint PoolElementId { get; }

    internal override void WriteBody(AsapWriter writer)
    {
        PoolHandle.Write(writer, Padding);
        PoolElementIdParameter.Write(writer, PoolElementId);
    }
}
