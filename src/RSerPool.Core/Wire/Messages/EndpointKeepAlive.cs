using System;
using RSerPool.Wire.Parameters;

namespace RSerPool.Wire.Messages;

/// <summary>
/// ASAP_ENDPOINT_KEEP_ALIVE (0x07, RFC 5352 §2.2.7): fixed 32-bit registrar identifier, Pool Handle,
/// and rsplib's extra PE Identifier. Flag H (bit 0) = the sender wants to become the element's home registrar.
/// </summary>
public sealed record EndpointKeepAlive : AsapMessage
{
    /// <summary>The H (home) flag bit.</summary>
    public const byte HomeFlag = 0x01;

    /// <summary>Creates a keep-alive.</summary>
    /// <param name="registrarId">The sending registrar's identifier.</param>
    /// <param name="poolHandle">The pool handle.</param>
    /// <param name="poolElementId">rsplib's extra PE Identifier parameter; omitted when <see langword="null"/>.</param>
    /// <param name="isHomeRequest">Sets the H flag.</param>
    public EndpointKeepAlive(uint registrarId, PoolHandleParameter poolHandle, uint? poolElementId = null, bool isHomeRequest = false)
    {
        ArgumentNullException.ThrowIfNull(poolHandle);
        RegistrarId = registrarId;
        PoolHandle = poolHandle;
        PoolElementId = poolElementId;
        Flags = isHomeRequest ? HomeFlag : (byte)0;
    }

    /// <inheritdoc/>
    public override AsapMessageType Type => AsapMessageType.EndpointKeepAlive;

    /// <summary>The sending registrar's identifier (the fixed field after the header).</summary>
    public uint RegistrarId { get; }

    /// <summary>The pool handle.</summary>
    public PoolHandleParameter PoolHandle { get; }

    /// <summary>rsplib's PE Identifier, when present.</summary>
    public uint? PoolElementId { get; }

    /// <summary>Whether the H flag is set.</summary>
    public bool IsHomeRequest => (Flags & HomeFlag) != 0;

    internal override void WriteBody(AsapWriter writer)
    {
        writer.WriteUInt32(RegistrarId);
        PoolHandle.Write(writer, Padding);
        if (PoolElementId is uint id)
        {
            PoolElementIdParameter.Write(writer, id);
        }
    }
}
