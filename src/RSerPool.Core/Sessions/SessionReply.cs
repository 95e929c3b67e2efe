using System;
using System.Collections.Generic;

namespace RSerPool.Sessions;

/// <summary>The answer to one request on a <see cref="PoolSession"/>.</summary>
/// <param name="Messages">The user messages that made up the answer, in order.</param>
/// <param name="Element">The pool element that answered.</param>
/// <param name="RoundTrip">From the (last) send to the last message of the answer.</param>
/// <param name="FailedOver">Whether the session moved to another element during this request.</param>
/// <param name="Attempts">How many times the request was sent.</param>
public sealed record SessionReply(IReadOnlyList<SessionMessage> Messages, PoolElement Element, TimeSpan RoundTrip, bool FailedOver, int Attempts)
{
    /// <summary>Whether the request also went to the standby element (<see cref="RequestOptions.HedgeAfter"/>).</summary>
    public bool Hedged { get; init; }
}

/// <summary>One user message received on a session.</summary>
/// <param name="Data">The bytes.</param>
/// <param name="PayloadProtocolId">The PPID it arrived with (never 11: ASAP control messages are handled by the session).</param>
/// <param name="Stream">The SCTP stream.</param>
public sealed record SessionMessage(ReadOnlyMemory<byte> Data, uint PayloadProtocolId, ushort Stream);
