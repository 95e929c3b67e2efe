using System;
using System.Buffers;
using System.Buffers.Binary;

namespace RSerPool.Wire;

/// <summary>
/// Builds one message in a pooled buffer so that lengths can be filled in after the contents are known,
/// then hands the finished bytes to an <see cref="IBufferWriter{T}"/>.
/// </summary>
/// <remarks>
/// Two positions are tracked: <c>_position</c>, the write position including the padding of the last
/// closed parameter, and <c>_unpaddedPosition</c>, the same position without that padding. Closing a
/// parameter or the message takes its length from one or the other according to the
/// <see cref="PaddingConvention"/>; see there for why both exist.
/// </remarks>
internal sealed class AsapWriter : IDisposable
{
    private byte[] _buffer;
    private int _position;
    private int _unpaddedPosition;

    public AsapWriter(int initialCapacity = 256) => _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _position);

    public void WriteByte(byte value)
    {
        Reserve(1)[0] = value;
        Wrote();
    }

    public void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(Reserve(2), value);
        Wrote();
    }

    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(Reserve(4), value);
        Wrote();
    }

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        value.CopyTo(Reserve(value.Length));
        Wrote();
    }

    /// <summary>Writes a message header with a placeholder length; returns its position.</summary>
    public int BeginMessage(AsapMessageType type, byte flags)
    {
        int start = _position;
        WriteByte((byte)type);
        WriteByte(flags);
        WriteUInt16(0);
        return start;
    }

    /// <summary>Fills in the message length (RFC 5354 §4) and pads the message to a multiple of 4.</summary>
    public void EndMessage(int start, PaddingConvention padding) => Close(start, padding, "message");

    /// <summary>Writes a parameter header with a placeholder length; returns its position.</summary>
    public int BeginParameter(ushort rawType)
    {
        int start = _position;
        WriteUInt16(rawType);
        WriteUInt16(0);
        return start;
    }

    /// <summary>Fills in a parameter length (RFC 5354 §3) and pads it to a multiple of 4 with zeros.</summary>
    public void EndParameter(int start, PaddingConvention padding) => Close(start, padding, "parameter");

    public void Dispose()
    {
        byte[] buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Close(int start, PaddingConvention padding, string what)
    {
        int end = padding == PaddingConvention.IncludeTrailingPadding ? _position : _unpaddedPosition;
        int length = end - start;
        if (length > ushort.MaxValue)
        {
            throw new ArgumentException($"The {what} would be {length} bytes long; ASAP lengths are 16-bit (at most 65535).");
        }

        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(start + 2), (ushort)length);
        int pad = (4 - (_position & 3)) & 3;
        Reserve(pad).Clear();
        _unpaddedPosition = start + length;
    }

    private Span<byte> Reserve(int count)
    {
        if (_buffer.Length - _position < count)
        {
            byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _position + count));
            _buffer.AsSpan(0, _position).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        Span<byte> span = _buffer.AsSpan(_position, count);
        _position += count;
        return span;
    }

    private void Wrote() => _unpaddedPosition = _position;
}
