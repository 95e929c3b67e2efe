using System;
using System.Threading;
using System.Threading.Tasks;
using RSerPool.Transport.Sctp;

namespace RSerPool.Sessions;

/// <summary>How a <see cref="PoolSession"/> connects and fails over; immutable, validated on use.</summary>
public sealed record SessionOptions
{
    /// <summary>The defaults.</summary>
    public static SessionOptions Default { get; } = new();

    /// <summary>Elements tried per connect or failover before giving up.</summary>
    /// <value>The default is 4.</value>
    public int MaxConnectAttempts { get; init; } = 4;

    /// <summary>Upper bound on the time of one connect or failover, all attempts together.</summary>
    /// <value>The default is 30 seconds.</value>
    public TimeSpan FailoverTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a request waits for its answer before the element counts as failed.</summary>
    /// <value>The default is 10 seconds.</value>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether the session may move to another element by itself.</summary>
    /// <value>The default is true.</value>
    public bool AllowFailover { get; init; } = true;

    /// <summary>
    /// Keeps a second association open, idle, to the element the session would fail over to (the
    /// business card's first choice, else the pool policy's next pick), so a failover only has to
    /// echo the cookie and resend: no selection and no SCTP handshake while the user waits. It costs
    /// that element one idle association per session; rsplib's pool users do not do this.
    /// </summary>
    /// <value>The default is false.</value>
    public bool Standby { get; init; }

    /// <summary>
    /// Runs on the new element after every failover, after the cookie echo and before any request is
    /// resent: the application-specific failover of RFC 5351 §2.5 (log in again, replay a subscription).
    /// It may use the session. When it throws, the request fails with FailoverCallbackFailed and the session stays usable.
    /// </summary>
    public Func<PoolSession, CancellationToken, Task>? OnFailover { get; init; }

    /// <summary>
    /// SCTP tuning of the data association. The default copies rsplib's session tuning
    /// (rsp_update_session_parameters: RTO 2000/1000/5000 ms, 8 association and 3 path retransmissions,
    /// 15 s heartbeat) but with a tighter RTO so a silent element is detected sooner.
    /// </summary>
    public SctpOptions Sctp { get; init; } = new()
    {
        RtoInitial = TimeSpan.FromMilliseconds(500),
        RtoMin = TimeSpan.FromMilliseconds(200),
        RtoMax = TimeSpan.FromMilliseconds(1000),
        MaxRetransmits = 4,
        PathMaxRetransmits = 2,
        HeartbeatInterval = TimeSpan.FromSeconds(2),
        ConnectTimeout = TimeSpan.FromSeconds(5),
    };

    /// <summary>Checks every value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxConnectAttempts);
        if (FailoverTimeout <= TimeSpan.Zero || RequestTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(FailoverTimeout), "Timeouts must be positive.");
        }

        ArgumentNullException.ThrowIfNull(Sctp);
        Sctp.Validate();
    }
}
