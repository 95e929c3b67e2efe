using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using RSerPool.Client;
using RSerPool.Registrars;
using RSerPool.Sessions;
using RSerPool.Tests.Sessions.Fakes;
using RSerPool.Transport;
using Xunit;
using static RSerPool.Tests.Sessions.Fakes.SessionHarness;

namespace RSerPool.Tests.Sessions;

/// <summary>PoolUser.ConnectAsync end to end: in-memory registrar, in-memory elements, fake clock.</summary>
public sealed class PoolUserSessionTests
{
    private static PoolUser CreateUser(FakeRegistrar registrar, FakeConnector connector, TimeProvider time) =>
        new(new PoolUserOptions
            {
                Registrars = new[] { new RegistrarAddress(new[] { FakeRegistrar.Address }) },
                UseAnnounces = false,
            },
            loggerFactory: null,
            timeProvider: time,
            channelFactory: registrar,
            elementConnectors: options => connector);

    [Fact]
    public async Task ConnectAsync_SelectsThroughTheRegistrar_AndConnectsTheInMemoryElement()
    {
        await using var pool = new SessionHarness(elements: 1);
        var registrar = new FakeRegistrar(pool.PoolHandle, pool.Elements);
        await using PoolUser user = CreateUser(registrar, pool.Connector, new FakeTimeProvider());

        await using PoolSession session = await user.ConnectAsync(pool.PoolHandle, Options).Within();

        Assert.Equal(pool.A.Identifier, session.CurrentElement?.Identifier);
        Assert.Equal(pool.PoolHandle, session.PoolHandle);
        Assert.Equal(SessionState.Connected, session.State);
        Assert.Equal(new[] { "SessionPool" }, registrar.Resolutions.Snapshot());
        Assert.Equal("hi", Text(await session.RequestAsync(Bytes("hi")).Within()));
    }

    [Fact]
    public async Task ConnectAsync_PinnedElement_ConnectsIt()
    {
        await using var pool = new SessionHarness(elements: 2);
        var registrar = new FakeRegistrar(pool.PoolHandle, pool.Elements);
        await using PoolUser user = CreateUser(registrar, pool.Connector, new FakeTimeProvider());

        await using PoolSession session = await user.ConnectAsync(pool.PoolHandle, Options, pool.B.Element).Within();

        Assert.Equal(pool.B.Identifier, session.CurrentElement?.Identifier);
        Assert.Equal(0, pool.A.ConnectAttempts);
    }

    [Fact]
    public async Task Failover_ReportsTheDeadElementToTheRegistrar_AndMovesToTheOther()
    {
        await using var pool = new SessionHarness(elements: 2);
        var registrar = new FakeRegistrar(pool.PoolHandle, pool.Elements);
        pool.A.OnUserMessage = Behaviors.Abort;
        pool.B.OnUserMessage = Behaviors.Abort;
        await using PoolUser user = CreateUser(registrar, pool.Connector, new FakeTimeProvider());
        await using PoolSession session = await user.ConnectAsync(pool.PoolHandle, Options).Within();
        FakeElement first = pool.Elements.Single(e => e.Identifier == session.CurrentElement!.Identifier);
        FakeElement other = pool.Elements.Single(e => e != first);
        first.Connect = ConnectBehavior.Refuse;
        other.OnUserMessage = Behaviors.Echo;

        SessionReply reply = await session.RequestAsync(Bytes("req"), new RequestOptions { Idempotent = true }).Within();

        Assert.Equal(other.Identifier, reply.Element.Identifier);
        uint[] reports = await registrar.Unreachable.WaitForCountAsync(1).Within();
        Assert.Equal(new[] { first.Identifier }, reports);
    }

    [Theory]
    [InlineData(2, 2)] // the report leaves one element cached (the session's own): asked again
    [InlineData(3, 1)] // two left: the next failover has a candidate, nothing to ask
    public async Task Failover_RefillsTheCacheWhenTheReportLeftItShort(int elements, int resolutions)
    {
        await using var pool = new SessionHarness(elements: elements);
        var registrar = new FakeRegistrar(pool.PoolHandle, pool.Elements);
        await using PoolUser user = CreateUser(registrar, pool.Connector, new FakeTimeProvider());
        await using PoolSession session = await user.ConnectAsync(pool.PoolHandle, Options).Within();
        FakeElement first = pool.Elements.Single(e => e.Identifier == session.CurrentElement!.Identifier);
        first.OnUserMessage = Behaviors.Abort;

        SessionReply reply = await session.RequestAsync(Bytes("req"), new RequestOptions { Idempotent = true }).Within();
        await registrar.Unreachable.WaitForCountAsync(1).Within();
        await session.BackgroundWork.Within();

        Assert.NotEqual(first.Identifier, reply.Element.Identifier);
        Assert.Equal(resolutions, registrar.Resolutions.Count);
    }

    [Fact]
    public async Task ConnectAsync_NothingReachable_ThrowsAndLeavesNothingOpen()
    {
        await using var pool = new SessionHarness(elements: 2);
        var registrar = new FakeRegistrar(pool.PoolHandle, pool.Elements);
        pool.A.Connect = ConnectBehavior.Refuse;
        pool.B.Connect = ConnectBehavior.Refuse;
        await using PoolUser user = CreateUser(registrar, pool.Connector, new FakeTimeProvider());

        var error = await Assert.ThrowsAsync<RSerPoolException>(() => user.ConnectAsync(pool.PoolHandle, Options).Within());

        Assert.Contains(error.Failure, new[] { PoolFailure.NoPoolElementAvailable, PoolFailure.PoolElementUnreachable });
        await registrar.Unreachable.WaitForCountAsync(2).Within();
        Assert.Equal(new[] { pool.A.Identifier, pool.B.Identifier }, registrar.Unreachable.Snapshot().Order());
    }

    [Fact]
    public async Task ConnectAsync_InvalidOptions_Rejected()
    {
        await using var pool = new SessionHarness(elements: 1);
        var registrar = new FakeRegistrar(pool.PoolHandle, pool.Elements);
        await using PoolUser user = CreateUser(registrar, pool.Connector, new FakeTimeProvider());

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => user.ConnectAsync(pool.PoolHandle, Options with { MaxConnectAttempts = 0 }).Within());
        Assert.Equal(0, pool.A.ConnectAttempts);
    }
}
