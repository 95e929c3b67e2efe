using System.Net;

namespace RSerPool.Wire.Parameters;

/// <summary>UDP-Lite Transport parameter (type 0x7, RFC 5354 §3.7): port, reserved, exactly one address; data only.</summary>
public sealed record UdpLiteTransportParameter : IPTransportParameter
{
    /// <summary>Creates a UDP-Lite transport.</summary>
    /// <param name="port">UDP-Lite port.</param>
    /// <param name="address">The address.</param>
    public UdpLiteTransportParameter(ushort port, IPAddress address)
        : base(port, Single(address, nameof(address)))
    {
    }

    internal UdpLiteTransportParameter(ushort port, ValueList<IPAddress> addresses)
        : base(port, addresses)
    {
    }

    /// <inheritdoc/>
    public override ParameterType ParameterType => ParameterType.UdpLiteTransport;

    /// <summary>The single address.</summary>
    public IPAddress Address => Addresses[0];
}
