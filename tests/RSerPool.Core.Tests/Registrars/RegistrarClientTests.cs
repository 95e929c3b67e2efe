using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using RSerPool.Registrars;
using RSerPool.Tests.Fakes;
using RSerPool.Transport;
using RSerPool.Wire.Messages;
using RSerPool.Wire.Parameters;
using Xunit;

namespace RSerPool.Tests.Registrars;

/// <summary>Requests to the home registrar: T1, retransmits, re-hunts, failover (RFC 5352 §3.3, §3.7).</summary>
public class RegistrarClientTests
{
    private static readonly TimeSpan T1 = RegistrarRig.T1;

    [Fact]
    public async Task ResolveAsync_Answer_ReturnsResponseAndRegistrar()
    {
        ScriptedRegistrar registrar = ScriptedRegistrar.Answering("10.0.0.1:3863", TestPools.Table(TestPools.EchoPool()));
        await using RegistrarRig rig = RegistrarRig.For(registrar);

        (HandleResolutionResponse response, RegistrarAddress from) = await rig.ResolveAsync("EchoPool").WaitAsync(TestClock.Guard);

        Assert.Equal(TestPools.EchoPool(), response);
        Assert.Equal(registrar.Address, from);
        Assert.Equal(registrar.Address, rig.Client.Home);
        var request = Assert.IsType<HandleResolution>(Assert.Single(registrar.Requests));
        Assert.Equal("EchoPool", request.PoolHandle.ToString());
    }

    [Fact]
    public async Task ResolveAsync_Silence_TimeoutAfterT1TimesOnePlusRetransmits()
    {
        ScriptedRegistrar registrar = ScriptedRegistrar.Silent("10.0.0.1:3863");
        await using RegistrarRig rig = RegistrarRig.For(registrar);
        DateTimeOffset start = rig.Time.GetUtcNow();

        Task resolve = rig.ResolveAsync("EchoPool");
        for (int attempt = 1; attempt <= 3; attempt++)
        {
            await registrar.WaitForRequestsAsync(attempt);
            Assert.Equal(attempt, registrar.Requests.Count);
            Assert.False(resolve.IsCompleted);
            await rig.Time.FireTimerAsync(T1);
        }

        var e = await Assert.ThrowsAsync<RSerPoolException>(() => resolve.WaitAsync(TestClock.Guard));
        Assert.Equal(PoolFailure.Timeout, e.Failure);
        Assert.Equal("EchoPool", e.PoolHandle?.ToString());
        Assert.IsType<TimeoutException>(e.InnerException);
        Assert.Equal(3 * T1, rig.Time.GetUtcNow() - start);
        Assert.Equal(3, registrar.Requests.Count);
        Assert.Equal(3, rig.Factory.ConnectCount); // the first hunt and one re-hunt per expired T1
        Assert.All(registrar.Associations, a => Assert.False(a.IsConnected));
        Assert.Null(rig.Client.Home);
    }

    [Fact]
    public async Task ResolveAsync_NoRetransmits_TimeoutAfterOneT1()
    {
        ScriptedRegistrar registrar = ScriptedRegistrar.Silent("10.0.0.1:3863");
        await using RegistrarRig rig = RegistrarRig.For(0, null, registrar);

        Task resolve = rig.ResolveAsync("EchoPool");
        await registrar.WaitForRequestsAsync(1);
        await rig.Time.FireTimerAsync(T1);

        var e = await Assert.ThrowsAsync<RSerPoolException>(() => resolve.WaitAsync(TestClock.Guard));
        Assert.Equal(PoolFailure.Timeout, e.Failure);
        Assert.Single(registrar.Requests);
    }

    [Fact]
    public async Task ResolveAsync_HomeSilentSecondAnswers_RetransmitAfterT1ReachesSecond()
    {
        ScriptedRegistrar silent = ScriptedRegistrar.Silent("10.0.0.1:3863");
        ScriptedRegistrar good = ScriptedRegistrar.Answering("10.0.0.2:3863", TestPools.Table(TestPools.EchoPool()));
        await using RegistrarRig rig = RegistrarRig.For(silent, good);

        Task<(HandleResolutionResponse Response, RegistrarAddress Registrar)> resolve = rig.ResolveAsync("EchoPool");
        await silent.WaitForRequestsAsync(1);
        silent.Accepting = false; // it stopped answering and now stops accepting too
        await rig.Time.FireTimerAsync(T1);

        (_, RegistrarAddress from) = await resolve.WaitAsync(TestClock.Guard);
        Assert.Equal(good.Address, from);
        Assert.Single(good.Requests);
    }

    [Fact]
    public async Task ResolveAsync_HomeSilentButStillAccepting_RetransmitReachesTheOtherRegistrar()
    {
        // RFC 5352 §3.7.2 (brief §8.3): T1 expiry starts a hunt for a new home; another registrar that
        // answers is adopted. A registrar that takes associations but never answers must not win every hunt.
        ScriptedRegistrar silent = ScriptedRegistrar.Silent("10.0.0.1:3863");
        ScriptedRegistrar good = ScriptedRegistrar.Answering("10.0.0.2:3863", TestPools.Table(TestPools.EchoPool()));
        await using RegistrarRig rig = RegistrarRig.For(silent, good);

        Task<(HandleResolutionResponse Response, RegistrarAddress Registrar)> resolve = rig.ResolveAsync("EchoPool");
        for (int attempt = 1; attempt <= 3; attempt++)
        {
            await Task.WhenAny(resolve, silent.WaitForRequestsAsync(attempt)).WaitAsync(TestClock.Guard);
            if (resolve.IsCompleted)
            {
                break;
            }

            await rig.Time.FireTimerAsync(T1);
        }

        (_, RegistrarAddress from) = await resolve.WaitAsync(TestClock.Guard);
        Assert.Equal(good.Address, from);
        Assert.Single(silent.Requests);
    }

    [Fact]
    public async Task ResolveAsync_HomeDiesAfterRequest_HuntsAndSecondRegistrarAnswers()
    {
        var dying = new ScriptedRegistrar("10.0.0.1:3863", _ => new[] { RegistrarReply.Crash });
        ScriptedRegistrar good = ScriptedRegistrar.Answering("10.0.0.2:3863", TestPools.Table(TestPools.EchoPool()));
        await using RegistrarRig rig = RegistrarRig.For(dying, good);
        DateTimeOffset start = rig.Time.GetUtcNow();

        (HandleResolutionResponse response, RegistrarAddress from) = await rig.ResolveAsync("EchoPool").WaitAsync(TestClock.Guard);

        Assert.Equal(good.Address, from);
        Assert.Equal(3, response.Elements.Count);
        Assert.Single(dying.Requests);
        Assert.Single(good.Requests);
        Assert.Equal(start, rig.Time.GetUtcNow()); // a send failure re-hunts at once, without waiting for T1
    }

    [Fact]
    public async Task ResolveAsync_HomeAbortsButStillAccepts_DoesNotResendToTheFailedRegistrar()
    {
        // RFC 5352 §3.7.1 (brief §8.3): after a SEND.FAILURE the request is not re-sent to that registrar.
        var aborting = new ScriptedRegistrar("10.0.0.1:3863", _ => new[] { RegistrarReply.Abort });
        ScriptedRegistrar good = ScriptedRegistrar.Answering("10.0.0.2:3863", TestPools.Table(TestPools.EchoPool()));
        await using RegistrarRig rig = RegistrarRig.For(aborting, good);

        (_, RegistrarAddress from) = await rig.ResolveAsync("EchoPool").WaitAsync(TestClock.Guard);

        Assert.Equal(good.Address, from);
        Assert.Single(aborting.Requests);
    }

    [Fact]
    public async Task ResolveAsync_EveryRegistrarDiesOnRequest_NoRegistrarReachable()
    {
        var first = new ScriptedRegistrar("10.0.0.1:3863", _ => new[] { RegistrarReply.Crash });
        var second = new ScriptedRegistrar("10.0.0.2:3863", _ => new[] { RegistrarReply.Crash });
        await using RegistrarRig rig = RegistrarRig.For(first, second);

        var e = await Assert.ThrowsAsync<RSerPoolException>(() => rig.ResolveAsync("EchoPool").WaitAsync(TestClock.Guard));

        Assert.Equal(PoolFailure.NoRegistrarReachable, e.Failure);
        Assert.Single(first.Requests);
        Assert.Single(second.Requests);
    }

    [Fact]
    public async Task ResolveAsync_ThreeRequests_OneAssociation()
    {
        ScriptedRegistrar registrar = ScriptedRegistrar.Answering("10.0.0.1:3863", TestPools.Table(TestPools.EchoPool()));
        await using RegistrarRig rig = RegistrarRig.For(registrar);

        for (int i = 0; i < 3; i++)
        {
            await rig.ResolveAsync("EchoPool").WaitAsync(TestClock.Guard);
        }

        Assert.Equal(1, rig.Factory.ConnectCount);
        Assert.Equal(1, registrar.AssociationCount);
        Assert.Equal(3, registrar.Requests.Count);
    }

    [Fact]
    public async Task ResolveAsync_ConcurrentRequests_OneOutstandingAtATime()
    {
        var pools = TestPools.Table(TestPools.EchoPool(), TestPools.Response("Other", null, TestPools.Element(9, "10.2.0.9", 9)));
        int outstanding = 0;
        int maxOutstanding = 0;
        var registrar = new ScriptedRegistrar("10.0.0.1:3863", request =>
        {
            int now = Interlocked.Increment(ref outstanding);
            maxOutstanding = Math.Max(maxOutstanding, now);
            var hr = (HandleResolution)request;
            Interlocked.Decrement(ref outstanding);
            return new[] { RegistrarReply.Send(pools[hr.PoolHandle.ToString()]) };
        });
        await using RegistrarRig rig = RegistrarRig.For(registrar);

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => rig.ResolveAsync(i % 2 == 0 ? "EchoPool" : "Other"))).WaitAsync(TestClock.Guard);

        for (int i = 0; i < results.Length; i++)
        {
            Assert.Equal(i % 2 == 0 ? "EchoPool" : "Other", results[i].Response.PoolHandle.ToString());
        }

        Assert.Equal(20, registrar.Requests.Count);
        Assert.Equal(1, registrar.AssociationCount);
    }

    [Fact]
    public async Task ResolveAsync_CallerCancels_OperationCanceledNotTimeout()
    {
        ScriptedRegistrar registrar = ScriptedRegistrar.Silent("10.0.0.1:3863");
        await using RegistrarRig rig = RegistrarRig.For(registrar);
        using var cts = new CancellationTokenSource();

        Task resolve = rig.Client.ResolveAsync(new HandleResolution(new PoolHandleParameter("EchoPool")), cts.Token);
        await registrar.WaitForRequestsAsync(1);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => resolve.WaitAsync(TestClock.Guard));
    }

    [Fact]
    public async Task SendAsync_HomeDead_HuntsAndSendsToNextRegistrar()
    {
        ScriptedRegistrar first = ScriptedRegistrar.Answering("10.0.0.1:3863", TestPools.Table(TestPools.EchoPool()));
        ScriptedRegistrar second = ScriptedRegistrar.Silent("10.0.0.2:3863");
        await using RegistrarRig rig = RegistrarRig.For(first, second);
        await rig.ResolveAsync("EchoPool").WaitAsync(TestClock.Guard);
        first.Crash();
        await first.Associations[0].Down.WaitAsync(TestClock.Guard);

        RegistrarAddress to = await rig.Client.SendAsync(new EndpointUnreachable(new PoolHandleParameter("EchoPool"), 0xe001), default).WaitAsync(TestClock.Guard);

        Assert.Equal(second.Address, to);
        await second.WaitForRequestsAsync(1);
        Assert.IsType<EndpointUnreachable>(Assert.Single(second.Requests));
    }

    [Fact]
    public async Task DisposeAsync_ClosesTheHomeAssociation()
    {
        ScriptedRegistrar registrar = ScriptedRegistrar.Answering("10.0.0.1:3863", TestPools.Table(TestPools.EchoPool()));
        RegistrarRig rig = RegistrarRig.For(registrar);
        await rig.ResolveAsync("EchoPool").WaitAsync(TestClock.Guard);

        await rig.DisposeAsync();

        await registrar.Associations[0].Down.WaitAsync(TestClock.Guard);
        Assert.Equal(TransportFailure.Shutdown, registrar.Associations[0].Failure);
    }
}
