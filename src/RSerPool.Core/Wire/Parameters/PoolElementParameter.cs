using System;

namespace RSerPool.Wire.Parameters;

/// <summary>
/// Pool Element parameter (type 0xa, RFC 5354 §3.10): one pool element as a registrar describes it.
/// </summary>
/// <remarks>
/// <code>
/// | type = 0xa                    | length                        |
/// | PE Identifier                                                 |
/// | Home ENRP Server Identifier (0 = undetermined)                |
/// | Registration Life (signed 32 bit)                             |
/// : User Transport parameter                                      :
/// : Member Selection Policy parameter                             :
/// : ASAP Transport parameter (SCTP)                               :
/// </code>
/// <para>
/// Registration Life is kept raw. RFC 5354 §3.10 defines it in seconds with −1 = infinite; rsplib
/// writes milliseconds (its registrar computes expiry as now + 1000 µs × value, and Wireshark labels
/// the field in ms): the real captures carry 90000 for rsplib's default 30 s re-registration interval
/// times 3. Which unit applies depends on the registrar; this record does not guess.
/// </para>
/// <para>
/// The ASAP Transport is optional here although RFC 5354 lists it: rsplib omits it in handle
/// resolution responses and business cards (<c>createPoolElementParameter(..., false)</c>).
/// </para>
/// </remarks>
public sealed record PoolElementParameter : AsapParameter
{
    /// <summary>Registration Life value meaning "infinite" (RFC 5354 §3.10).</summary>
    public const int InfiniteRegistrationLife = -1;

    /// <summary>Creates a pool element parameter.</summary>
    /// <param name="poolElementId">PE Identifier.</param>
    /// <param name="homeRegistrarId">Home registrar (ENRP server) identifier; 0 when undetermined.</param>
    /// <param name="registrationLife">Registration Life, raw (see remarks for the unit).</param>
    /// <param name="userTransport">Exactly one user transport.</param>
    /// <param name="policy">The element's member selection policy.</param>
    /// <param name="asapTransport">Where the element takes ASAP traffic; omitted by rsplib.</param>
    public PoolElementParameter(
        uint poolElementId,
        uint homeRegistrarId,
        int registrationLife,
        UserTransportParameter userTransport,
        PoolPolicyParameter policy,
        SctpTransportParameter? asapTransport = null)
    {
        ArgumentNullException.ThrowIfNull(userTransport);
        ArgumentNullException.ThrowIfNull(policy);
        PoolElementId = poolElementId;
        HomeRegistrarId = homeRegistrarId;
        RegistrationLife = registrationLife;
        UserTransport = userTransport;
        Policy = policy;
        AsapTransport = asapTransport;
    }

    /// <inheritdoc/>
    public override ParameterType ParameterType => ParameterType.PoolElement;

    /// <summary>The 32-bit PE Identifier, chosen by the element (RFC 5352 §3.1).</summary>
    public uint PoolElementId { get; }

    /// <summary>Identifier of the element's home registrar; 0 when undetermined.</summary>
    public uint HomeRegistrarId { get; }

    /// <summary>Registration Life as on the wire: RFC seconds or rsplib milliseconds (see remarks).</summary>
    public int RegistrationLife { get; }

    /// <summary>Whether <see cref="RegistrationLife"/> is −1, "infinite".</summary>
    public bool IsRegistrationLifeInfinite => RegistrationLife == InfiniteRegistrationLife;

    /// <summary>How pool users reach the element.</summary>
    public UserTransportParameter UserTransport { get; }

    /// <summary>The element's policy and its load/weight values.</summary>
    public PoolPolicyParameter Policy { get; }

    /// <summary>The element's ASAP endpoint, when the registrar includes it.</summary>
    public SctpTransportParameter? AsapTransport { get; }

    internal override void Write(AsapWriter writer, PaddingConvention padding)
    {
        int start = writer.BeginParameter((ushort)ParameterType.PoolElement);
        writer.WriteUInt32(PoolElementId);
        writer.WriteUInt32(HomeRegistrarId);
        writer.WriteUInt32(unchecked((uint)RegistrationLife));
        UserTransport.Write(writer, padding);
        Policy.Write(writer, padding);
        AsapTransport?.Write(writer, padding);
        writer.EndParameter(start, padding);
    }
}
