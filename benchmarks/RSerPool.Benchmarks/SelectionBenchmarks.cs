using System;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using BenchmarkDotNet.Attributes;
using RSerPool.Selection;
using RSerPool.Wire.Parameters;

namespace RSerPool.Benchmarks;

/// <summary>
/// One pool-user selection from a cached list, the step every request to a pool takes
/// (RFC 5356 "Pool User Considerations"): round robin, weighted round robin, least used and
/// weighted random over 3 and 100 elements. Target: at least 5 million selections per second on
/// one core (at most 200 ns each) and 0 bytes allocated per selection.
/// </summary>
/// <remarks>
/// Each policy instance keeps its rotation state across invocations, as the cache entry that owns
/// it does; the list is the same array every time, as a cache hit hands it out. Weighted random uses
/// an unseeded <see cref="Random"/>, which is what <see cref="SelectionPolicies"/> creates by default
/// (a seeded one runs the slower .NET Framework-compatible generator).
/// </remarks>
[MemoryDiagnoser]
[SuppressMessage("Performance", "CA1515:Consider making public types internal", Justification = "BenchmarkDotNet runs public classes only.")]
public class SelectionBenchmarks
{
    private static readonly PoolHandle s_handle = PoolHandle.FromText("BenchmarkPool");

    private PoolElement[] _roundRobinPool = [];
    private PoolElement[] _weightedRoundRobinPool = [];
    private PoolElement[] _leastUsedPool = [];
    private PoolElement[] _weightedRandomPool = [];
    private RoundRobinPolicy _roundRobin = new();
    private WeightedRoundRobinPolicy _weightedRoundRobin = new();
    private LeastUsedPolicy _leastUsed = new();
    private WeightedRandomPolicy _weightedRandom = new();

    /// <summary>Number of cached pool elements (rsplib registrars answer with 3 by default, at most 128).</summary>
    [Params(3, 100)]
    public int PoolSize { get; set; }

    /// <summary>Builds the cached lists and fresh policies, and binds each policy to its list once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _roundRobinPool = Pool(PoolSize, _ => PoolPolicyParameter.RoundRobin());
        _weightedRoundRobinPool = Pool(PoolSize, i => PoolPolicyParameter.WeightedRoundRobin(1 + (i % 4)));
        _leastUsedPool = Pool(PoolSize, i => PoolPolicyParameter.LeastUsed((i % 5) * 0x10000000u));
        _weightedRandomPool = Pool(PoolSize, i => PoolPolicyParameter.WeightedRandom(1 + (i % 4)));

        _roundRobin = new RoundRobinPolicy();
        _weightedRoundRobin = new WeightedRoundRobinPolicy();
        _leastUsed = new LeastUsedPolicy();
        _weightedRandom = new WeightedRandomPolicy(new Random());

        // The first call per list allocates the policy's state; a cache hit never does.
        _ = RoundRobin();
        _ = WeightedRoundRobin();
        _ = LeastUsed();
        _ = WeightedRandom();
    }

    /// <summary>Round robin (RFC 5356 §4.1).</summary>
    [Benchmark(Baseline = true)]
    public PoolElement? RoundRobin() => _roundRobin.SelectOne(_roundRobinPool);

    /// <summary>Weighted round robin (RFC 5356 §4.2), weights 1 to 4.</summary>
    [Benchmark]
    public PoolElement? WeightedRoundRobin() => _weightedRoundRobin.SelectOne(_weightedRoundRobinPool);

    /// <summary>Least used (RFC 5356 §5.1), five load levels so ties rotate.</summary>
    [Benchmark]
    public PoolElement? LeastUsed() => _leastUsed.SelectOne(_leastUsedPool);

    /// <summary>Weighted random (RFC 5356 §4.4), weights 1 to 4.</summary>
    [Benchmark]
    public PoolElement? WeightedRandom() => _weightedRandom.SelectOne(_weightedRandomPool);

    private static PoolElement[] Pool(int size, Func<uint, PoolPolicyParameter> policy)
    {
        var elements = new PoolElement[size];
        for (uint i = 0; i < size; i++)
        {
            var transport = new SctpTransportParameter((ushort)(9000 + i), [IPAddress.Loopback]);
            elements[i] = new PoolElement(s_handle, 0x1000 + i, transport, policy(i), HomeRegistrarId: 1, RegistrationLife: 30_000);
        }

        return elements;
    }
}
