using System;
using System.Collections.Generic;
using RSerPool.Registrars;
using RSerPool.Transport.Sctp;
using RSerPool.Wire;

namespace RSerPool.Client;

/// <summary>
/// Everything a pool user can tune, immutable and validated when the <see cref="PoolUser"/> is built.
/// Every default is in <see cref="PoolUserDefaults"/>.
/// </summary>
public sealed record PoolUserOptions
{
    /// <summary>Static registrars, tried before learned ones. Empty means "from RSERPOOL_REGISTRARS, the config file, or announces".</summary>
    public IReadOnlyList<RegistrarAddress> Registrars { get; init; } = Array.Empty<RegistrarAddress>();

    /// <summary>Whether to learn registrars from ASAP_SERVER_ANNOUNCE on UDP multicast (RFC 5352 §3.6).</summary>
    /// <value>The default is true.</value>
    public bool UseAnnounces { get; init; } = true;

    /// <summary>Multicast groups to listen on for announces.</summary>
    /// <value>The default is rsplib's 239.0.0.50:3863 and the IANA group 224.0.1.185:3863.</value>
    public IReadOnlyList<System.Net.IPEndPoint> AnnounceGroups { get; init; } = new[] { PoolUserDefaults.RsplibAnnounceGroup, PoolUserDefaults.IanaAnnounceGroup };

    /// <summary>Networks announces are accepted from; empty means loopback and the host's own subnets.</summary>
    public IReadOnlyList<NetworkPrefix> AnnounceNetworks { get; init; } = Array.Empty<NetworkPrefix>();

    /// <summary>Most registrars kept from announces.</summary>
    public int MaxLearnedRegistrars { get; init; } = PoolUserDefaults.MaxLearnedRegistrars;

    /// <summary>T7: life of a learned registrar after its last announce.</summary>
    public TimeSpan AnnounceLifetime { get; init; } = PoolUserDefaults.AnnounceLifetime;

    /// <summary>T1: how long to wait for a registrar's answer before retransmitting.</summary>
    public TimeSpan RequestTimeout { get; init; } = PoolUserDefaults.RequestTimeout;

    /// <summary>MAX-REQUEST-RETRANSMIT.</summary>
    public int MaxRequestRetransmits { get; init; } = PoolUserDefaults.MaxRequestRetransmits;

    /// <summary>T5: initial time for one round of the server hunt.</summary>
    public TimeSpan ServerHuntTimeout { get; init; } = PoolUserDefaults.ServerHuntTimeout;

    /// <summary>RETRAN-MAX: cap of the doubling T5.</summary>
    public TimeSpan ServerHuntTimeoutMax { get; init; } = PoolUserDefaults.ServerHuntTimeoutMax;

    /// <summary>Rounds of the server hunt before NoRegistrarReachable.</summary>
    public int ServerHuntRounds { get; init; } = PoolUserDefaults.ServerHuntRounds;

    /// <summary>stale_cache_value: how long a resolution is used without asking again; zero disables the cache.</summary>
    public TimeSpan StaleCacheValue { get; init; } = PoolUserDefaults.StaleCacheValue;

    /// <summary>How long an "unknown pool handle" answer is remembered.</summary>
    public TimeSpan NegativeCacheLifetime { get; init; } = PoolUserDefaults.NegativeCacheLifetime;

    /// <summary>Number of elements to ask for (rsplib's Handle Resolution Option); null leaves it to the registrar, <see cref="uint.MaxValue"/> asks for all.</summary>
    public uint? HandleResolutionItems { get; init; }

    /// <summary>Least time between two reports of one element.</summary>
    public TimeSpan UnreachableReportInterval { get; init; } = PoolUserDefaults.UnreachableReportInterval;

    /// <summary>Most unreachable reports per second in total.</summary>
    public int UnreachableReportsPerSecond { get; init; } = PoolUserDefaults.UnreachableReportsPerSecond;

    /// <summary>SCTP tuning for registrar associations.</summary>
    public SctpOptions Sctp { get; init; } = SctpOptions.Default;

    /// <summary>Decoder limits for what registrars send.</summary>
    public AsapDecoderOptions Decoder { get; init; } = AsapDecoderOptions.Default;

    /// <summary>Checks every value; called by <see cref="PoolUser"/>.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate()
    {
        Positive(RequestTimeout, nameof(RequestTimeout));
        Positive(ServerHuntTimeout, nameof(ServerHuntTimeout));
        Positive(AnnounceLifetime, nameof(AnnounceLifetime));
        Positive(UnreachableReportInterval, nameof(UnreachableReportInterval));
        if (ServerHuntTimeoutMax < ServerHuntTimeout)
        {
            throw new ArgumentOutOfRangeException(nameof(ServerHuntTimeoutMax), ServerHuntTimeoutMax, "ServerHuntTimeoutMax must not be below ServerHuntTimeout.");
        }

        if (StaleCacheValue < TimeSpan.Zero || NegativeCacheLifetime < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(StaleCacheValue), "Cache lifetimes must not be negative.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(MaxRequestRetransmits);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ServerHuntRounds);
        ArgumentOutOfRangeException.ThrowIfNegative(MaxLearnedRegistrars);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(UnreachableReportsPerSecond);
        ArgumentNullException.ThrowIfNull(Registrars);
        ArgumentNullException.ThrowIfNull(AnnounceGroups);
        ArgumentNullException.ThrowIfNull(AnnounceNetworks);
        ArgumentNullException.ThrowIfNull(Decoder);
        ArgumentNullException.ThrowIfNull(Sctp);
        Sctp.Validate();
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive.");
        }
    }
}
