using System;
using System.Buffers.Binary;

namespace RSerPool.Wire;

/// <summary>
/// A parameter the decoder did not recognise and whose action bits ask for a report (RFC 5354 §3,
/// action <c>01</c> or <c>11</c>). <see cref="Tlv"/> is the complete parameter as received (header and
/// value, without padding), which is what an "Unrecognized Parameter" error cause carries (RFC 5354 §3.12.2).
/// </summary>
public sealed record UnrecognizedParameter
{
    private readonly byte[] _tlv;

    /// <summary>Creates a report entry from the raw parameter bytes (copied).</summary>
    /// <param name="tlv">The whole parameter: type, length and value, without padding; at least 4 bytes.</param>
    /// <param name="offset">Where the parameter started in the decoded message.</param>
    public UnrecognizedParameter(ReadOnlySpan<byte> tlv, int offset)
    {
        if (tlv.Length < 4)
        {
            throw new ArgumentException("A parameter has at least a 4-byte header.", nameof(tlv));
        }

        _tlv = tlv.ToArray();
        Offset = offset;
    }

    /// <summary>The parameter type as on the wire, action bits included.</summary>
    public ushort RawType => BinaryPrimitives.ReadUInt16BigEndian(_tlv);

    /// <summary>The parameter type without its action bits (low 14 bits).</summary>
    public ushort Type => (ushort)(RawType & 0x3fff);

    /// <summary>The action the top two bits ask for.</summary>
    public UnknownParameterAction Action => (UnknownParameterAction)(RawType >> 14);

    /// <summary>The complete parameter: header and value, without padding.</summary>
    public ReadOnlyMemory<byte> Tlv => _tlv;

    /// <summary>Byte offset of the parameter in the decoded message.</summary>
    public int Offset { get; }

    /// <inheritdoc/>
    public bool Equals(UnrecognizedParameter? other) =>
        other is not null && Offset == other.Offset && _tlv.AsSpan().SequenceEqual(other._tlv);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Offset, ByteContent.GetHashCode(_tlv));

    /// <inheritdoc/>
    public override string ToString() => $"UnrecognizedParameter {{ RawType = 0x{RawType:x4}, Offset = {Offset}, Tlv = {Convert.ToHexString(_tlv)} }}";
}
