using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using RSerPool.Selection;
using RSerPool.Wire.Parameters;
using Xunit;

namespace RSerPool.Tests.Selection;

/// <summary>Builds pool elements for selection tests and runs selections into identifier lists.</summary>
internal static class SelectionTestPools
{
    private static readonly PoolHandle s_handle = PoolHandle.FromText("SelectionPool");

    public static PoolElement Element(uint identifier, PoolPolicyParameter policy) =>
        new(s_handle, identifier, new SctpTransportParameter(9000, [IPAddress.Loopback]), policy, HomeRegistrarId: 0, RegistrationLife: 30_000);

    /// <summary>Elements 1..n, element i carrying <paramref name="fields"/>[i - 1] as its policy fields in wire order.</summary>
    public static PoolElement[] Elements(PoolPolicyType policyType, uint[][] fields)
    {
        var elements = new PoolElement[fields.Length];
        for (int i = 0; i < fields.Length; i++)
        {
            elements[i] = Element((uint)i + 1, PoolPolicyParameter.Create(policyType, fields[i]));
        }

        return elements;
    }

    /// <summary>
    /// <paramref name="count"/> elements 1..n with valid, distinct fields for any supported policy: weights
    /// above 0, loads rising with the identifier, no distance penalty.
    /// </summary>
    public static PoolElement[] Generic(PoolPolicyType policyType, int count)
    {
        var fields = new uint[count][];
        for (uint i = 0; i < count; i++)
        {
            uint load = i * 1000;
            fields[i] = policyType switch
            {
                PoolPolicyType.RoundRobin or PoolPolicyType.Random => [],
                PoolPolicyType.WeightedRoundRobin or PoolPolicyType.WeightedRandom => [10 + i],
                PoolPolicyType.Priority => [i % 4],
                PoolPolicyType.LeastUsed or PoolPolicyType.RandomizedLeastUsed => [load],
                PoolPolicyType.WeightedRandomDpf => [10 + i, 0, 0],
                PoolPolicyType.LeastUsedDpf => [load, 0, 0],
                PoolPolicyType.LeastUsedDegradationDpf => [load, 10, 0, 0],
                _ => [load, 10],
            };
        }

        return Elements(policyType, fields);
    }

    public static ISelectionPolicy Policy(string name, int seed = 20240501)
    {
        Assert.True(SelectionPolicies.TryParse(name, out PoolPolicyType policyType), name);
        Assert.True(SelectionPolicies.TryCreate(policyType, out ISelectionPolicy? policy, new Random(seed)));
        return policy;
    }

    public static PoolPolicyType Type(string name)
    {
        Assert.True(SelectionPolicies.TryParse(name, out PoolPolicyType policyType), name);
        return policyType;
    }

    /// <summary>Identifiers chosen by <paramref name="rounds"/> calls of SelectOne.</summary>
    public static uint[] SelectOneSequence(ISelectionPolicy policy, PoolElement[] elements, int rounds, ExclusionSet excluded = default)
    {
        var chosen = new uint[rounds];
        for (int i = 0; i < rounds; i++)
        {
            PoolElement? element = policy.SelectOne(elements, excluded);
            Assert.NotNull(element);
            chosen[i] = element.Identifier;
        }

        return chosen;
    }

    /// <summary>"1,2|2,3": identifiers of each multi-element call, calls separated by '|'.</summary>
    public static string SelectBatches(ISelectionPolicy policy, PoolElement[] elements, int count, int calls)
    {
        var batches = new List<string>();
        var destination = new PoolElement[count];
        for (int call = 0; call < calls; call++)
        {
            int written = policy.Select(elements, destination);
            var ids = new string[written];
            for (int i = 0; i < written; i++)
            {
                ids[i] = destination[i].Identifier.ToString(CultureInfo.InvariantCulture);
            }

            batches.Add(string.Join(",", ids));
        }

        return string.Join("|", batches);
    }
}
