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
    /// <value>The default, null, never hedges (unless <see cref="AdaptiveHedge"/> is set, for which it is the longest delay).</value>
    public TimeSpan? HedgeAfter { get; init; }

    /// <summary>
    /// A hedged request (as <see cref="HedgeAfter"/>) whose delay follows the session's round trips: the
    /// 95th percentile of its latest measured requests (<see cref="PoolSession.RoundTripTime"/>, up to 100),
    /// so that about one request in twenty is hedged whatever the pool's usual speed ("The Tail at
    /// Scale", Dean and Barroso), at most
    /// <see cref="HedgeAfter"/> when that is set. Until 20 round trips have been measured the delay is
    /// <see cref="HedgeAfter"/>, or 1 s when that is not set.
    /// </summary>
    /// <value>The default, false, hedges after <see cref="HedgeAfter"/> exactly.</value>
    public bool AdaptiveHedge { get; init; }

    /// <summary>The adaptive hedge's delay before enough round trips have been measured, when <see cref="HedgeAfter"/> does not bound it.</summary>
    internal static TimeSpan UnmeasuredHedgeDelay { get; } = TimeSpan.FromSeconds(1);

    /// <summary>Whether the request is to be hedged when it can be.</summary>
    internal bool Hedges => HedgeAfter is not null || AdaptiveHedge;
}
