using System;

namespace RSerPool.Wire.Parameters;

/// <summary>
/// Cookie parameter (type 0xd, RFC 5354 §3.13): Length−4 opaque bytes a pool element hands the pool
/// user to echo after a failover (RFC 5352 §3.8). Treat the contents as sensitive state.
/// </summary>
public sealed record CookieParameter : AsapParameter
{
    private readonly byte[] _value;

    /// <summary>Creates a cookie from <paramref name="value"/> (copied).</summary>
    /// <param name="value">The cookie bytes, at most 65531.</param>
    public CookieParameter(ReadOnlyMemory<byte> value)
    {
        if (value.Length > ushort.MaxValue - 4)
        {
            throw new ArgumentException("A cookie is at most 65531 bytes long.", nameof(value));
        }

        _value = ByteContent.Copy(value);
    }

    internal CookieParameter(byte[] value, bool adopt) => _value = adopt ? value : (byte[])value.Clone();

    /// <inheritdoc/>
    public override ParameterType ParameterType => ParameterType.Cookie;

    /// <summary>The cookie bytes.</summary>
    public ReadOnlyMemory<byte> Value => _value;

    /// <inheritdoc/>
    public bool Equals(CookieParameter? other) => other is not null && _value.AsSpan().SequenceEqual(other._value);

    /// <inheritdoc/>
    public override int GetHashCode() => ByteContent.GetHashCode(_value);

    /// <summary>Shows the length only; cookies carry session state.</summary>
    public override string ToString() => $"CookieParameter {{ Length = {_value.Length} }}";

    internal override void Write(AsapWriter writer, PaddingConvention padding)
    {
        int start = writer.BeginParameter((ushort)ParameterType.Cookie);
        writer.WriteBytes(_value);
        writer.EndParameter(start, padding);
    }
}
