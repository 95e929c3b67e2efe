using System;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using RSerPool.Transport;
using Xunit;

namespace RSerPool.Tests.Fakes;

/// <summary>The fakes behave as the association semantics the core relies on.</summary>
public class InMemoryChannelTests
{
    private static readonly TimeSpan Guard = TestClock.Guard;

    [Fact]
    public async Task SendAsync_WholeMessage_ArrivesWithPpidAndStream()
    {
        (InMemoryChannel client, InMemoryChannel server) = InMemoryChannel.CreatePair();

        await client.SendAsync(new byte[] { 1, 2, 3 }, 11, 4, default);
        ChannelMessage m = await server.ReceiveAsync(default).AsTask().WaitAsync(Guard);

        Assert.Equal(new byte[] { 1, 2, 3 }, m.Data.ToArray());
        Assert.Equal(11u, m.PayloadProtocolId);
        Assert.Equal((ushort)4, m.Stream);
    }

    [Fact]
    public async Task Abort_PendingReceiveOnPeer_ThrowsPeerAborted()
    {
        (InMemoryChannel client, InMemoryChannel server) = InMemoryChannel.CreatePair();
        Task<ChannelMessage> pending = client.ReceiveAsync(default).AsTask();

        server.Abort();

        var e = await Assert.ThrowsAsync<TransportException>(() => pending.WaitAsync(Guard));
        Assert.Equal(TransportFailure.PeerAborted, e.Failure);
        Assert.False(client.IsConnected);
        var send = await Assert.ThrowsAsync<TransportException>(() => client.SendAsync(new byte[1], 11, 0, default).AsTask());
        Assert.Equal(TransportFailure.PeerAborted, send.Failure);
    }

    [Fact]
    public async Task Close_PeerReadsQueuedThenGetsShutdown()
    {
        (InMemoryChannel client, InMemoryChannel server) = InMemoryChannel.CreatePair();
        await server.SendAsync(new byte[] { 9 }, 11, 0, default);

        server.Close();

        ChannelMessage m = await client.ReceiveAsync(default).AsTask().WaitAsync(Guard);
        Assert.Equal(9, m.Data.Span[0]);
        var e = await Assert.ThrowsAsync<TransportException>(() => client.ReceiveAsync(default).AsTask().WaitAsync(Guard));
        Assert.Equal(TransportFailure.Shutdown, e.Failure);
    }

    [Fact]
    public async Task ReceiveAsync_CallerCancels_ThrowsOperationCanceled()
    {
        (InMemoryChannel client, _) = InMemoryChannel.CreatePair();
        using var cts = new CancellationTokenSource();
        Task<ChannelMessage> pending = client.ReceiveAsync(cts.Token).AsTask();

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(Guard));
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task Factory_HangAndRefuse_CountsPendingConnects()
    {
        var factory = new InMemoryChannelFactory();
        var hung = new IPEndPoint(IPAddress.Parse("10.0.0.1"), 3863);
        var refused = new IPEndPoint(IPAddress.Parse("10.0.0.2"), 3863);
        factory.Hang(hung);
        factory.Refuse(refused);
        using var cts = new CancellationTokenSource();

        Task<IMessageChannel> first = factory.ConnectAsync(new[] { hung }, cts.Token).AsTask();
        Task<IMessageChannel> second = factory.ConnectAsync(new[] { hung }, cts.Token).AsTask();
        await Assert.ThrowsAsync<TransportException>(() => factory.ConnectAsync(new[] { refused }, default).AsTask());
        Assert.Equal(2, factory.PendingConnects);
        await cts.CancelAsync();

        Assert.Equal(0, factory.PendingConnects);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.WaitAsync(Guard));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second.WaitAsync(Guard));
        Assert.Equal(3, factory.ConnectCount);
        Assert.Equal(3, factory.MaxConcurrentPending); // the refused one was pending, briefly, beside the two hung ones
    }
}
