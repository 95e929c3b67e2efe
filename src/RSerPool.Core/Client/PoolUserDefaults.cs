using System;
using System.Net;

namespace RSerPool.Client;

/// <summary>
/// Every default of the pool-user core, in one place, with where it comes from. RFC 5352 §7 gives the
/// protocol timers; rsplib's pool user runs much tighter (brief §7) and so do we where an operator at a
/// prompt would otherwise wait for nothing.
/// </summary>
public static class PoolUserDefaults
{
    /// <summary>Environment variable with default registrars, separated by ';' or spaces (e.g. <c>127.0.0.1:3863;10.0.0.2:3863</c>).</summary>
    public const string RegistrarsVariable = "RSERPOOL_REGISTRARS";

    /// <summary>Config file with one registrar per line ('#' starts a comment), read when the variable is unset.</summary>
    public const string RegistrarsFileName = "registrars";

    /// <summary>T1-ENRPrequest, the wait for a registrar's answer: 3 s (rsplib's response timeout; RFC 5352 §7.1 says 15 s).</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(3);

    /// <summary>MAX-REQUEST-RETRANSMIT: 2 (RFC 5352 §7.2).</summary>
    public const int MaxRequestRetransmits = 2;

    /// <summary>T5-Serverhunt initial value: 2 s for one round of connects; doubles per failed round (RFC 5352 §3.6 SH5; RFC value 10 s, rsplib 7.5 s).</summary>
    public static readonly TimeSpan ServerHuntTimeout = TimeSpan.FromSeconds(2);

    /// <summary>RETRAN-MAX, the cap of the doubling T5: 60 s (RFC 5352 §7.2).</summary>
    public static readonly TimeSpan ServerHuntTimeoutMax = TimeSpan.FromSeconds(60);

    /// <summary>Rounds of the server hunt before giving up with NoRegistrarReachable: 3.</summary>
    public const int ServerHuntRounds = 3;

    /// <summary>Connects at once during a hunt: 3, the most RFC 5352 §3.6 SH1 allows.</summary>
    public const int ParallelHuntConnects = 3;

    /// <summary>T7-ENRPoutdate, the life of a registrar learned from announces: 5 s (RFC 5352 §7.1, rsplib alike).</summary>
    public static readonly TimeSpan AnnounceLifetime = TimeSpan.FromSeconds(5);

    /// <summary>Most registrars kept from announces (announces are unauthenticated, RFC 5352 §9.2): 16.</summary>
    public const int MaxLearnedRegistrars = 16;

    /// <summary>stale_cache_value (RFC 5352 §6.5.1 has no default): 30 s, as sctp-refimpl; 0 disables the cache (rsplib tools).</summary>
    public static readonly TimeSpan StaleCacheValue = TimeSpan.FromSeconds(30);

    /// <summary>How long "unknown pool handle" is remembered: 1 s, enough to stop a loop from hammering the registrar.</summary>
    public static readonly TimeSpan NegativeCacheLifetime = TimeSpan.FromSeconds(1);

    /// <summary>Least time between two reports of the same element (RFC 5352 §3.5: once per failure; §9 threat 8: limit the rate): 5 s.</summary>
    public static readonly TimeSpan UnreachableReportInterval = TimeSpan.FromSeconds(5);

    /// <summary>Most ENDPOINT_UNREACHABLE reports per second over all elements: 10.</summary>
    public const int UnreachableReportsPerSecond = 10;

    /// <summary>rsplib's announce group, 239.0.0.50:3863 (rsplib's default; brief §2).</summary>
    public static readonly IPEndPoint RsplibAnnounceGroup = new(IPAddress.Parse("239.0.0.50"), 3863);

    /// <summary>The IANA announce group, 224.0.1.185:3863 (RFC 5352 §8.4).</summary>
    public static readonly IPEndPoint IanaAnnounceGroup = new(IPAddress.Parse("224.0.1.185"), 3863);
}
