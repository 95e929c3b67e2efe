using System;
using System.Text;
using System.Text.Unicode;

namespace RSerPool.Wire.Parameters;

/// <summary>
/// Pool Handle parameter (type 0x9, RFC 5354 §3.9): the pool's name as Length−4 opaque bytes, not
/// NUL-terminated. Compares by content, so it can key a cache.
/// </summary>
/// <remarks>
/// Handles are opaque on the wire; in practice (rsplib tools, Wireshark) they are ASCII names such as
/// <c>EchoPool</c>. <see cref="ToString"/> shows printable UTF-8 as text and anything else as hex.
/// </remarks>
public sealed record PoolHandleParameter : AsapParameter
{
    /// <summary>Longest handle the 16-bit parameter length allows.</summary>
    public const int MaxLength = ushort.MaxValue - 4;

    private readonly byte[] _value;

    /// <summary>A handle from its UTF-8 text form, e.g. <c>"EchoPool"</c>.</summary>
    /// <param name="text">The pool name; not empty.</param>
    public PoolHandleParameter(string text)
        : this(Encoding.UTF8.GetBytes(text ?? throw new ArgumentNullException(nameof(text))), adopt: true)
    {
    }

    /// <summary>A handle from raw bytes (copied).</summary>
    /// <param name="value">The handle bytes; 1 to 65531 of them.</param>
    public PoolHandleParameter(ReadOnlySpan<byte> value)
        : this(value.ToArray(), adopt: true)
    {
    }

    internal PoolHandleParameter(byte[] value, bool adopt)
    {
        if (value.Length == 0 || value.Length > MaxLength)
        {
            throw new ArgumentException($"A pool handle has 1 to {MaxLength} bytes.", nameof(value));
        }

        _value = adopt ? value : (byte[])value.Clone();
    }

    /// <inheritdoc/>
    public override ParameterType ParameterType => ParameterType.PoolHandle;

    /// <summary>The handle bytes.</summary>
    public ReadOnlyMemory<byte> Value => _value;

    /// <summary>Number of bytes in the handle.</summary>
    public int Length => _value.Length;

    /// <summary>Gets the handle as text when it is valid UTF-8 without control characters.</summary>
    /// <param name="text">The text, or <see langword="null"/>.</param>
    public bool TryGetText(out string? text)
    {
        if (!Utf8.IsValid(_value))
        {
            text = null;
            return false;
        }

        string decoded = Encoding.UTF8.GetString(_value);
        foreach (char c in decoded)
        {
            if (char.IsControl(c))
            {
                text = null;
                return false;
            }
        }

        text = decoded;
        return true;
    }

    /// <summary>The handle as text if it is printable UTF-8, else <c>0x</c> followed by hex digits.</summary>
    public override string ToString() => TryGetText(out string? text) ? text! : "0x" + Convert.ToHexString(_value);

    /// <inheritdoc/>
    public bool Equals(PoolHandleParameter? other) => other is not null && _value.AsSpan().SequenceEqual(other._value);

    /// <inheritdoc/>
    public override int GetHashCode() => ByteContent.GetHashCode(_value);

    internal override void Write(AsapWriter writer, PaddingConvention padding)
    {
        int start = writer.BeginParameter((ushort)ParameterType.PoolHandle);
        writer.WriteBytes(_value);
        writer.EndParameter(start, padding);
    }
}
