using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using RSerPool.Client;
using RSerPool.Integration.Lab;
using RSerPool.Registrars;
using RSerPool.Resolution;
using RSerPool.Wire.Parameters;
using Xunit;
using Xunit.Abstractions;

namespace RSerPool.Integration.Resolution;

/// <summary>Registrars, handle resolution and failure reports against rsplib's registrar (issue 5).</summary>
[Collection("Lab")]
public sealed class ResolutionLabTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private readonly LabPool _pool = new();
    private readonly ITestOutputHelper _output;

    public ResolutionLabTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _pool.Dispose();

    [LabFact]
    public async Task Resolve_ThreeEchoElements_AsRegistered()
    {
        IPEndPoint registrar = new(IPAddress.Loopback, 3871);
        _pool.StartRegistrar("reg", registrar, 9871);
        var weights = new Dictionary<uint, uint> { [0x0000e101] = 1, [0x0000e102] = 2, [0x0000e103] = 3 };
        int port = 7201;
        foreach ((uint id, uint weight) in weights)
        {
            _pool.StartPoolElement($"pe{weight}", "echo", "ResolvePool", id, registrar, $"{LabPool.PoolAddress}:{port++}", $"-policy=WeightedRoundRobin:{weight}");
        }

        _pool.WaitRegistered("ResolvePool", 3, registrar);
        await using var user = NewPoolUser(registrar);

        PoolResolution r = await user.ResolveAsync("ResolvePool");

        Assert.Equal(weights.Keys.OrderBy(k => k), r.Elements.Select(e => e.Identifier).OrderBy(k => k));
        Assert.Equal(PoolPolicyType.WeightedRoundRobin, r.Policy.PolicyType);
        Assert.Equal(new RegistrarAddress(new[] { registrar }), r.Registrar);
        foreach (PoolElement e in r.Elements)
        {
            Assert.Equal(weights[e.Identifier], e.Policy.Weight);
            Assert.Equal(7200 + (int)weights[e.Identifier], e.Port);
            Assert.Contains(LabPool.PoolAddress, e.EndPoints.Select(p => p.Address));
            Assert.IsType<SctpTransportParameter>(e.Transport);
            _output.WriteLine($"{e.IdentifierText} {string.Join(",", e.EndPoints)} {e.Policy} life {e.RegistrationLife}");
        }
    }

    [LabFact]
    public async Task Resolve_UnknownPool_IsPoolHandleNotFound_InOneRoundTrip()
    {
        IPEndPoint registrar = new(IPAddress.Loopback, 3872);
        _pool.StartRegistrar("reg", registrar, 9872);
        // A long T1 and no retransmission: only the registrar's own answer can end this quickly.
        await using var user = NewPoolUser(registrar, o => o with { RequestTimeout = TimeSpan.FromMinutes(5), MaxRequestRetransmits = 0 });

        var error = await Assert.ThrowsAsync<RSerPoolException>(() => user.ResolveAsync("NoSuchPool"));

        Assert.Equal(PoolFailure.PoolHandleNotFound, error.Failure);
        Assert.Equal(ErrorCauseCode.UnknownPoolHandle, error.WireErrorCause);
    }

    [LabFact]
    public async Task KillingTheHomeRegistrar_DoesNotStopResolutions()
    {
        IPEndPoint a = new(IPAddress.Loopback, 3873), b = new(IPAddress.Loopback, 3874);
        _pool.StartRegistrar("reg-a", a, 9873, new[] { 9874 });
        _pool.StartRegistrar("reg-b", b, 9874, new[] { 9873 });
        _pool.StartPoolElement("pe", "echo", "TwoRegistrarPool", 0x0000e301, a, $"{LabPool.PoolAddress}:7301");
        _pool.WaitRegistered("TwoRegistrarPool", 1, a);
        _pool.WaitRegistered("TwoRegistrarPool", 1, b); // ENRP has copied the pool to the peer
        await using var user = NewPoolUser(new[] { a, b });

        // The hunt asks both at once and keeps whichever answers first (either, on a busy guest): kill that one.
        PoolResolution before = await user.ResolveAsync("TwoRegistrarPool");
        bool homeIsA = before.Registrar == new RegistrarAddress(new[] { a });
        Assert.True(homeIsA || before.Registrar == new RegistrarAddress(new[] { b }), $"home registrar {before.Registrar}");
        _pool.Kill(homeIsA ? "reg-a" : "reg-b");
        PoolResolution after = await user.ResolveAsync("TwoRegistrarPool", refresh: true);

        Assert.Equal(new RegistrarAddress(new[] { homeIsA ? b : a }), after.Registrar);
        Assert.Equal(0x0000e301u, Assert.Single(after.Elements).Identifier);
    }

    [LabFact]
    public async Task RegistrarKnownOnlyFromAnnounces_IsUsed()
    {
        IPEndPoint group = new(IPAddress.Parse("239.0.0.60"), 3863);
        _pool.StartRegistrarWithoutAsapAddress("reg-ann", 9876, $"-asapannounce={group}", "-enrpannounce=off");
        _pool.StartPoolElement("pe", "echo", "AnnouncedPool", 0x0000e401, null, $"{LabPool.PoolAddress}:7401", $"-asapannounce={group}");
        await using var user = new PoolUser(new PoolUserOptions
        {
            Registrars = Array.Empty<RegistrarAddress>(),
            UseAnnounces = true,
            AnnounceGroups = new[] { group },
            StaleCacheValue = TimeSpan.Zero,
            ServerHuntTimeout = TimeSpan.FromSeconds(10),
            ServerHuntRounds = 6,
        });

        PoolResolution r = await Eventually(() => user.ResolveAsync("AnnouncedPool"), r => r.Elements.Count == 1);

        Assert.NotNull(r.Registrar);
        Assert.NotEqual(RegistrarAddress.AsapPort, r.Registrar!.EndPoints[0].Port);
        _output.WriteLine($"learned registrar {r.Registrar} from its announces");
    }

    [LabFact]
    public async Task ReportedElement_IsRemoved_AfterMaxBadPeReports()
    {
        IPEndPoint registrar = new(IPAddress.Loopback, 3875);
        _pool.StartRegistrar("reg", registrar, 9875, null, "-maxbadpereports=2");
        _pool.StartPoolElement("x1", "echo", "ReportPool", 0x0000e501, registrar, $"{LabPool.PoolAddress}:7501");
        _pool.StartPoolElement("x2", "echo", "ReportPool", 0x0000e502, registrar, $"{LabPool.PoolAddress}:7502");
        _pool.WaitRegistered("ReportPool", 2, registrar);
        // The smallest report interval, so the second report is not suppressed as a repeat of the first.
        await using var user = NewPoolUser(registrar, o => o with { UnreachableReportInterval = TimeSpan.FromTicks(1) });

        Assert.True(await user.ReportUnreachableAsync("ReportPool", 0x0000e501));
        Assert.True(await user.ReportUnreachableAsync("ReportPool", 0x0000e501));
        PoolResolution r = await Eventually(() => user.ResolveAsync("ReportPool", refresh: true), r => r.Elements.Count == 1);

        Assert.Equal(0x0000e502u, Assert.Single(r.Elements).Identifier);
    }

    private static PoolUser NewPoolUser(IPEndPoint registrar, Func<PoolUserOptions, PoolUserOptions>? tune = null) => NewPoolUser(new[] { registrar }, tune);

    private static PoolUser NewPoolUser(IPEndPoint[] registrars, Func<PoolUserOptions, PoolUserOptions>? tune = null)
    {
        var options = new PoolUserOptions
        {
            Registrars = registrars.Select(r => new RegistrarAddress(new[] { r })).ToArray(),
            UseAnnounces = false,
            StaleCacheValue = TimeSpan.Zero,
            HandleResolutionItems = uint.MaxValue,
            RequestTimeout = TimeSpan.FromSeconds(10),
        };
        return new PoolUser(tune is null ? options : tune(options));
    }

    /// <summary>Retries until the condition holds (the registrar's state settles), with a generous deadline.</summary>
    private static async Task<T> Eventually<T>(Func<Task<T>> action, Func<T, bool> condition)
    {
        DateTime deadline = DateTime.UtcNow + Deadline;
        while (true)
        {
            try
            {
                T value = await action();
                if (condition(value) || DateTime.UtcNow > deadline)
                {
                    return value;
                }
            }
            catch (RSerPoolException) when (DateTime.UtcNow < deadline)
            {
                // Not there yet (no registrar learned, pool not yet registered): try again.
            }

            await Task.Delay(250);
        }
    }
}
