using System.Net;

namespace RSerPool.Wire.Parameters;

/// <summary>
/// TCP Transport parameter (type 0x5, RFC 5354 §3.5): port, a 16-bit field, exactly one address.
/// </summary>
/// <remarks>
/// RFC 5354 shows the 16 bits after the port as reserved and says TCP is always data only; rsplib
/// (<c>ttp_transport_use</c>) and Wireshark read and write a Transport Use there, so it is kept as
/// <see cref="TransportUse"/> to reproduce what rsplib sends.
/// </remarks>
public sealed record TcpTransportParameter : IPTransportParameter
{
    /// <summary>Creates a TCP transport.</summary>
    /// <param name="port">TCP port.</param>
    /// <param name="address">The address.</param>
    /// <param name="transportUse">rsplib's Transport Use value; RFC senders leave it 0.</param>
    public TcpTransportParameter(ushort port, IPAddress address, TransportUse transportUse = TransportUse.DataOnly)
        : base(port, Single(address, nameof(address))) => TransportUse = transportUse;

    internal TcpTransportParameter(ushort port, ValueList<IPAddress> addresses, TransportUse transportUse)
        : base(port, addresses) => TransportUse = transportUse;

    /// <inheritdoc/>
    public override ParameterType ParameterType => ParameterType.TcpTransport;

    /// <inheritdoc/>
    public override TransportUse TransportUse { get; }

    /// <summary>The single address.</summary>
    public IPAddress Address => Addresses[0];

    private protected override ushort SecondField => (ushort)TransportUse;
}
