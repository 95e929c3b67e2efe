using System;
using System.Buffers.Binary;

namespace RSerPool.Wire;

/// <summary>
/// Walks the parameters inside one container (the message body, or the value of a nested parameter)
/// as views into the message; nothing is copied.
/// </summary>
/// <remarks>
/// Each parameter is padded to 4 bytes and its length excludes the padding (RFC 5354 §3). The reader
/// steps over the padding but never reads it, so a container whose length leaves out the padding of
/// its last parameter (RFC 5354 §2) and one whose length covers it (rsplib) both end cleanly: the
/// padded step simply lands on or after <see cref="End"/>. Where that padding was is remembered in
/// <see cref="LastUnpaddedEnd"/> so the decoder can tell the two conventions apart.
/// </remarks>
internal ref struct TlvReader
{
    private readonly ReadOnlySpan<byte> _message;

    /// <param name="message">The whole message (offsets are absolute, so padding is relative to its start).</param>
    /// <param name="start">Offset of the first parameter header.</param>
    /// <param name="end">Offset just past the container (its length field, not rounded up).</param>
    public TlvReader(ReadOnlySpan<byte> message, int start, int end)
    {
        _message = message;
        Position = start;
        End = end;
        LastUnpaddedEnd = -1;
    }

    /// <summary>Offset of the next parameter header.</summary>
    public int Position { get; private set; }

    /// <summary>Offset just past the container's value (its length field, not rounded up).</summary>
    public int End { get; }

    /// <summary>End of the last parameter read, before its padding; -1 before the first one.</summary>
    public int LastUnpaddedEnd { get; private set; }

    public readonly bool HasMore => Position < End;

    /// <summary>How the container's length treated the padding of its last parameter.</summary>
    public readonly PaddingEvidence Evidence
    {
        get
        {
            if (LastUnpaddedEnd < 0 || (LastUnpaddedEnd & 3) == 0)
            {
                return PaddingEvidence.None;
            }

            return End == Pad4(LastUnpaddedEnd) ? PaddingEvidence.Included : PaddingEvidence.Excluded;
        }
    }

    public static int Pad4(int value) => (value + 3) & ~3;

    /// <summary>Reads the next parameter header and advances past the parameter and its padding.</summary>
    public bool TryRead(out Tlv tlv, out DecodeError error)
    {
        int remaining = End - Position;
        if (remaining < 4)
        {
            tlv = default;
            error = new DecodeError(DecodeErrorReason.InvalidParameterLength, Position);
            return false;
        }

        ushort rawType = BinaryPrimitives.ReadUInt16BigEndian(_message[Position..]);
        int length = BinaryPrimitives.ReadUInt16BigEndian(_message[(Position + 2)..]);
        if (length < 4 || length > remaining)
        {
            tlv = default;
            error = new DecodeError(DecodeErrorReason.InvalidParameterLength, Position, rawType);
            return false;
        }

        tlv = new Tlv(rawType, Position, length, _message.Slice(Position + 4, length - 4));
        LastUnpaddedEnd = Position + length;
        Position = Pad4(Position + length);
        error = default;
        return true;
    }
}
