using System;
using System.Collections.Generic;
using System.Net;

namespace RSerPool.Wire.Parameters;

/// <summary>
/// A transport parameter made of a port, a 16-bit second field and address parameters
/// (RFC 5354 §3.3–§3.7): SCTP, TCP, UDP, UDP-Lite, DCCP.
/// </summary>
/// <remarks>
/// Layout (DCCP adds a 32-bit service code before the addresses):
/// <code>
/// | type                | length              |
/// | port                | transport use / reserved |
/// : IPv4 or IPv6 address parameter(s)         :
/// </code>
/// SCTP carries one or more addresses; the others exactly one.
/// </remarks>
public abstract record IPTransportParameter : UserTransportParameter
{
    private protected IPTransportParameter(ushort port, ValueList<IPAddress> addresses)
    {
        Port = port;
        Addresses = addresses;
    }

    /// <summary>Port number.</summary>
    public ushort Port { get; }

    /// <summary>Addresses, in wire order.</summary>
    public IReadOnlyList<IPAddress> Addresses { get; }

    /// <summary>How the pool element wants the transport used; always data only except for SCTP and TCP.</summary>
    public virtual TransportUse TransportUse => TransportUse.DataOnly;

    /// <summary>One endpoint per address, all with <see cref="Port"/>.</summary>
    public IReadOnlyList<IPEndPoint> GetEndPoints()
    {
        var endPoints = new IPEndPoint[Addresses.Count];
        for (int i = 0; i < endPoints.Length; i++)
        {
            endPoints[i] = new IPEndPoint(Addresses[i], Port);
        }

        return endPoints;
    }

    internal static ValueList<IPAddress> Single(IPAddress address, string parameterName)
    {
        AddressParameter.Validate(address, parameterName);
        return ValueList<IPAddress>.CopyOf([address], parameterName);
    }

    internal static ValueList<IPAddress> Several(IEnumerable<IPAddress> addresses, string parameterName)
    {
        ValueList<IPAddress> list = ValueList<IPAddress>.CopyOf(addresses, parameterName);
        if (list.Count == 0)
        {
            throw new ArgumentException("At least one address is required (RFC 5354 §3.4).", parameterName);
        }

        foreach (IPAddress address in list)
        {
            AddressParameter.Validate(address, parameterName);
        }

        return list;
    }

    /// <summary>The 16 bits after the port: Transport Use for SCTP and TCP, reserved (zero) otherwise.</summary>
    private protected virtual ushort SecondField => 0;

    /// <summary>Fixed fields after the second field (the DCCP service code).</summary>
    private protected virtual void WriteExtraFields(AsapWriter writer)
    {
    }

    internal override void Write(AsapWriter writer, PaddingConvention padding)
    {
        int start = writer.BeginParameter((ushort)ParameterType);
        writer.WriteUInt16(Port);
        writer.WriteUInt16(SecondField);
        WriteExtraFields(writer);
        foreach (IPAddress address in Addresses)
        {
            AddressParameter.Write(writer, address);
        }

        writer.EndParameter(start, padding);
    }
}
