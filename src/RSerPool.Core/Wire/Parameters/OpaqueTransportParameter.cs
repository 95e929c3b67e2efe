using System;

namespace RSerPool.Wire.Parameters;

/// <summary>
/// Opaque Transport parameter (type 0x10, RFC 5354 §3.16): Length−4 bytes describing a user transport
/// RSerPool does not interpret. Neither rsplib nor Wireshark implement it.
/// </summary>
public sealed record OpaqueTransportParameter : UserTransportParameter
{
    private readonly byte[] _data;

    /// <summary>Creates an opaque transport from <paramref name="data"/> (copied).</summary>
    /// <param name="data">The transport description.</param>
    public OpaqueTransportParameter(ReadOnlyMemory<byte> data) => _data = ByteContent.Copy(data);

    internal OpaqueTransportParameter(byte[] data, bool adopt) => _data = adopt ? data : ByteContent.Copy(data);

    /// <inheritdoc/>
    public override ParameterType ParameterType => ParameterType.OpaqueTransport;

    /// <summary>The opaque transport data.</summary>
    public ReadOnlyMemory<byte> Data => _data;

    /// <inheritdoc/>
    public bool Equals(OpaqueTransportParameter? other) => other is not null && _data.AsSpan().SequenceEqual(other._data);

    /// <inheritdoc/>
    public override int GetHashCode() => ByteContent.GetHashCode(_data);

    /// <inheritdoc/>
    public override string ToString() => $"OpaqueTransportParameter {{ Data = {Convert.ToHexString(_data)} }}";

    internal override void Write(AsapWriter writer, PaddingConvention padding)
    {
        int start = writer.BeginParameter((ushort)ParameterType.OpaqueTransport);
        writer.WriteBytes(_data);
        writer.EndParameter(start, padding);
    }
}
