using System;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using RSerPool.Integration.Lab;
using RSerPool.Transport;
using RSerPool.Transport.Sctp;
using RSerPool.Wire;
using RSerPool.Wire.Messages;
using Xunit;
using Xunit.Abstractions;

namespace RSerPool.Integration.Transport;

/// <summary>The SCTP transport against rsplib's registrar and rspserver over the lab's kernel SCTP.</summary>
[Collection("Lab")]
public sealed class SctpChannelLabTests
{
    private const uint AsapPpid = 11;
    private const uint PingPongPpid = 33;
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    private readonly TransportLabFixture _lab;
    private readonly ITestOutputHelper _output;

    public SctpChannelLabTests(TransportLabFixture lab, ITestOutputHelper output)
    {
        _lab = lab;
        _output = output;
    }

    [LabFact]
    public async Task Registrar_AnswersHandleResolution_OnPpid11()
    {
        await using IMessageChannel channel = await ConnectAsync(TransportLabFixture.Registrar);
        // ASAP_HANDLE_RESOLUTION for "EchoPool" (RFC 5352 §2.2.5), no rsplib option.
        byte[] request = Convert.FromHexString("050000100009000C" + Convert.ToHexString(Encoding.ASCII.GetBytes("EchoPool")));
        using var cts = new CancellationTokenSource(Generous);
        await channel.SendAsync(request, AsapPpid, 0, cts.Token);

        ChannelMessage reply = await channel.ReceiveAsync(cts.Token);

        Assert.Equal(AsapPpid, reply.PayloadProtocolId);
        Assert.True(AsapCodec.TryDecode(reply.Data.Span, out AsapMessage? message, out DecodeError error), error.ToString());
        var response = Assert.IsType<HandleResolutionResponse>(message);
        Assert.Equal("EchoPool", response.PoolHandle.ToString());
        Assert.False(response.IsNegative);
        Assert.Contains(response.Elements, e => e.PoolElementId == 0x0000e001);
    }

    [LabFact]
    public async Task EchoElement_ReturnsEachMessage_WithItsPpid_AndBoundaries()
    {
        await using IMessageChannel channel = await ConnectAsync(TransportLabFixture.Echo);
        using var cts = new CancellationTokenSource(Generous);
        string[] lines = { "first", "second message", new string('x', 3000) };
        foreach (string line in lines)
        {
            await channel.SendAsync(Encoding.ASCII.GetBytes(line), 0x2a, 0, cts.Token);
        }

        foreach (string line in lines)
        {
            ChannelMessage echoed = await ReceiveUserDataAsync(channel, cts.Token);
            Assert.Equal(line, Encoding.ASCII.GetString(echoed.Data.Span));
            Assert.Equal(0x2au, echoed.PayloadProtocolId);
        }
    }

    [LabFact]
    public async Task Receive_ReassemblesMessagesLargerThanOneRead()
    {
        var options = new SctpOptions { ReceiveChunkSize = 1024 };
        await using IMessageChannel channel = await ConnectAsync(TransportLabFixture.Echo, options);
        using var cts = new CancellationTokenSource(Generous);
        byte[] big = new byte[5000];
        new Random(7).NextBytes(big);

        await channel.SendAsync(big, 0x2a, 0, cts.Token);
        ChannelMessage echoed = await ReceiveUserDataAsync(channel, cts.Token);

        Assert.Equal(big, echoed.Data.ToArray());
    }

    [LabFact]
    public async Task Receive_ReportsOversizedMessage_AndStaysUsable()
    {
        var options = new SctpOptions { ReceiveChunkSize = 1024, MaxMessageSize = 2048 };
        await using IMessageChannel channel = await ConnectAsync(TransportLabFixture.Echo, options);
        using var cts = new CancellationTokenSource(Generous);

        await channel.SendAsync(new byte[4000], 0x2a, 0, cts.Token);
        await channel.SendAsync(Encoding.ASCII.GetBytes("after"), 0x2a, 0, cts.Token);

        var error = await Assert.ThrowsAsync<TransportException>(async () => await ReceiveUserDataAsync(channel, cts.Token));
        Assert.Equal(TransportFailure.MessageTooLarge, error.Failure);
        ChannelMessage next = await ReceiveUserDataAsync(channel, cts.Token);
        Assert.Equal("after", Encoding.ASCII.GetString(next.Data.Span));
    }

    [LabFact]
    public async Task PingPongElement_SendsAsapCookie_OnPpid11_BesideUserData()
    {
        await using IMessageChannel channel = await ConnectAsync(TransportLabFixture.PingPong);
        using var cts = new CancellationTokenSource(Generous);
        bool sawPong = false, sawCookie = false;
        for (ulong n = 1; n <= 3 && !(sawPong && sawCookie); n++)
        {
            await channel.SendAsync(PingPongMessages.Ping(n), PingPongPpid, 0, cts.Token);
            while (!cts.IsCancellationRequested)
            {
                ChannelMessage m = await channel.ReceiveAsync(cts.Token);
                if (m.PayloadProtocolId == AsapPpid)
                {
                    Assert.True(AsapCodec.TryDecode(m.Data.Span, out AsapMessage? control, out DecodeError error), error.ToString());
                    Assert.NotEmpty(Assert.IsType<AsapCookie>(control).Cookie.Value.ToArray());
                    sawCookie = true;
                    continue;
                }

                Assert.Equal(PingPongPpid, m.PayloadProtocolId);
                Assert.Equal(0x02, m.Data.Span[0]); // Pong
                Assert.Equal(n, BinaryPrimitives.ReadUInt64BigEndian(m.Data.Span[4..]));
                sawPong = true;
                break;
            }
        }

        Assert.True(sawPong, "a Pong arrived on PPID 33");
        Assert.True(sawCookie, "an ASAP_COOKIE arrived on PPID 11");
    }

    [LabFact]
    public async Task Connect_BoundToSeveralLocalAddresses_WithAnAddressList()
    {
        // sctp_bindx to two local addresses and sctp_connectx with the peer's address list: the
        // association carries both local addresses (rspserver itself would not start multi-homed here).
        IPEndPoint[] peer = { TransportLabFixture.Echo };
        var options = new SctpOptions { LocalAddresses = new[] { LabPool.PoolAddress, IPAddress.Loopback } };
        await using IMessageChannel channel = await new SctpChannelFactory(options).ConnectAsync(peer, CancellationToken.None);
        using var cts = new CancellationTokenSource(Generous);

        await channel.SendAsync(Encoding.ASCII.GetBytes("multi"), 7, 0, cts.Token);
        ChannelMessage echoed = await ReceiveUserDataAsync(channel, cts.Token);

        Assert.Equal("multi", Encoding.ASCII.GetString(echoed.Data.Span));
        Assert.Equal(7u, echoed.PayloadProtocolId);
        Assert.Equal(peer[0], channel.RemoteEndPoint);
    }

    [LabFact]
    public async Task Tuning_IsAppliedToTheAssociation()
    {
        var options = new SctpOptions
        {
            RtoInitial = TimeSpan.FromMilliseconds(400),
            RtoMin = TimeSpan.FromMilliseconds(200),
            RtoMax = TimeSpan.FromMilliseconds(1200),
            MaxRetransmits = 4,
            PathMaxRetransmits = 2,
            HeartbeatInterval = TimeSpan.FromMilliseconds(1000), // a whole number of jiffies: the kernel rounds to its tick
        };
        await using IMessageChannel channel = await ConnectAsync(TransportLabFixture.Echo, options);

        SctpTuning applied = ((SctpChannel)channel).ReadTuning();

        Assert.Equal(400u, applied.RtoInitialMs);
        Assert.Equal(200u, applied.RtoMinMs);
        Assert.Equal(1200u, applied.RtoMaxMs);
        Assert.Equal(4, applied.MaxRetransmits);
        Assert.Equal(1000u, applied.HeartbeatIntervalMs);
        Assert.Equal(2, applied.PathMaxRetransmits);
    }

    [LabFact]
    public async Task Connect_ToPortWithoutListener_FailsTyped()
    {
        var factory = new SctpChannelFactory(new SctpOptions { ConnectTimeout = TimeSpan.FromSeconds(30) });
        var error = await Assert.ThrowsAsync<TransportException>(async () =>
            await factory.ConnectAsync(new[] { new IPEndPoint(LabPool.PoolAddress, 7999) }, CancellationToken.None));
        Assert.Equal(TransportFailure.ConnectFailed, error.Failure);
    }

    [LabFact]
    public async Task KilledElement_FailsThePendingReceive_WithAnAssociationEvent()
    {
        using var cts = new CancellationTokenSource(Generous);
        await using IMessageChannel channel = await ConnectToLiveEchoAsync("victim", "VictimPool", 0x0000e009, 7009, cts.Token);

        Task<ChannelMessage> pending = channel.ReceiveAsync(cts.Token).AsTask();
        var clock = Stopwatch.StartNew();
        _lab.Pool.Kill("victim");
        var error = await Assert.ThrowsAsync<TransportException>(() => pending);
        clock.Stop();

        _output.WriteLine($"failure {error.Failure} seen {clock.Elapsed.TotalMilliseconds:0.0} ms after SIGKILL: {error.Message}");
        Assert.Contains(error.Failure, new[] { TransportFailure.PeerAborted, TransportFailure.Shutdown, TransportFailure.CommunicationLost });
        Assert.False(channel.IsConnected);
        // The failure comes from the association event (SHUTDOWN/ABORT), not from a timeout: with the
        // kernel's default RTO a lost peer would take over a minute to detect. The bound is generous
        // because the TCG guest is slow and noisy; the measured time is in the test output.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"the failure took {clock.Elapsed.TotalMilliseconds:0} ms");
    }

    [LabFact]
    public async Task KilledElement_EndsThePendingTryReceive_WithTheFailureAsAValue()
    {
        // The failover path's receive: the association event comes back as a value, not a throw.
        using var cts = new CancellationTokenSource(Generous);
        await using IMessageChannel channel = await ConnectToLiveEchoAsync("victim2", "VictimPool2", 0x0000e00a, 7010, cts.Token);

        ValueTask<ReceiveResult> pending = channel.TryReceiveAsync(cts.Token);
        _lab.Pool.Kill("victim2");
        ReceiveResult result = await pending;
        while (result.Failure is null && result.Message.PayloadProtocolId == AsapPpid)
        {
            result = await channel.TryReceiveAsync(cts.Token); // a last ASAP_COOKIE may come before the end
        }

        Assert.NotNull(result.Failure);
        Assert.Contains(result.Failure.Failure, new[] { TransportFailure.PeerAborted, TransportFailure.Shutdown, TransportFailure.CommunicationLost });
        Assert.False(channel.IsConnected);

        // Later calls give the same failure: as a value again, and thrown by the throwing receive.
        ReceiveResult again = await channel.TryReceiveAsync(cts.Token);
        Assert.Equal(result.Failure.Failure, again.Failure?.Failure);
        var thrown = await Assert.ThrowsAsync<TransportException>(async () => await channel.ReceiveAsync(cts.Token));
        Assert.Equal(result.Failure.Failure, thrown.Failure);
    }

    [LabFact]
    public async Task AnswerAwaitedOnThePollerThread_IsReadThere_AndAWaitStillEndsOnCancellationAndOnClose()
    {
        using var cts = new CancellationTokenSource(Generous);
        await using IMessageChannel echo = await ConnectToLiveEchoAsync("blocking-echo", "BlockingPool", 0x0000e00b, 7011, cts.Token);
        _lab.Pool.StartPoolElement("blocking-discard", "discard", "BlockingPool2", 0x0000e00c, TransportLabFixture.Registrar, $"{LabPool.PoolAddress}:7012");
        IMessageChannel discard = await ConnectAsync(new IPEndPoint(LabPool.PoolAddress, 7012));

        // Onto a poller thread, as a request loop is: the continuation of an answer runs where it arrived.
        // The wait is armed and awaited before the request goes out (from another thread), so the answer
        // cannot be there first (then the poller could signal before the await is hooked up, and the
        // await would complete on this thread: under the slow guest that happened 20 times in a row once).
        int tries = 0;
        var deadline = Stopwatch.StartNew();
        var sends = new System.Collections.Generic.List<Task>(); // awaited at the end: an await here could leave the poller thread
        while (!ReadinessPoller.OnPollerThread && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            tries++;
            ValueTask<ReceiveResult> armed = echo.TryReceiveAsync(cts.Token);
            Task sending = Task.Run(async () =>
            {
                await Task.Delay(20);
                await echo.SendAsync(Encoding.ASCII.GetBytes("one"), 1, 0, cts.Token);
            });
            sends.Add(sending);
            ReceiveResult first = await armed.ConfigureAwait(false);
            Assert.Equal("one", Encoding.ASCII.GetString(first.Message.Data.Span));
        }

        _output.WriteLine($"on a poller thread after {tries} request(s)");

        Assert.True(ReadinessPoller.OnPollerThread, "the continuation should run on the poller thread that saw the answer");

        // The next answers are read on this thread (a blocking recvmsg, so complete when the call returns;
        // not when the other poller threads happen to be busy): whole, in order, with their PPIDs.
        int readHere = 0;
        for (uint i = 0; i < 5; i++)
        {
            // PPIDs 20.., not 11: the element takes PPID 11 as ASAP and echoes nothing.
            await echo.SendAsync(Encoding.ASCII.GetBytes($"two{i}"), 20 + i, 0, cts.Token);
            ValueTask<ReceiveResult> pending = echo.TryReceiveAsync(cts.Token);
            readHere += pending.IsCompleted ? 1 : 0;
            ReceiveResult answer = await pending.ConfigureAwait(false);
            Assert.Equal($"two{i}", Encoding.ASCII.GetString(answer.Message.Data.Span));
            Assert.Equal(20 + i, answer.Message.PayloadProtocolId);
        }

        Assert.True(readHere > 0, "no answer was read on the delivering thread");

        // No answer comes from a discard element: the blocking read still ends on cancellation...
        await discard.SendAsync(Encoding.ASCII.GetBytes("nothing back"), 1, 0, cts.Token);
        using var soon = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();
        var cancelled = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await discard.TryReceiveAsync(soon.Token).ConfigureAwait(false));
        Assert.Equal(soon.Token, cancelled.CancellationToken);
        _output.WriteLine($"cancelled after {clock.Elapsed.TotalMilliseconds:0} ms (300 ms asked)");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"cancellation took {clock.Elapsed.TotalMilliseconds:0} ms");

        // ...and on a local close from another thread, as a failure value.
        await discard.SendAsync(Encoding.ASCII.GetBytes("nothing back either"), 1, 0, cts.Token);
        Task closing = Task.Run(async () =>
        {
            await Task.Delay(1500); // long enough for the receive below to be waiting, even on a slow guest
            await discard.DisposeAsync();
        });
        ReceiveResult closed = await discard.TryReceiveAsync(cts.Token).ConfigureAwait(false);
        await closing.ConfigureAwait(false);
        Assert.NotNull(closed.Failure);
        Assert.Equal(TransportFailure.Shutdown, closed.Failure.Failure);
        await Task.WhenAll(sends);
    }

    /// <summary>Starts an rspserver echo element and returns an association to it that has echoed once.</summary>
    private async Task<IMessageChannel> ConnectToLiveEchoAsync(string name, string pool, uint id, int port, CancellationToken token)
    {
        _lab.Pool.StartPoolElement(name, "echo", pool, id, TransportLabFixture.Registrar, $"{LabPool.PoolAddress}:{port}");
        IMessageChannel channel = await ConnectAsync(new IPEndPoint(LabPool.PoolAddress, port));
        await channel.SendAsync(Encoding.ASCII.GetBytes("alive?"), 1, 0, token);
        Assert.Equal("alive?", Encoding.ASCII.GetString((await ReceiveUserDataAsync(channel, token)).Data.Span));
        return channel;
    }

    private static async Task<ChannelMessage> ReceiveUserDataAsync(IMessageChannel channel, CancellationToken token)
    {
        while (true)
        {
            ChannelMessage m = await channel.ReceiveAsync(token);
            if (m.PayloadProtocolId != AsapPpid)
            {
                return m;
            }
        }
    }

    private static async Task<IMessageChannel> ConnectAsync(IPEndPoint peer, SctpOptions? options = null)
        => await new SctpChannelFactory(options).ConnectAsync(new[] { peer }, CancellationToken.None);

}
