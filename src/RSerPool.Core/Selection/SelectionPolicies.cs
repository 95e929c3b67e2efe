using System;
using System.Collections.Frozen;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using RSerPool.Wire.Parameters;

namespace RSerPool.Selection;

/// <summary>
/// Creates the <see cref="ISelectionPolicy"/> for a pool: from the policy the registrar returned,
/// from a policy type, or from a name the user typed.
/// </summary>
/// <remarks>
/// Every call returns a new instance with its own rotation state; the owner of a pool's cache entry
/// keeps that one instance for as long as the entry lives. rsplib's PRIO-DPF policies (0xb0002004,
/// 0xb0002005) have no wire encoding in rsplib and so never reach a pool user; they are not offered.
/// </remarks>
public static class SelectionPolicies
{
    private static readonly PoolPolicyType[] s_supported =
    [
        PoolPolicyType.RoundRobin,
        PoolPolicyType.WeightedRoundRobin,
        PoolPolicyType.Random,
        PoolPolicyType.WeightedRandom,
        PoolPolicyType.Priority,
        PoolPolicyType.LeastUsed,
        PoolPolicyType.LeastUsedDegradation,
        PoolPolicyType.PriorityLeastUsed,
        PoolPolicyType.RandomizedLeastUsed,
        PoolPolicyType.RandomizedPriorityLeastUsed,
        PoolPolicyType.RandomizedLeastUsedDegradation,
        PoolPolicyType.PriorityLeastUsedDegradation,
        PoolPolicyType.RandomizedPriorityLeastUsedDegradation,
        PoolPolicyType.WeightedRandomDpf,
        PoolPolicyType.LeastUsedDpf,
        PoolPolicyType.LeastUsedDegradationDpf,
    ];

    // rsplib's rsp_getpolicybyname() spellings (exact, case-sensitive there; case-insensitive here),
    // the RFC 5356 abbreviations, rsplib's abbreviations for its private policies, and the RFC title
    // of LUD. Hyphens, underscores and blanks are ignored before the lookup.
    private static readonly FrozenDictionary<string, PoolPolicyType> s_byName = new Dictionary<string, PoolPolicyType>
    {
        ["RoundRobin"] = PoolPolicyType.RoundRobin,
        ["RR"] = PoolPolicyType.RoundRobin,
        ["WeightedRoundRobin"] = PoolPolicyType.WeightedRoundRobin,
        ["WRR"] = PoolPolicyType.WeightedRoundRobin,
        ["Random"] = PoolPolicyType.Random,
        ["RAND"] = PoolPolicyType.Random,
        ["WeightedRandom"] = PoolPolicyType.WeightedRandom,
        ["WRAND"] = PoolPolicyType.WeightedRandom,
        ["Priority"] = PoolPolicyType.Priority,
        ["PRIO"] = PoolPolicyType.Priority,
        ["LeastUsed"] = PoolPolicyType.LeastUsed,
        ["LU"] = PoolPolicyType.LeastUsed,
        ["LeastUsedDegradation"] = PoolPolicyType.LeastUsedDegradation,
        ["LeastUsedWithDegradation"] = PoolPolicyType.LeastUsedDegradation,
        ["LUD"] = PoolPolicyType.LeastUsedDegradation,
        ["PriorityLeastUsed"] = PoolPolicyType.PriorityLeastUsed,
        ["PLU"] = PoolPolicyType.PriorityLeastUsed,
        ["RandomizedLeastUsed"] = PoolPolicyType.RandomizedLeastUsed,
        ["RLU"] = PoolPolicyType.RandomizedLeastUsed,
        ["RandomizedPriorityLeastUsed"] = PoolPolicyType.RandomizedPriorityLeastUsed,
        ["RPLU"] = PoolPolicyType.RandomizedPriorityLeastUsed,
        ["RandomizedLeastUsedDegradation"] = PoolPolicyType.RandomizedLeastUsedDegradation,
        ["RLUD"] = PoolPolicyType.RandomizedLeastUsedDegradation,
        ["PriorityLeastUsedDegradation"] = PoolPolicyType.PriorityLeastUsedDegradation,
        ["PLUD"] = PoolPolicyType.PriorityLeastUsedDegradation,
        ["RandomizedPriorityLeastUsedDegradation"] = PoolPolicyType.RandomizedPriorityLeastUsedDegradation,
        ["RPLUD"] = PoolPolicyType.RandomizedPriorityLeastUsedDegradation,
        ["WeightedRandomDPF"] = PoolPolicyType.WeightedRandomDpf,
        ["WRANDDPF"] = PoolPolicyType.WeightedRandomDpf,
        ["LeastUsedDPF"] = PoolPolicyType.LeastUsedDpf,
        ["LUDPF"] = PoolPolicyType.LeastUsedDpf,
        ["LeastUsedDegradationDPF"] = PoolPolicyType.LeastUsedDegradationDpf,
        ["LUDDPF"] = PoolPolicyType.LeastUsedDegradationDpf,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every policy type this library can select with, RFC 5356 first, then rsplib's.</summary>
    public static IReadOnlyList<PoolPolicyType> Supported => s_supported;

    /// <summary>Whether a policy type can be selected with.</summary>
    /// <param name="policyType">A policy type, possibly one this library does not know.</param>
    public static bool IsSupported(PoolPolicyType policyType) => Array.IndexOf(s_supported, policyType) >= 0;

    /// <summary>
    /// The policy for a registrar's answer: round robin when there is no policy parameter (RFC 5352
    /// §2.2.6) or its type is not supported (see the overload with <c>isFallback</c> to tell).
    /// </summary>
    /// <param name="policy">The pool's policy parameter; may be <see langword="null"/>.</param>
    /// <param name="random">Random source for the random policies; <see langword="null"/> = a new unseeded one.</param>
    /// <returns>A new policy instance.</returns>
    public static ISelectionPolicy Create(PoolPolicyParameter? policy, Random? random = null) => Create(policy, out _, random);

    /// <summary>
    /// The policy for a registrar's answer. No policy parameter means round robin (RFC 5352 §2.2.6,
    /// RFC 5356 §4.1: the default every component supports); an unsupported type also falls back to
    /// round robin.
    /// </summary>
    /// <param name="policy">The pool's policy parameter, usually that of the first pool element; may be <see langword="null"/>.</param>
    /// <param name="isFallback"><see langword="true"/> when <paramref name="policy"/> named a type this library does not support.</param>
    /// <param name="random">Random source for the random policies; <see langword="null"/> = a new unseeded one.</param>
    /// <returns>A new policy instance.</returns>
    public static ISelectionPolicy Create(PoolPolicyParameter? policy, out bool isFallback, Random? random = null)
    {
        if (policy is null)
        {
            isFallback = false;
            return new RoundRobinPolicy();
        }

        return Create(policy.PolicyType, out isFallback, random);
    }

    /// <summary>The policy for a policy type; an unsupported type falls back to round robin.</summary>
    /// <param name="policyType">The policy type, possibly one this library does not know.</param>
    /// <param name="isFallback"><see langword="true"/> when <paramref name="policyType"/> is not supported.</param>
    /// <param name="random">Random source for the random policies; <see langword="null"/> = a new unseeded one.</param>
    /// <returns>A new policy instance.</returns>
    public static ISelectionPolicy Create(PoolPolicyType policyType, out bool isFallback, Random? random = null)
    {
        if (TryCreate(policyType, out ISelectionPolicy? policy, random))
        {
            isFallback = false;
            return policy;
        }

        // rsplib's parser rejects the whole response instead; a pool user that can still reach the
        // elements serves its user better with the policy every component must support.
        isFallback = true;
        return new RoundRobinPolicy();
    }

    /// <summary>The policy for a policy type, if supported.</summary>
    /// <param name="policyType">The policy type.</param>
    /// <param name="policy">A new policy instance, or <see langword="null"/>.</param>
    /// <param name="random">Random source for the random policies; <see langword="null"/> = a new unseeded one.</param>
    /// <returns>Whether the type is supported.</returns>
    public static bool TryCreate(PoolPolicyType policyType, [NotNullWhen(true)] out ISelectionPolicy? policy, Random? random = null)
    {
        policy = policyType switch
        {
            PoolPolicyType.RoundRobin => new RoundRobinPolicy(),
            PoolPolicyType.WeightedRoundRobin => new WeightedRoundRobinPolicy(),
            PoolPolicyType.Random => new RandomPolicy(random),
            PoolPolicyType.WeightedRandom => new WeightedRandomPolicy(random),
            PoolPolicyType.Priority => new PriorityPolicy(),
            PoolPolicyType.LeastUsed => new LeastUsedPolicy(),
            PoolPolicyType.LeastUsedDegradation => new LeastUsedDegradationPolicy(),
            PoolPolicyType.PriorityLeastUsed => new PriorityLeastUsedPolicy(),
            PoolPolicyType.RandomizedLeastUsed => new RandomizedLeastUsedPolicy(random),
            PoolPolicyType.RandomizedPriorityLeastUsed => new RandomizedPriorityLeastUsedPolicy(random),
            PoolPolicyType.RandomizedLeastUsedDegradation => new RandomizedLeastUsedDegradationPolicy(random),
            PoolPolicyType.PriorityLeastUsedDegradation => new PriorityLeastUsedDegradationPolicy(),
            PoolPolicyType.RandomizedPriorityLeastUsedDegradation => new RandomizedPriorityLeastUsedDegradationPolicy(random),
            PoolPolicyType.WeightedRandomDpf => new WeightedRandomDpfPolicy(random),
            PoolPolicyType.LeastUsedDpf => new LeastUsedDpfPolicy(),
            PoolPolicyType.LeastUsedDegradationDpf => new LeastUsedDegradationDpfPolicy(),
            _ => null,
        };
        return policy is not null;
    }

    /// <summary>The policy a user named, e.g. to override the pool's policy.</summary>
    /// <param name="name">A name accepted by <see cref="TryParse"/>.</param>
    /// <param name="random">Random source for the random policies; <see langword="null"/> = a new unseeded one.</param>
    /// <returns>A new policy instance.</returns>
    /// <exception cref="ArgumentException">The name is not a supported policy.</exception>
    public static ISelectionPolicy CreateByName(string name, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!TryParse(name, out PoolPolicyType policyType) || !TryCreate(policyType, out ISelectionPolicy? policy, random))
        {
            throw new ArgumentException($"'{name}' is not a supported pool policy; use one of: {string.Join(", ", GetNames())}.", nameof(name));
        }

        return policy;
    }

    /// <summary>
    /// Reads a policy name, ignoring case, hyphens, underscores and blanks: rsplib's names as
    /// <c>rsp_getpolicybyname()</c> spells them (<c>RoundRobin</c>, <c>LeastUsedDegradationDPF</c>, ...),
    /// the abbreviations <c>RR</c>, <c>WRR</c>, <c>RAND</c>, <c>WRAND</c>, <c>PRIO</c>, <c>LU</c>,
    /// <c>LUD</c>, <c>PLU</c>, <c>RLU</c>, <c>RPLU</c>, <c>RLUD</c>, <c>PLUD</c>, <c>RPLUD</c>,
    /// <c>WRAND-DPF</c>, <c>LU-DPF</c>, <c>LUD-DPF</c>, or a policy number such as <c>0x40000001</c>.
    /// </summary>
    /// <param name="name">The name.</param>
    /// <param name="policyType">The supported policy type it names.</param>
    /// <returns>Whether the name denotes a supported policy.</returns>
    public static bool TryParse([NotNullWhen(true)] string? name, out PoolPolicyType policyType)
    {
        policyType = default;
        if (string.IsNullOrWhiteSpace(name))
        {
            return false;
        }

        string key = name.Trim().Replace("-", "", StringComparison.Ordinal)
            .Replace("_", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
        if (s_byName.TryGetValue(key, out policyType))
        {
            return true;
        }

        if (key.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            && uint.TryParse(key.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint number)
            && IsSupported((PoolPolicyType)number))
        {
            policyType = (PoolPolicyType)number;
            return true;
        }

        policyType = default;
        return false;
    }

    /// <summary>The policy's name as rsplib's <c>rsp_getpolicybytype()</c> returns it; hex for others.</summary>
    /// <param name="policyType">The policy type.</param>
    public static string GetName(PoolPolicyType policyType) => policyType switch
    {
        PoolPolicyType.WeightedRandomDpf => "WeightedRandomDPF",
        PoolPolicyType.LeastUsedDpf => "LeastUsedDPF",
        PoolPolicyType.LeastUsedDegradationDpf => "LeastUsedDegradationDPF",
        _ when IsSupported(policyType) => policyType.ToString(),
        _ => "0x" + ((uint)policyType).ToString("x8", CultureInfo.InvariantCulture),
    };

    /// <summary>The rsplib names of all supported policies, in <see cref="Supported"/> order.</summary>
    public static IEnumerable<string> GetNames()
    {
        foreach (PoolPolicyType policyType in s_supported)
        {
            yield return GetName(policyType);
        }
    }
}
