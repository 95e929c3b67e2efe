using System.Net;

namespace RSerPool.Wire.Parameters;

/// <summary>
/// DCCP Transport parameter (type 0x3, RFC 5354 §3.3): port, reserved, 32-bit service code, exactly one
/// address; data only. rsplib has no encoder or decoder for it.
/// </summary>
public sealed record DccpTransportParameter : IPTransportParameter
{
    /// <summary>Creates a DCCP transport.</summary>
    /// <param name="port">DCCP port.</param>
    /// <param name="address">The address.</param>
    /// <param name="serviceCode">DCCP service code.</param>
    public DccpTransportParameter(ushort port, IPAddress address, uint serviceCode)
        : base(port, Single(address, nameof(address))) => ServiceCode = serviceCode;

    internal DccpTransportParameter(ushort port, ValueList<IPAddress> addresses, uint serviceCode)
        : base(port, addresses) => ServiceCode = serviceCode;

    /// <inheritdoc/>
    public override ParameterType ParameterType => ParameterType.DccpTransport;

    /// <summary>DCCP service code.</summary>
    public uint ServiceCode { get; }

    /// <summary>The single address.</summary>
    public IPAddress Address => Addresses[0];

    private protected override void WriteExtraFields(AsapWriter writer) => writer.WriteUInt32(ServiceCode);
}
