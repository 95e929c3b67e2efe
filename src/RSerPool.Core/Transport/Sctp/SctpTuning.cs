namespace RSerPool.Transport.Sctp;

/// <summary>Failure-detection settings as the kernel reports them for an association.</summary>
internal readonly record struct SctpTuning(uint RtoInitialMs, uint RtoMaxMs, uint RtoMinMs, ushort MaxRetransmits, uint HeartbeatIntervalMs, ushort PathMaxRetransmits);
