using System.Net;

namespace RSerPool.Wire.Parameters;

/// <summary>UDP Transport parameter (type 0x6, RFC 5354 §3.6): port, reserved, exactly one address; data only.</summary>
public sealed record UdpTransportParameter : IPTransportParameter
{
    /// <summary>Creates a UDP transport.</summary>
    /// <param name="port">UDP port.</param>
    /// <param name="address">The address.</param>
    public UdpTransportParameter(ushort port, IPAddress address)
        : base(port, Single(address, nameof(address)))
    {
    }

    internal UdpTransportParameter(ushort port, ValueList<IPAddress> addresses)
        : base(port, addresses)
    {
    }

    /// <inheritdoc/>
    public override ParameterType ParameterType => ParameterType.UdpTransport;

    /// <summary>The single address.</summary>
    public IPAddress Address => Addresses[0];
}
