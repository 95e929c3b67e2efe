namespace RSerPool.Wire.Parameters;

/// <summary>
/// Pool member selection policy types (RFC 5356 §4, §5, §7; rsplib <c>rserpool-policytypes.h</c>).
/// </summary>
/// <remarks>
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |X|A|                      policy number                        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// X = private (non-standard) policy, A = adaptive (RFC 5356 §7). rsplib's private policies have A = 0
/// although they are adaptive. Values not listed here are kept as they came (see
/// <see cref="PoolPolicyParameter.IsKnown"/>).
/// </remarks>
public enum PoolPolicyType : uint
{
    /// <summary>Round Robin, RR (RFC 5356 §4.1): no fields. The default when a response carries no policy.</summary>
    RoundRobin = 0x00000001,

    /// <summary>Weighted Round Robin, WRR (RFC 5356 §4.2): weight.</summary>
    WeightedRoundRobin = 0x00000002,

    /// <summary>Random, RAND (RFC 5356 §4.3): no fields.</summary>
    Random = 0x00000003,

    /// <summary>Weighted Random, WRAND (RFC 5356 §4.4): weight.</summary>
    WeightedRandom = 0x00000004,

    /// <summary>Priority, PRIO (RFC 5356 §4.5): priority.</summary>
    Priority = 0x00000005,

    /// <summary>Least Used, LU (RFC 5356 §5.1): load.</summary>
    LeastUsed = 0x40000001,

    /// <summary>Least Used with Degradation, LUD (RFC 5356 §5.2): load, load degradation.</summary>
    LeastUsedDegradation = 0x40000002,

    /// <summary>Priority Least Used, PLU (RFC 5356 §5.3): load, load degradation.</summary>
    PriorityLeastUsed = 0x40000003,

    /// <summary>Randomized Least Used, RLU (RFC 5356 §5.4): load.</summary>
    RandomizedLeastUsed = 0x40000004,

    /// <summary>rsplib RandomizedPriorityLeastUsed (RPLU): load, load degradation.</summary>
    RandomizedPriorityLeastUsed = 0xb0001001,

    /// <summary>rsplib RandomizedLeastUsedDegradation (RLUD): load, load degradation.</summary>
    RandomizedLeastUsedDegradation = 0xb0001002,

    /// <summary>rsplib PriorityLeastUsedDegradation (PLUD): load, load degradation.</summary>
    PriorityLeastUsedDegradation = 0xb0001003,

    /// <summary>rsplib RandomizedPriorityLeastUsedDegradation (RPLUD): load, load degradation.</summary>
    RandomizedPriorityLeastUsedDegradation = 0xb0001004,

    /// <summary>rsplib WeightedRandomDPF (WRAND-DPF): weight, weight DPF, distance.</summary>
    WeightedRandomDpf = 0xb0002001,

    /// <summary>rsplib LeastUsedDPF (LU-DPF): load, load DPF, distance.</summary>
    LeastUsedDpf = 0xb0002002,

    /// <summary>rsplib LeastUsedDegradationDPF (LUD-DPF): load, load degradation, load DPF, distance.</summary>
    LeastUsedDegradationDpf = 0xb0002003,
}
