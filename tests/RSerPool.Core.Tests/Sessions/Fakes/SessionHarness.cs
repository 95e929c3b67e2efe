using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging.Abstractions;
using RSerPool.Sessions;
using RSerPool.Transport;
using RSerPool.Wire;
using RSerPool.Wire.Messages;
using Xunit;

namespace RSerPool.Tests.Sessions.Fakes;

/// <summary>
/// A pool of scripted in-memory elements ($00000101, $00000102, ...) behind a <see cref="FakeSessionHost"/>
/// (selection in element order) and a <see cref="FakeConnector"/>; builds sessions on them and closes them.
/// </summary>
internal sealed class SessionHarness : IAsyncDisposable
{
    /// <summary>Wall-clock bound on every await, so a bug fails a test instead of hanging it.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    /// <summary>A short timeout, only for tests where that timeout is the path under test.</summary>
    public static readonly TimeSpan Short = TimeSpan.FromMilliseconds(200);

    private readonly List<PoolSession> _sessions = new();

    public SessionHarness(int elements = 4)
    {
        Elements = Enumerable.Range(1, elements).Select(i => new FakeElement(PoolHandle, 0x100u + (uint)i)).ToArray();
        Host = new FakeSessionHost(Elements.Select(e => e.Element));
        Connector = new FakeConnector(Elements);
    }

    public PoolHandle PoolHandle { get; } = PoolHandle.FromText("SessionPool");

    public FakeElement[] Elements { get; }

    public FakeElement A => Elements[0];

    public FakeElement B => Elements[1];

    public FakeElement C => Elements[2];

    public FakeElement D => Elements[3];

    public FakeSessionHost Host { get; }

    public FakeConnector Connector { get; }

    /// <summary>Session options for tests: no timeout fires unless a test shortens one.</summary>
    public static SessionOptions Options { get; } = new() { RequestTimeout = TimeSpan.FromSeconds(30), FailoverTimeout = TimeSpan.FromSeconds(30) };

    public PoolSession Create(SessionOptions? options = null)
    {
        var session = new PoolSession(PoolHandle, Host, Connector, options ?? Options, NullLogger.Instance);
        _sessions.Add(session);
        return session;
    }

    /// <summary>Creates a session and connects its first element (what PoolUser.ConnectAsync does).</summary>
    public async Task<PoolSession> OpenAsync(SessionOptions? options = null, FakeElement? pinned = null)
    {
        PoolSession session = Create(options);
        await session.OpenAsync(pinned?.Element, CancellationToken.None).WaitAsync(Limit);
        return session;
    }

    /// <summary>
    /// The reports sent so far, once every session's deferred work is done: a failover's report goes
    /// out when the call that failed over ends, on a pool thread (PoolSession.RunDeferredWork), and a
    /// failed standby is retired on one too (PoolSession.BackgroundWork covers both).
    /// </summary>
    public async Task<uint[]> SettledReportsAsync()
    {
        foreach (PoolSession session in _sessions)
        {
            await session.BackgroundWork.WaitAsync(Limit);
        }

        return Host.Reports.Snapshot();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (PoolSession session in _sessions)
        {
            await session.DisposeAsync();
        }
    }

    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    public static string Text(ReadOnlyMemory<byte> data) => Encoding.UTF8.GetString(data.Span);

    public static string Text(SessionReply reply) => string.Join("|", reply.Messages.Select(m => Text(m.Data)));

    /// <summary>Waits (polling, within <see cref="Limit"/>) until the session's standby association is open to <paramref name="expected"/>.</summary>
    public static async Task WaitForStandbyAsync(PoolSession session, FakeElement expected)
    {
        DateTime deadline = DateTime.UtcNow + Limit;
        while (session.StandbyElement?.Identifier != expected.Identifier)
        {
            Assert.True(DateTime.UtcNow < deadline, $"no standby to {expected} within {Limit} (standby: {session.StandbyElement?.IdentifierText ?? "none"})");
            await Task.Delay(5);
        }
    }

    /// <summary>Waits (polling, within <see cref="Limit"/>) until <paramref name="condition"/> holds.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition)
    {
        DateTime deadline = DateTime.UtcNow + Limit;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold in time");
            await Task.Delay(5);
        }
    }

    /// <summary>Decodes a PPID-11 message the element received as the given ASAP message type.</summary>
    public static T Decode<T>(ChannelMessage m)
        where T : AsapMessage
    {
        Assert.Equal(11u, m.PayloadProtocolId);
        Assert.True(AsapCodec.TryDecode(m.Data.Span, out AsapMessage? message, out DecodeError error), $"undecodable: {error}");
        return Assert.IsType<T>(message);
    }
}

/// <summary>Wall-clock guards for awaits.</summary>
internal static class GuardExtensions
{
    public static Task<T> Within<T>(this Task<T> task) => task.WaitAsync(SessionHarness.Limit);

    public static Task Within(this Task task) => task.WaitAsync(SessionHarness.Limit);
}
