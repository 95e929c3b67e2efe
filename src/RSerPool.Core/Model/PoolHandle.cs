using System;
using System.Text;
using RSerPool.Wire.Parameters;

namespace RSerPool;

/// <summary>
/// The name of a pool: an opaque byte string (RFC 5354 §3.9), usually text such as "EchoPool".
/// Compared byte for byte; shown as text when it is printable UTF-8, else as hex.
/// </summary>
public sealed class PoolHandle : IEquatable<PoolHandle>
{
    private readonly PoolHandleParameter _parameter;

    private PoolHandle(PoolHandleParameter parameter) => _parameter = parameter;

    /// <summary>The handle's bytes.</summary>
    public ReadOnlyMemory<byte> Bytes => _parameter.Value;

    /// <summary>The handle as the wire parameter.</summary>
    public PoolHandleParameter Parameter => _parameter;

    /// <summary>Creates a handle from text (UTF-8 on the wire, no terminator).</summary>
    /// <param name="text">The handle text; not empty.</param>
    /// <exception cref="ArgumentException">The text is empty.</exception>
    public static PoolHandle FromText(string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        return new PoolHandle(new PoolHandleParameter(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>Wraps a decoded pool handle parameter.</summary>
    /// <param name="parameter">The parameter.</param>
    public static PoolHandle FromParameter(PoolHandleParameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        return new PoolHandle(parameter);
    }

    /// <summary>Implicit conversion from text, so APIs read naturally (<c>ResolveAsync("EchoPool")</c>).</summary>
    /// <param name="text">The handle text.</param>
    public static implicit operator PoolHandle(string text) => FromText(text);

    /// <inheritdoc />
    public bool Equals(PoolHandle? other) => other is not null && _parameter.Equals(other._parameter);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is PoolHandle other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _parameter.GetHashCode();

    /// <inheritdoc />
    public override string ToString() => _parameter.ToString();
}
