using System;

namespace RSerPool.Transport.Sctp;

/// <summary>
/// Joins the parts of one SCTP user message that recvmsg returned in several reads (no MSG_EOR yet),
/// up to a maximum size; past it the rest of the message is read and dropped, never cut silently.
/// </summary>
internal struct MessageAssembler
{
    private readonly int _maxSize;
    private byte[]? _buffer;
    private int _length;
    private bool _overflowed;

    public MessageAssembler(int maxSize)
    {
        _maxSize = maxSize;
        _buffer = null;
        _length = 0;
        _overflowed = false;
    }

    /// <summary>Adds a part; false once the message is over the limit (its parts are then discarded until the end).</summary>
    public bool Append(ReadOnlySpan<byte> part, bool endOfRecord)
    {
        if (_overflowed || _length + part.Length > _maxSize)
        {
            _overflowed = !endOfRecord;
            _length = 0;
            _buffer = null;
            return false;
        }

        if (_buffer is null || _buffer.Length - _length < part.Length)
        {
            int size = _buffer is null && endOfRecord ? part.Length : Math.Min(_maxSize, Math.Max(part.Length + _length, (_buffer?.Length ?? 0) * 2));
            Array.Resize(ref _buffer, size);
        }

        part.CopyTo(_buffer.AsSpan(_length));
        _length += part.Length;
        return true;
    }

    /// <summary>Hands over the complete message and resets.</summary>
    public byte[] Take()
    {
        byte[] result = _buffer is null ? Array.Empty<byte>() : _buffer.Length == _length ? _buffer : _buffer.AsSpan(0, _length).ToArray();
        _buffer = null;
        _length = 0;
        return result;
    }
}
