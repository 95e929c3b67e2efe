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
}
