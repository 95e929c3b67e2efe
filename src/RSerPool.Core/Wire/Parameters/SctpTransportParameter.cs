using System.Collections.Generic;
using System.Net;

namespace RSerPool.Wire.Parameters;

/// <summary>SCTP Transport parameter (type 0x4, RFC 5354 §3.4): port, Transport Use, one or more addresses (v4/v6 mixed).</summary>
public sealed record SctpTransportParameter : IPTransportParameter
{
    /// <summary>Creates an SCTP transport.</summary>
    /// <param name="port">SCTP port.</param>
    /// <param name="addresses">One or more addresses of the (multi-homed) endpoint.</param>
    /// <param name="transportUse">Whether the control channel is multiplexed on the data association.</param>
    public SctpTransportParameter(ushort port, IEnumerable<IPAddress> addresses, TransportUse transportUse = TransportUse.DataOnly)
        : base(port, Several(addresses, nameof(addresses))) => TransportUse = transportUse;

    internal SctpTransportParameter(ushort port, ValueList<IPAddress> addresses, TransportUse transportUse)
        : base(port, addresses) => TransportUse = transportUse;

    /// <inheritdoc/>
    public override ParameterType ParameterType => ParameterType.SctpTransport;

    /// <inheritdoc/>
    public override TransportUse TransportUse { get; }

    private protected override ushort SecondField => (ushort)TransportUse;
}
