using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using RSerPool.Transport.Sctp;
using Xunit;

namespace RSerPool.Tests.Transport;

/// <summary>
/// The SCTP channels' readiness poller works on any descriptor, so it is tested here with UDP sockets
/// (this host has no SCTP): readiness, cancellation, disposal, and that a continuation which blocks on
/// the poller's thread does not stall every other descriptor.
/// </summary>
public sealed class ReadinessPollerTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task WaitAsync_CompletesWhenADatagramArrives_NotBefore()
    {
        using var pair = new UdpPair();
        using ReadinessWaiter waiter = ReadinessPoller.Shared.Register(pair.Receiver.Handle);

        ValueTask wait = waiter.WaitAsync(CancellationToken.None);
        await Task.Delay(50);
        Assert.False(wait.IsCompleted);

        pair.Send();
        await wait.AsTask().WaitAsync(Limit);
    }

    [Fact]
    public async Task WaitAsync_ReArms_ManyWaitsInARow()
    {
        using var pair = new UdpPair();
        using ReadinessWaiter waiter = ReadinessPoller.Shared.Register(pair.Receiver.Handle);
        var buffer = new byte[16];
        for (int i = 0; i < 200; i++)
        {
            ValueTask wait = waiter.WaitAsync(CancellationToken.None);
            pair.Send();
            await wait.AsTask().WaitAsync(Limit);
            Assert.Equal(1, pair.Receiver.Receive(buffer));
        }
    }

    [Fact]
    public async Task WaitAsync_AlreadyReadable_CompletesAtOnce()
    {
        using var pair = new UdpPair();
        pair.Send();
        using ReadinessWaiter waiter = ReadinessPoller.Shared.Register(pair.Receiver.Handle);
        await waiter.WaitAsync(CancellationToken.None).AsTask().WaitAsync(Limit);
    }

    [Fact]
    public async Task Cancellation_FailsTheWait_AndTheNextWaitStillWorks()
    {
        using var pair = new UdpPair();
        using ReadinessWaiter waiter = ReadinessPoller.Shared.Register(pair.Receiver.Handle);
        using var cts = new CancellationTokenSource();

        ValueTask wait = waiter.WaitAsync(cts.Token);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait.AsTask().WaitAsync(Limit));

        ValueTask next = waiter.WaitAsync(CancellationToken.None);
        pair.Send();
        await next.AsTask().WaitAsync(Limit);
    }

    [Fact]
    public async Task Dispose_FailsThePendingWait_WithObjectDisposed_AndLaterWaitsToo()
    {
        using var pair = new UdpPair();
        ReadinessWaiter waiter = ReadinessPoller.Shared.Register(pair.Receiver.Handle);

        ValueTask wait = waiter.WaitAsync(CancellationToken.None);
        waiter.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => wait.AsTask().WaitAsync(Limit));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiter.WaitAsync(CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task ContinuationsThatBlockPollerThreads_DoNotStallOtherDescriptors()
    {
        // Three continuations block three poller threads (more than the poller starts with), so the
        // fourth descriptor is only heard if the poller started threads as its own were taken.
        const int Blocked = 3;
        var pairs = new UdpPair[Blocked];
        var waiters = new ReadinessWaiter[Blocked];
        var blockedTasks = new Task[Blocked];
        using var release = new ManualResetEventSlim();
        using var other = new UdpPair();
        using ReadinessWaiter otherWaiter = ReadinessPoller.Shared.Register(other.Receiver.Handle);
        try
        {
            for (int i = 0; i < Blocked; i++)
            {
                pairs[i] = new UdpPair();
                waiters[i] = ReadinessPoller.Shared.Register(pairs[i].Receiver.Handle);
                var blocking = new TaskCompletionSource();
                blockedTasks[i] = RunBlockingAsync(waiters[i], release, blocking);
                pairs[i].Send();
                await blocking.Task.WaitAsync(Limit);
            }

            ValueTask wait = otherWaiter.WaitAsync(CancellationToken.None);
            other.Send();
            await wait.AsTask().WaitAsync(Limit);
            Assert.True(ReadinessPoller.Shared.ThreadCount > Blocked, $"threads: {ReadinessPoller.Shared.ThreadCount}");
        }
        finally
        {
            release.Set();
        }

        await Task.WhenAll(blockedTasks).WaitAsync(Limit);
        for (int i = 0; i < Blocked; i++)
        {
            waiters[i].Dispose();
            pairs[i].Dispose();
        }
    }

    private static async Task RunBlockingAsync(ReadinessWaiter waiter, ManualResetEventSlim release, TaskCompletionSource blocking)
    {
        // ConfigureAwait(false): continue on the poller's thread, not on xunit's synchronization context.
        await waiter.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        blocking.SetResult();
        release.Wait(Limit);
    }

    /// <summary>Two bound loopback UDP sockets; Send puts one datagram in the receiver's queue.</summary>
    private sealed class UdpPair : IDisposable
    {
        public UdpPair()
        {
            Receiver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { Blocking = false };
            Receiver.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            Sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        }

        public Socket Receiver { get; }

        public Socket Sender { get; }

        public void Send() => Sender.SendTo(new byte[] { 1 }, Receiver.LocalEndPoint!);

        public void Dispose()
        {
            Receiver.Dispose();
            Sender.Dispose();
        }
    }
}
