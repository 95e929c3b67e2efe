using System;
using RSerPool.Selection;
using RSerPool.Wire.Parameters;
using Xunit;

namespace RSerPool.Tests.Selection;

/// <summary>The factory: policy parameter or type to policy, fallback, and the names users type.</summary>
public class SelectionPoliciesTests
{
    public static TheoryData<PoolPolicyType, Type, string> Types => new()
    {
        // The names are rsplib's PoolPolicyArray spellings (poolpolicy-template_impl.h).
        { PoolPolicyType.RoundRobin, typeof(RoundRobinPolicy), "RoundRobin" },
        { PoolPolicyType.WeightedRoundRobin, typeof(WeightedRoundRobinPolicy), "WeightedRoundRobin" },
        { PoolPolicyType.Random, typeof(RandomPolicy), "Random" },
        { PoolPolicyType.WeightedRandom, typeof(WeightedRandomPolicy), "WeightedRandom" },
        { PoolPolicyType.Priority, typeof(PriorityPolicy), "Priority" },
        { PoolPolicyType.LeastUsed, typeof(LeastUsedPolicy), "LeastUsed" },
        { PoolPolicyType.LeastUsedDegradation, typeof(LeastUsedDegradationPolicy), "LeastUsedDegradation" },
        { PoolPolicyType.PriorityLeastUsed, typeof(PriorityLeastUsedPolicy), "PriorityLeastUsed" },
        { PoolPolicyType.RandomizedLeastUsed, typeof(RandomizedLeastUsedPolicy), "RandomizedLeastUsed" },
        { PoolPolicyType.RandomizedPriorityLeastUsed, typeof(RandomizedPriorityLeastUsedPolicy), "RandomizedPriorityLeastUsed" },
        { PoolPolicyType.RandomizedLeastUsedDegradation, typeof(RandomizedLeastUsedDegradationPolicy), "RandomizedLeastUsedDegradation" },
        { PoolPolicyType.PriorityLeastUsedDegradation, typeof(PriorityLeastUsedDegradationPolicy), "PriorityLeastUsedDegradation" },
        { PoolPolicyType.RandomizedPriorityLeastUsedDegradation, typeof(RandomizedPriorityLeastUsedDegradationPolicy), "RandomizedPriorityLeastUsedDegradation" },
        { PoolPolicyType.WeightedRandomDpf, typeof(WeightedRandomDpfPolicy), "WeightedRandomDPF" },
        { PoolPolicyType.LeastUsedDpf, typeof(LeastUsedDpfPolicy), "LeastUsedDPF" },
        { PoolPolicyType.LeastUsedDegradationDpf, typeof(LeastUsedDegradationDpfPolicy), "LeastUsedDegradationDPF" },
    };

    [Theory]
    [MemberData(nameof(Types))]
    public void Create_KnownType_ThatPolicy(PoolPolicyType policyType, Type expected, string rsplibName)
    {
        PoolPolicyParameter parameter = SelectionTestPools.Generic(policyType, 1)[0].Policy;

        ISelectionPolicy policy = SelectionPolicies.Create(parameter, out bool isFallback);

        Assert.False(isFallback);
        Assert.IsType(expected, policy);
        Assert.Equal(policyType, policy.PolicyType);
        Assert.Equal(rsplibName, policy.Name);
        Assert.True(SelectionPolicies.TryParse(rsplibName, out PoolPolicyType parsed));
        Assert.Equal(policyType, parsed);
    }

    [Fact]
    public void Supported_ListsEveryTypeOnce()
    {
        Assert.Equal(16, SelectionPolicies.Supported.Count);
        Assert.Equal(Types.Count, SelectionPolicies.Supported.Count);
        Assert.Distinct(SelectionPolicies.Supported);
    }

    [Fact]
    public void Create_NoPolicyParameter_RoundRobinWithoutFallback()
    {
        // RFC 5352 §2.2.6: a response without a policy means round robin, the default policy.
        ISelectionPolicy policy = SelectionPolicies.Create((PoolPolicyParameter?)null, out bool isFallback);

        Assert.IsType<RoundRobinPolicy>(policy);
        Assert.False(isFallback);
    }

    [Theory]
    [InlineData(0x00000000u)] // invalid (RFC 5356 §7)
    [InlineData(0x40000000u)] // invalid
    [InlineData(0x00000006u)] // reserved by the IETF
    [InlineData(0x40000005u)] // reserved by the IETF
    [InlineData(0x80000000u)] // private use
    [InlineData(0xb0002004u)] // rsplib PriorityLeastUsedDPF: no wire encoding in rsplib
    [InlineData(0xffffffffu)]
    public void Create_UnknownType_FallsBackToRoundRobin(uint rawType)
    {
        var parameter = PoolPolicyParameter.FromRaw(rawType, [0, 0, 0, 1]);

        ISelectionPolicy policy = SelectionPolicies.Create(parameter, out bool isFallback);

        Assert.True(isFallback);
        Assert.IsType<RoundRobinPolicy>(policy);
        Assert.Equal(PoolPolicyType.RoundRobin, policy.PolicyType);
        Assert.False(SelectionPolicies.TryCreate((PoolPolicyType)rawType, out ISelectionPolicy? none));
        Assert.Null(none);
        Assert.Equal("0x" + rawType.ToString("x8", System.Globalization.CultureInfo.InvariantCulture), SelectionPolicies.GetName((PoolPolicyType)rawType));
    }

    [Fact]
    public void Create_EachCallNewState()
    {
        PoolPolicyParameter parameter = PoolPolicyParameter.RoundRobin();

        Assert.NotSame(SelectionPolicies.Create(parameter), SelectionPolicies.Create(parameter));
    }

    [Theory]
    [InlineData("RoundRobin", PoolPolicyType.RoundRobin)]
    [InlineData("roundrobin", PoolPolicyType.RoundRobin)]
    [InlineData(" ROUND-ROBIN ", PoolPolicyType.RoundRobin)]
    [InlineData("RR", PoolPolicyType.RoundRobin)]
    [InlineData("wrr", PoolPolicyType.WeightedRoundRobin)]
    [InlineData("weighted_round_robin", PoolPolicyType.WeightedRoundRobin)]
    [InlineData("Rand", PoolPolicyType.Random)]
    [InlineData("Random", PoolPolicyType.Random)]
    [InlineData("WRAND", PoolPolicyType.WeightedRandom)]
    [InlineData("prio", PoolPolicyType.Priority)]
    [InlineData("LU", PoolPolicyType.LeastUsed)]
    [InlineData("lud", PoolPolicyType.LeastUsedDegradation)]
    [InlineData("Least Used with Degradation", PoolPolicyType.LeastUsedDegradation)]
    [InlineData("PLU", PoolPolicyType.PriorityLeastUsed)]
    [InlineData("RLU", PoolPolicyType.RandomizedLeastUsed)]
    [InlineData("RPLU", PoolPolicyType.RandomizedPriorityLeastUsed)]
    [InlineData("RLUD", PoolPolicyType.RandomizedLeastUsedDegradation)]
    [InlineData("PLUD", PoolPolicyType.PriorityLeastUsedDegradation)]
    [InlineData("RPLUD", PoolPolicyType.RandomizedPriorityLeastUsedDegradation)]
    [InlineData("WRAND-DPF", PoolPolicyType.WeightedRandomDpf)]
    [InlineData("weightedrandomdpf", PoolPolicyType.WeightedRandomDpf)]
    [InlineData("LU-DPF", PoolPolicyType.LeastUsedDpf)]
    [InlineData("LUD-DPF", PoolPolicyType.LeastUsedDegradationDpf)]
    [InlineData("0x40000002", PoolPolicyType.LeastUsedDegradation)]
    [InlineData("0XB0001004", PoolPolicyType.RandomizedPriorityLeastUsedDegradation)]
    public void TryParse_KnownName(string name, PoolPolicyType expected)
    {
        Assert.True(SelectionPolicies.TryParse(name, out PoolPolicyType parsed));
        Assert.Equal(expected, parsed);
        Assert.Equal(expected, SelectionPolicies.CreateByName(name).PolicyType);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("Foo")]
    [InlineData("RoundRobin:3")] // rspserver's "-policy=Name:param" form; the parameter is not a name
    [InlineData("PriorityLeastUsedDPF")] // in rsplib's table but without wire codec
    [InlineData("0x12345678")]
    [InlineData("0x")]
    [InlineData("1")]
    public void TryParse_UnknownName_False(string? name)
    {
        Assert.False(SelectionPolicies.TryParse(name, out PoolPolicyType parsed));
        Assert.Equal(default, parsed);
    }

    [Fact]
    public void CreateByName_Unknown_ThrowsListingNames()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => SelectionPolicies.CreateByName("Fastest"));

        Assert.Equal("name", error.ParamName);
        Assert.Contains("LeastUsedDegradationDPF", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateByName_PassesRandomSource()
    {
        PoolElement[] elements = SelectionTestPools.Generic(PoolPolicyType.Random, 10);

        uint[] a = SelectionTestPools.SelectOneSequence(SelectionPolicies.CreateByName("RAND", new Random(11)), elements, 50);
        uint[] b = SelectionTestPools.SelectOneSequence(SelectionPolicies.CreateByName("RAND", new Random(11)), elements, 50);

        Assert.Equal(a, b);
    }
}
