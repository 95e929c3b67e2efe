using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using RSerPool.Wire.Parameters;

namespace RSerPool;

/// <summary>
/// One pool element as a registrar described it in a handle resolution response (RFC 5352 §2.2.6),
/// with where and when that answer came from.
/// </summary>
/// <param name="PoolHandle">The pool the element belongs to.</param>
/// <param name="Identifier">The 32-bit PE identifier, chosen by the element (RFC 5352 §3.1).</param>
/// <param name="Transport">How pool users reach it (SCTP, TCP, UDP, UDP-Lite, DCCP).</param>
/// <param name="Policy">The pool member selection policy and the element's values for it.</param>
/// <param name="HomeRegistrarId">Identifier of its home registrar; 0 when undetermined.</param>
/// <param name="RegistrationLife">Registration life as on the wire (rsplib: milliseconds; RFC: seconds).</param>
public sealed record PoolElement(
    PoolHandle PoolHandle,
    uint Identifier,
    UserTransportParameter Transport,
    PoolPolicyParameter Policy,
    uint HomeRegistrarId,
    int RegistrationLife)
{
    /// <summary>The registrar that answered, when known.</summary>
    public EndPoint? ResolvedBy { get; init; }

    /// <summary>When the answer arrived.</summary>
    public DateTimeOffset ResolvedAt { get; init; }

    /// <summary>The identifier the way rsplib prints it, e.g. <c>$0000e001</c>.</summary>
    public string IdentifierText => "$" + Identifier.ToString("x8", CultureInfo.InvariantCulture);

    /// <summary>The transport's port (0 for an opaque transport).</summary>
    public ushort Port => Transport is IPTransportParameter ip ? ip.Port : (ushort)0;

    /// <summary>Every address of the element with its port; several for a multi-homed SCTP element.</summary>
    public IReadOnlyList<IPEndPoint> EndPoints => Transport is IPTransportParameter ip ? ip.GetEndPoints() : Array.Empty<IPEndPoint>();

    /// <summary>Whether the element takes ASAP control messages on its data association (RFC 5354 §3.4).</summary>
    public TransportUse TransportUse => Transport is IPTransportParameter ip ? ip.TransportUse : TransportUse.DataOnly;

    /// <summary>Builds the model from a decoded Pool Element parameter.</summary>
    /// <param name="poolHandle">The pool.</param>
    /// <param name="parameter">The decoded parameter.</param>
    /// <param name="resolvedBy">The registrar that answered.</param>
    /// <param name="resolvedAt">When.</param>
    public static PoolElement FromParameter(PoolHandle poolHandle, PoolElementParameter parameter, EndPoint? resolvedBy, DateTimeOffset resolvedAt)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        return new PoolElement(poolHandle, parameter.PoolElementId, parameter.UserTransport, parameter.Policy,
            parameter.HomeRegistrarId, parameter.RegistrationLife)
        {
            ResolvedBy = resolvedBy,
            ResolvedAt = resolvedAt,
        };
    }

    /// <inheritdoc />
    public override string ToString() => $"{PoolHandle}/{IdentifierText} {string.Join(",", EndPoints)}";
}
