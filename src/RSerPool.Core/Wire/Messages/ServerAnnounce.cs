using System;
using System.Collections.Generic;
using RSerPool.Wire.Parameters;

namespace RSerPool.Wire.Messages;

/// <summary>
/// ASAP_SERVER_ANNOUNCE (0x0a, RFC 5352 §2.2.10): fixed 32-bit registrar identifier, then zero or more
/// SCTP/TCP transport parameters; rsplib's pool user also accepts a Server Information parameter.
/// </summary>
/// <remarks>
/// rsplib registrars send the identifier only: the pool user then takes the registrar's address from
/// the UDP source address and, in rsplib, its SCTP port from the UDP source port (RFC 5352 §3.6 says
/// IANA port 3863).
/// </remarks>
public sealed record ServerAnnounce : AsapMessage
{
    /// <summary>Creates a server announce.</summary>
    /// <param name="registrarId">The announcing registrar's identifier.</param>
    /// <param name="transports">Its SCTP or TCP transports; may be empty.</param>
    /// <param name="serverInformation">rsplib's optional Server Information.</param>
    public ServerAnnounce(uint registrarId, IEnumerable<IPTransportParameter>? transports = null, ServerInformationParameter? serverInformation = null)
        : this(registrarId, transports is null ? ValueList<IPTransportParameter>.Empty : ValueList<IPTransportParameter>.CopyOf(transports, nameof(transports)), serverInformation)
    {
        foreach (IPTransportParameter transport in Transports)
        {
            if (transport is not (SctpTransportParameter or TcpTransportParameter))
            {
                throw new ArgumentException("A server announce lists only SCTP and TCP transports (RFC 5352 §2.2.10).", nameof(transports));
            }
        }
    }

    internal ServerAnnounce(uint registrarId, ValueList<IPTransportParameter> transports, ServerInformationParameter? serverInformation)
    {
        RegistrarId = registrarId;
        Transports = transports;
        ServerInformation = serverInformation;
    }

    /// <inheritdoc/>
    public override AsapMessageType Type => AsapMessageType.ServerAnnounce;

    /// <summary>The announcing registrar's identifier.</summary>
    public uint RegistrarId { get; }

    /// <summary>The registrar's transports; empty for rsplib.</summary>
    public IReadOnlyList<IPTransportParameter> Transports { get; }

    /// <summary>Optional Server Information (rsplib).</summary>
    public ServerInformationParameter? ServerInformation { get; }

    internal override void WriteBody(AsapWriter writer)
    {
        writer.WriteUInt32(RegistrarId);
        foreach (IPTransportParameter transport in Transports)
        {
            transport.Write(writer, Padding);
        }

        ServerInformation?.Write(writer, Padding);
    }
}
