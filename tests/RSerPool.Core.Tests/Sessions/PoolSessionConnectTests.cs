using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using RSerPool.Sessions;
using RSerPool.Tests.Sessions.Fakes;
using RSerPool.Transport;
using Xunit;

namespace RSerPool.Tests.Sessions;

/// <summary>The first connect of a session (PoolSession.OpenAsync, what PoolUser.ConnectAsync runs).</summary>
public sealed class PoolSessionConnectTests
{
    [Fact]
    public async Task Open_ConnectsTheHostsSelection()
    {
        await using var pool = new SessionHarness();
        pool.Host.Preference = new[] { pool.C.Element, pool.A.Element, pool.B.Element };

        PoolSession session = await pool.OpenAsync();

        Assert.Equal(pool.C.Identifier, session.CurrentElement?.Identifier);
        Assert.Equal(SessionState.Connected, session.State);
        Assert.Equal(0, session.FailoverCount);
        Assert.NotNull(session.ConnectedAt);
        Assert.Equal(new[] { pool.C.Identifier }, pool.Connector.Attempts.Snapshot());
        (uint[] excluded, uint chosen) = Assert.Single(pool.Host.Selections.Snapshot());
        Assert.Empty(excluded);
        Assert.Equal(pool.C.Identifier, chosen);
        Assert.Empty(await pool.SettledReportsAsync());

        // The first association carries no cookie echo or anything else the user did not send.
        SessionReply reply = await session.RequestAsync(SessionHarness.Bytes("hello")).Within();
        Assert.Equal("hello", SessionHarness.Text(reply));
        Assert.Equal(new[] { "hello" }, pool.C.Last.UserTexts);
        Assert.Single(pool.C.Last.Received.Snapshot());
        Assert.False(reply.FailedOver);
        Assert.Equal(1, reply.Attempts);
    }

    [Fact]
    public async Task Open_ConnectRefused_TriesTheNextAndReportsTheRefusedOne()
    {
        await using var pool = new SessionHarness();
        pool.A.Connect = ConnectBehavior.Refuse;

        PoolSession session = await pool.OpenAsync();

        Assert.Equal(pool.B.Identifier, session.CurrentElement?.Identifier);
        Assert.Equal(SessionState.Connected, session.State);
        Assert.Equal(new[] { pool.A.Identifier }, (await pool.SettledReportsAsync()));
        Assert.Equal(new[] { pool.A.Identifier, pool.B.Identifier }, pool.Connector.Attempts.Snapshot());
        var selections = pool.Host.Selections.Snapshot();
        Assert.Equal(2, selections.Length);
        Assert.Equal(new[] { pool.A.Identifier }, selections[1].Excluded);
        Assert.Equal(0, session.FailoverCount);
    }

    [Fact]
    public async Task Open_PinnedElement_IsConnectedWithoutSelecting()
    {
        await using var pool = new SessionHarness();

        PoolSession session = await pool.OpenAsync(pinned: pool.C);

        Assert.Equal(pool.C.Identifier, session.CurrentElement?.Identifier);
        Assert.Empty(pool.Host.Selections.Snapshot());
    }

    [Fact]
    public async Task Open_PinnedElementRefuses_SelectsAnotherExcludingIt()
    {
        await using var pool = new SessionHarness();
        pool.C.Connect = ConnectBehavior.Refuse;
        pool.Host.Preference = new[] { pool.C.Element, pool.B.Element };

        PoolSession session = await pool.OpenAsync(pinned: pool.C);

        Assert.Equal(pool.B.Identifier, session.CurrentElement?.Identifier);
        Assert.Equal(new[] { pool.C.Identifier }, (await pool.SettledReportsAsync()));
        Assert.Equal(new[] { pool.C.Identifier }, Assert.Single(pool.Host.Selections.Snapshot()).Excluded);
    }

    [Fact]
    public async Task Open_EveryAttemptRefused_PoolElementUnreachable_AfterMaxConnectAttempts()
    {
        await using var pool = new SessionHarness(elements: 5);
        foreach (FakeElement e in pool.Elements)
        {
            e.Connect = ConnectBehavior.Refuse;
        }

        PoolSession session = pool.Create(SessionHarness.Options with { MaxConnectAttempts = 3 });
        var error = await Assert.ThrowsAsync<RSerPoolException>(() => session.OpenAsync(null, CancellationToken.None).Within());

        Assert.Equal(PoolFailure.PoolElementUnreachable, error.Failure);
        Assert.Equal(pool.PoolHandle, error.PoolHandle);
        Assert.Equal(TransportFailure.ConnectFailed, Assert.IsType<TransportException>(error.InnerException).Failure);
        Assert.Equal(SessionState.Failed, session.State);
        Assert.Equal(new[] { 0x101u, 0x102u, 0x103u }, pool.Connector.Attempts.Snapshot());
        Assert.Equal(new[] { 0x101u, 0x102u, 0x103u }, (await pool.SettledReportsAsync()));
    }

    [Fact]
    public async Task Open_HostHasNoElement_NoPoolElementAvailableSurfaces()
    {
        await using var pool = new SessionHarness();
        pool.Host.Preference = Array.Empty<PoolElement>();

        PoolSession session = pool.Create();
        var error = await Assert.ThrowsAsync<RSerPoolException>(() => session.OpenAsync(null, CancellationToken.None).Within());

        Assert.Equal(PoolFailure.NoPoolElementAvailable, error.Failure);
        Assert.Equal(SessionState.Failed, session.State);
        Assert.Same(error, session.LastError);
        Assert.Empty(pool.Connector.Attempts.Snapshot());
    }

    [Fact]
    public async Task Open_AllElementsDead_HostRunsOut_NoPoolElementAvailable()
    {
        await using var pool = new SessionHarness(elements: 2);
        pool.A.Connect = ConnectBehavior.Refuse;
        pool.B.Connect = ConnectBehavior.Refuse;

        PoolSession session = pool.Create();
        var error = await Assert.ThrowsAsync<RSerPoolException>(() => session.OpenAsync(null, CancellationToken.None).Within());

        Assert.Equal(PoolFailure.NoPoolElementAvailable, error.Failure);
        Assert.Equal(SessionState.Failed, session.State);
        Assert.Equal(new[] { pool.A.Identifier, pool.B.Identifier }, (await pool.SettledReportsAsync()));
        Assert.Equal(new[] { pool.A.Identifier, pool.B.Identifier }, pool.Host.Selections.Snapshot()[^1].Excluded);
    }

    [Fact]
    public async Task Open_NoSctpOnThisSystem_TransportUnavailable_AndTheElementIsNotReported()
    {
        await using var pool = new SessionHarness();
        pool.A.Connect = ConnectBehavior.SctpUnavailable;

        PoolSession session = pool.Create();
        var error = await Assert.ThrowsAsync<RSerPoolException>(() => session.OpenAsync(null, CancellationToken.None).Within());

        Assert.Equal(PoolFailure.TransportUnavailable, error.Failure);
        Assert.Empty(await pool.SettledReportsAsync());
        Assert.Equal(new[] { pool.A.Identifier }, pool.Connector.Attempts.Snapshot());
    }

    [Fact]
    public async Task Open_ConnectNeverCompletes_FailoverTimeoutEndsIt()
    {
        await using var pool = new SessionHarness();
        pool.A.Connect = ConnectBehavior.Hang;

        PoolSession session = pool.Create(SessionHarness.Options with { FailoverTimeout = SessionHarness.Short });
        var error = await Assert.ThrowsAsync<RSerPoolException>(() => session.OpenAsync(null, CancellationToken.None).Within());

        Assert.Equal(PoolFailure.PoolElementUnreachable, error.Failure);
        Assert.IsType<TimeoutException>(error.InnerException);
        Assert.Equal(SessionState.Failed, session.State);
    }

    [Fact]
    public async Task Open_CallerCancels_OperationCanceled_NotTimeout()
    {
        await using var pool = new SessionHarness();
        pool.A.Connect = ConnectBehavior.Hang;
        using var cts = new CancellationTokenSource();

        PoolSession session = pool.Create();
        Task open = session.OpenAsync(null, cts.Token);
        await pool.Connector.Attempts.WaitForCountAsync(1).Within();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => open.Within());
        Assert.Empty(await pool.SettledReportsAsync());
    }

    [Fact]
    public async Task Open_ThenFirstRequest_GoesToTheConnectedElementOnly()
    {
        await using var pool = new SessionHarness();

        PoolSession session = await pool.OpenAsync();
        SessionReply reply = await session.RequestAsync(SessionHarness.Bytes("x")).Within();

        Assert.Equal(pool.A.Identifier, reply.Element.Identifier);
        Assert.All(pool.Elements.Skip(1), e => Assert.Equal(0, e.ConnectAttempts));
    }
}
