using System;

namespace RSerPool.Wire.Parameters;

/// <summary>
/// Server Information parameter (type 0xb, RFC 5354 §3.11): a registrar's identifier and transport.
/// Used by ENRP; rsplib's pool user also accepts it in a server announce.
/// </summary>
public sealed record ServerInformationParameter : AsapParameter
{
    /// <summary>Creates a server information parameter.</summary>
    /// <param name="registrarId">The registrar (ENRP server) identifier.</param>
    /// <param name="transport">Its transport; RFC 5354 specifies SCTP, other transports are accepted as rsplib does.</param>
    public ServerInformationParameter(uint registrarId, IPTransportParameter transport)
    {
        ArgumentNullException.ThrowIfNull(transport);
        RegistrarId = registrarId;
        Transport = transport;
    }

    /// <inheritdoc/>
    public override ParameterType ParameterType => ParameterType.ServerInformation;

    /// <summary>The registrar identifier.</summary>
    public uint RegistrarId { get; }

    /// <summary>The registrar's transport.</summary>
    public IPTransportParameter Transport { get; }

    internal override void Write(AsapWriter writer, PaddingConvention padding)
    {
        int start = writer.BeginParameter((ushort)ParameterType.ServerInformation);
        writer.WriteUInt32(RegistrarId);
        Transport.Write(writer, padding);
        writer.EndParameter(start, padding);
    }
}
