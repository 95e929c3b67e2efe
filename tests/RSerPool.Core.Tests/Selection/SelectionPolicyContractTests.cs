using System;
using System.Collections.Generic;
using System.Linq;
using RSerPool.Selection;
using RSerPool.Wire.Parameters;
using Xunit;

namespace RSerPool.Tests.Selection;

/// <summary>What every policy promises, checked for each of the sixteen supported policies.</summary>
public class SelectionPolicyContractTests
{
    public static TheoryData<PoolPolicyType> AllPolicies => new(SelectionPolicies.Supported);

    [Theory]
    [MemberData(nameof(AllPolicies))]
    public void EmptyCandidates_SelectNothing(PoolPolicyType policyType)
    {
        ISelectionPolicy policy = Create(policyType);

        Assert.Null(policy.SelectOne([]));
        Assert.Equal(0, policy.Select([], new PoolElement[3]));
    }

    [Theory]
    [MemberData(nameof(AllPolicies))]
    public void AllExcluded_SelectNothing(PoolPolicyType policyType)
    {
        ISelectionPolicy policy = Create(policyType);
        PoolElement[] elements = SelectionTestPools.Generic(policyType, 3);
        var excluded = new HashSet<uint> { 1, 2, 3 };

        Assert.Null(policy.SelectOne(elements, excluded));
        Assert.Equal(0, policy.Select(elements, new PoolElement[3], excluded));
        Assert.NotNull(policy.SelectOne(elements)); // the state was not spoiled by the empty calls
    }

    [Theory]
    [MemberData(nameof(AllPolicies))]
    public void Excluded_NeverSelected(PoolPolicyType policyType)
    {
        ISelectionPolicy policy = Create(policyType);
        PoolElement[] elements = SelectionTestPools.Generic(policyType, 4);
        ReadOnlySpan<uint> excluded = [1, 3];
        var destination = new PoolElement[4];

        for (int i = 0; i < 500; i++)
        {
            PoolElement? one = policy.SelectOne(elements, excluded);
            Assert.NotNull(one);
            Assert.DoesNotContain(one.Identifier, excluded.ToArray());

            Assert.Equal(2, policy.Select(elements, destination, excluded));
            Assert.Equal([2u, 4], destination.Take(2).Select(e => e.Identifier).Order().ToArray());
        }
    }

    [Theory]
    [MemberData(nameof(AllPolicies))]
    public void CountAboveCandidates_ReturnsEachCandidateOnce(PoolPolicyType policyType)
    {
        ISelectionPolicy policy = Create(policyType);
        PoolElement[] elements = SelectionTestPools.Generic(policyType, 3);
        var destination = new PoolElement[10];

        int written = policy.Select(elements, destination);

        Assert.Equal(3, written);
        Assert.Equal([1u, 2, 3], destination.Take(written).Select(e => e.Identifier).Order().ToArray());
        Assert.All(destination.Skip(written), e => Assert.Null(e));
    }

    [Theory]
    [MemberData(nameof(AllPolicies))]
    public void SameSeed_SameSelections(PoolPolicyType policyType)
    {
        PoolElement[] elements = SelectionTestPools.Generic(policyType, 7);
        ISelectionPolicy first = Create(policyType, seed: 99);
        ISelectionPolicy second = Create(policyType, seed: 99);

        uint[] a = SelectionTestPools.SelectOneSequence(first, elements, 200);
        uint[] b = SelectionTestPools.SelectOneSequence(second, elements, 200);

        Assert.Equal(a, b);
    }

    [Theory]
    [MemberData(nameof(AllPolicies))]
    public void SelectFirst_IsWhatSelectOneChooses(PoolPolicyType policyType)
    {
        PoolElement[] elements = SelectionTestPools.Generic(policyType, 5);
        ISelectionPolicy one = Create(policyType, seed: 4);
        ISelectionPolicy many = Create(policyType, seed: 4);
        var destination = new PoolElement[3];

        Assert.Equal(3, many.Select(elements, destination));
        Assert.Same(one.SelectOne(elements), destination[0]);
    }

    [Theory]
    [MemberData(nameof(AllPolicies))]
    public void Identity_MatchesType(PoolPolicyType policyType)
    {
        ISelectionPolicy policy = Create(policyType);

        Assert.Equal(policyType, policy.PolicyType);
        Assert.Equal(SelectionPolicies.GetName(policyType), policy.Name);
        bool isPureRandom = policyType is PoolPolicyType.Random or PoolPolicyType.WeightedRandom or PoolPolicyType.WeightedRandomDpf;
        Assert.Equal(isPureRandom ? 0 : 1, policy.MaxIncrement); // rsplib's DefaultMaxIncrement
    }

    [Theory]
    [MemberData(nameof(AllPolicies))]
    public void NullInList_Throws(PoolPolicyType policyType)
    {
        ISelectionPolicy policy = Create(policyType);
        PoolElement[] elements = [SelectionTestPools.Generic(policyType, 1)[0], null!];

        Assert.Throws<ArgumentException>(() => policy.SelectOne(elements));
    }

    private static ISelectionPolicy Create(PoolPolicyType policyType, int seed = 1)
    {
        ISelectionPolicy policy = SelectionPolicies.Create(policyType, out bool isFallback, new Random(seed));
        Assert.False(isFallback);
        return policy;
    }
}
