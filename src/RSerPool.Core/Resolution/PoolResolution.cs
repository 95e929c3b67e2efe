using System;
using System.Collections.Generic;
using RSerPool.Registrars;
using RSerPool.Wire.Parameters;

namespace RSerPool.Resolution;

/// <summary>A registrar's answer for one pool: its overall policy and elements, with where and when it came from.</summary>
/// <param name="PoolHandle">The pool.</param>
/// <param name="Policy">The overall selection policy; round robin when the response had none (RFC 5352 §2.2.6).</param>
/// <param name="Elements">The elements the registrar returned (possibly a subset of the pool).</param>
/// <param name="Registrar">The registrar that answered.</param>
/// <param name="ResolvedAt">When the answer arrived.</param>
/// <param name="FromCache">Whether this copy came from the cache rather than the network.</param>
public sealed record PoolResolution(
    PoolHandle PoolHandle,
    PoolPolicyParameter Policy,
    IReadOnlyList<PoolElement> Elements,
    RegistrarAddress? Registrar,
    DateTimeOffset ResolvedAt,
    bool FromCache);
