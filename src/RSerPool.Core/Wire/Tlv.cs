using System;

namespace RSerPool.Wire;

/// <summary>One parameter as a view into the message being decoded; nothing is copied.</summary>
internal readonly ref struct Tlv
{
    public Tlv(ushort rawType, int offset, int length, ReadOnlySpan<byte> value)
    {
        RawType = rawType;
        Offset = offset;
        Length = length;
        Value = value;
    }

    /// <summary>Type as on the wire, action bits included.</summary>
    public ushort RawType { get; }

    /// <summary>Type without the action bits; known types are matched on this (rsplib's <c>PURE_ATT_TYPE</c>).</summary>
    public int Type => RawType & 0x3fff;

    /// <summary>Offset of the parameter header in the message.</summary>
    public int Offset { get; }

    /// <summary>The length field: header plus value, no padding.</summary>
    public int Length { get; }

    /// <summary>Offset of the value in the message.</summary>
    public int ValueOffset => Offset + 4;

    /// <summary>Offset just past the value (before any padding).</summary>
    public int End => Offset + Length;

    public ReadOnlySpan<byte> Value { get; }
}
