using System.Buffers;
using System.Collections.Generic;

namespace RSerPool.Wire;

/// <summary>
/// One ASAP message (RFC 5352 §2.2) with the common header of RFC 5354 §4: 8-bit type, 8-bit flags,
/// 16-bit length. Immutable; one sealed record per message type in <c>RSerPool.Wire.Messages</c>.
/// </summary>
/// <remarks>
/// <see cref="Flags"/> keeps all eight bits as received, including ones a message type does not define
/// (RFC 5354 §4: ignored on receipt), so a decoded message re-encodes to the same bytes.
/// The set of message records is closed: only this assembly can derive from it.
/// </remarks>
public abstract record AsapMessage
{
    private readonly IReadOnlyList<UnrecognizedParameter> _reported = ValueList<UnrecognizedParameter>.Empty;

    private protected AsapMessage()
    {
    }

    /// <summary>The message type.</summary>
    public abstract AsapMessageType Type { get; }

    /// <summary>The raw flag bits; the message records expose the defined bits as booleans.</summary>
    public byte Flags { get; init; }

    /// <summary>
    /// Whether lengths cover the padding of the last inner parameter (rsplib) or not (RFC 5354).
    /// The decoder sets it from what it saw; new messages default to the RFC form.
    /// </summary>
    public PaddingConvention Padding { get; init; }

    /// <summary>
    /// Unrecognized parameters whose action bits were <c>11</c> (skip and report, RFC 5354 §3): the
    /// receiver should answer with an ASAP_ERROR carrying one "Unrecognized Parameter" cause each.
    /// Filled by the decoder; not written by the encoder.
    /// </summary>
    public IReadOnlyList<UnrecognizedParameter> Reported
    {
        get => _reported;
        init => _reported = ValueList<UnrecognizedParameter>.CopyOf(value, nameof(Reported));
    }

    /// <summary>Writes the message, padded to 4 bytes, to <paramref name="writer"/>; returns the bytes written.</summary>
    /// <param name="writer">Destination.</param>
    public int Encode(IBufferWriter<byte> writer) => AsapCodec.Encode(this, writer);

    /// <summary>Writes everything after the 4-byte header.</summary>
    internal abstract void WriteBody(AsapWriter writer);
}
