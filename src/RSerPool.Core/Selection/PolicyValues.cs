using RSerPool.Wire.Parameters;

namespace RSerPool.Selection;

/// <summary>
/// One pool element's policy fields, read once when the element joins a policy's list (the typed
/// properties of <see cref="PoolPolicyParameter"/> parse the wire bytes on every call, too slow for
/// the selection loop).
/// </summary>
/// <remarks>
/// A field the element's policy does not carry takes a neutral value: weight 1 (RFC 5356 §4.2: WRR
/// with all weights 1 is RR), everything else 0. That happens when the user overrides the pool's
/// policy by name, or when a registrar mixes policies in one pool.
/// </remarks>
internal readonly record struct PolicyValues(
    uint Weight,
    uint Priority,
    uint Load,
    uint LoadDegradation,
    uint WeightDpf,
    uint LoadDpf,
    uint Distance)
{
    public static PolicyValues From(PoolPolicyParameter? policy) => policy is null
        ? new PolicyValues(1, 0, 0, 0, 0, 0, 0)
        : new PolicyValues(
            policy.Weight ?? 1,
            policy.Priority ?? 0,
            policy.Load ?? 0,
            policy.LoadDegradation ?? 0,
            policy.WeightDpf ?? 0,
            policy.LoadDpf ?? 0,
            policy.Distance ?? 0);
}
