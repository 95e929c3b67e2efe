using System;
using System.Collections.Generic;
using System.Net;

namespace RSerPool.Transport.Sctp;

/// <summary>
/// Tuning of one SCTP association, mostly for failure detection. A null value leaves the kernel's
/// setting (net.sctp.* sysctls) in place. Defaults are the kernel's; rsplib's session layer uses
/// RTO 2000/1000/5000 ms, 8 association retransmits and a 15 s heartbeat
/// (rsp_update_session_parameters), which a pool user may copy through these options.
/// </summary>
public sealed record SctpOptions
{
    /// <summary>The default options: kernel settings, 5 s connect limit, 16 MiB maximum message.</summary>
    public static SctpOptions Default { get; } = new();

    /// <summary>Initial retransmission timeout (RFC 9260 §6.3.1 RTO.Initial).</summary>
    public TimeSpan? RtoInitial { get; init; }

    /// <summary>Lower bound of the retransmission timeout (RTO.Min).</summary>
    public TimeSpan? RtoMin { get; init; }

    /// <summary>Upper bound of the retransmission timeout (RTO.Max).</summary>
    public TimeSpan? RtoMax { get; init; }

    /// <summary>Retransmissions before the association is declared lost (Association.Max.Retrans).</summary>
    public ushort? MaxRetransmits { get; init; }

    /// <summary>Retransmissions before one peer address is considered unreachable (Path.Max.Retrans).</summary>
    public ushort? PathMaxRetransmits { get; init; }

    /// <summary>Heartbeat interval on idle paths (RFC 9260 §8.3, HB.interval).</summary>
    public TimeSpan? HeartbeatInterval { get; init; }

    /// <summary>INIT retransmissions while connecting (Max.Init.Retransmits).</summary>
    public ushort? MaxInitRetransmits { get; init; }

    /// <summary>How long a connect may take before it fails with <see cref="TransportFailure.ConnectTimeout"/>.</summary>
    /// <value>The default is 5 seconds, rsplib's PE connect timeout.</value>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Largest message accepted on receive; a larger one is discarded and reported.</summary>
    /// <value>The default is 16 MiB.</value>
    public int MaxMessageSize { get; init; } = 16 * 1024 * 1024;

    /// <summary>Bytes read per recvmsg call; smaller in tests to exercise reassembly (MSG_EOR).</summary>
    internal int ReceiveChunkSize { get; init; } = 64 * 1024;

    /// <summary>Local addresses to bind (sctp_bindx); empty binds to all of the host's addresses.</summary>
    public IReadOnlyList<IPAddress> LocalAddresses { get; init; } = Array.Empty<IPAddress>();

    /// <summary>Validates ranges; called by the factory before any socket is opened.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        CheckMilliseconds(RtoInitial, nameof(RtoInitial));
        CheckMilliseconds(RtoMin, nameof(RtoMin));
        CheckMilliseconds(RtoMax, nameof(RtoMax));
        CheckMilliseconds(HeartbeatInterval, nameof(HeartbeatInterval));
        if (ConnectTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ConnectTimeout), ConnectTimeout, "The connect timeout must be positive.");
        }

        if (MaxMessageSize < 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxMessageSize), MaxMessageSize, "The maximum message size must be at least 1024 bytes.");
        }

        if (ReceiveChunkSize < 256)
        {
            throw new ArgumentOutOfRangeException(nameof(ReceiveChunkSize), ReceiveChunkSize, "The receive chunk must be at least 256 bytes.");
        }

        if (RtoMin is { } min && RtoMax is { } max && min > max)
        {
            throw new ArgumentOutOfRangeException(nameof(RtoMin), min, "RtoMin must not exceed RtoMax.");
        }
    }

    private static void CheckMilliseconds(TimeSpan? value, string name)
    {
        if (value is { } v && (v < TimeSpan.FromMilliseconds(1) || v.TotalMilliseconds > uint.MaxValue))
        {
            throw new ArgumentOutOfRangeException(name, v, "The value must be between 1 ms and 2^32-1 ms.");
        }
    }
}
