using System;
using System.Net;
using System.Net.Sockets;

namespace RSerPool.Wire.Parameters;

/// <summary>IPv4 Address (type 0x1, RFC 5354 §3.1) or IPv6 Address (type 0x2, §3.2) parameter.</summary>
public sealed record AddressParameter : AsapParameter
{
    /// <summary>Wraps an IPv4 or IPv6 address.</summary>
    /// <param name="address">The address; IPv4-mapped IPv6 addresses are written as IPv6.</param>
    public AddressParameter(IPAddress address)
    {
        Validate(address, nameof(address));
        Address = address;
    }

    /// <summary>The address.</summary>
    public IPAddress Address { get; }

    /// <inheritdoc/>
    public override ParameterType ParameterType =>
        Address.AddressFamily == AddressFamily.InterNetwork ? ParameterType.IPv4Address : ParameterType.IPv6Address;

    internal static void Validate(IPAddress address, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(address, parameterName);
        if (address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            throw new ArgumentException("Only IPv4 and IPv6 addresses have an RSerPool parameter.", parameterName);
        }
    }

    internal static void Write(AsapWriter writer, IPAddress address)
    {
        bool isV4 = address.AddressFamily == AddressFamily.InterNetwork;
        int start = writer.BeginParameter((ushort)(isV4 ? ParameterType.IPv4Address : ParameterType.IPv6Address));
        Span<byte> bytes = stackalloc byte[16];
        _ = address.TryWriteBytes(bytes, out int written);
        writer.WriteBytes(bytes[..written]);
        writer.EndParameter(start, PaddingConvention.ExcludeTrailingPadding);
    }

    internal override void Write(AsapWriter writer, PaddingConvention padding) => Write(writer, Address);
}
