using System;

namespace RSerPool.Sessions;

/// <summary>How one request is sent and when its answer is complete.</summary>
public sealed record RequestOptions
{
    /// <summary>The defaults: PPID 0, one message answers, not idempotent.</summary>
    public static RequestOptions Default { get; } = new();

    /// <summary>The PPID of the request (never 11, which is ASAP's).</summary>
    public uint PayloadProtocolId { get; init; }

    /// <summary>The SCTP stream.</summary>
    public ushort Stream { get; init; }

    /// <summary>Whether the request may run twice, so it is resent after a failover even when it may have arrived.</summary>
    public bool Idempotent { get; init; }

    /// <summary>Messages that make up the answer.</summary>
    /// <value>The default is 1.</value>
    public int ResponseCount { get; init; } = 1;

    /// <summary>When set, the answer is complete at the first message that ends with these bytes (ResponseCount is then an upper bound).</summary>
    public ReadOnlyMemory<byte> Terminator { get; init; }

    /// <summary>Overrides the session's request timeout.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>
    /// A hedged request: when the element has not answered within this time, the request also goes to
    /// the session's standby element (<see cref="SessionOptions.Standby"/>) and the first answer wins.
    /// Only for <see cref="Idempotent"/> requests answered by one message, on a session that holds no
    /// cookie and runs no failover callback (the standby would need state restored before it answered).
    /// </summary>
    /// <value>The default, null, never hedges.</value>
    public TimeSpan? HedgeAfter { get; init; }
}
