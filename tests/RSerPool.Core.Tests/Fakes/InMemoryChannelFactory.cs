using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using RSerPool.Transport;

namespace RSerPool.Tests.Fakes;

/// <summary>
/// An <see cref="IChannelFactory"/> whose peers are handlers keyed by endpoint: refuse, hang until
/// cancelled, accept with a server-side <see cref="InMemoryChannel"/>, or wait for the test to decide.
/// Counts connects and tracks the most connects pending at once (RFC 5352 §3.6 SH1 allows three).
/// </summary>
/// <remarks>
/// A connect stops counting as pending the moment its token is cancelled (the caller abandoned it),
/// inside the cancellation callback, so a caller that awaits its cancellation sees the count drop
/// before it starts anything new. Endpoints without a handler are refused.
/// </remarks>
internal sealed class InMemoryChannelFactory : IChannelFactory
{
    private readonly ConcurrentDictionary<IPEndPoint, Handler> _handlers = new();
    private readonly object _gate = new();
    private readonly List<IPEndPoint> _attempts = new();
    private readonly ChangeSignal _changes = new();
    private int _pending;
    private int _maxPending;

    /// <summary>Connects to one peer; returns the channel or throws.</summary>
    public delegate ValueTask<IMessageChannel> Handler(IReadOnlyList<IPEndPoint> peer, CancellationToken cancellationToken);

    /// <summary>Connects started.</summary>
    public int ConnectCount
    {
        get
        {
            lock (_gate)
            {
                return _attempts.Count;
            }
        }
    }

    /// <summary>The first address of every connect, in order.</summary>
    public IReadOnlyList<IPEndPoint> Attempts
    {
        get
        {
            lock (_gate)
            {
                return _attempts.ToArray();
            }
        }
    }

    /// <summary>Connects neither finished nor abandoned now.</summary>
    public int PendingConnects => Volatile.Read(ref _pending);

    /// <summary>The most connects that were pending at the same time.</summary>
    public int MaxConcurrentPending => Volatile.Read(ref _maxPending);

    /// <summary>Maps a peer address to a handler (replacing any earlier one).</summary>
    public void Map(IPEndPoint peer, Handler handler) => _handlers[peer] = handler;

    /// <summary>The peer refuses (an SCTP ABORT in answer to INIT, say).</summary>
    public void Refuse(IPEndPoint peer, TransportFailure failure = TransportFailure.ConnectFailed, string message = "Connection refused")
        => Map(peer, (_, _) => ValueTask.FromException<IMessageChannel>(new TransportException(failure, $"{message} ({peer})", peer)));

    /// <summary>The peer never answers; the connect ends only when its token is cancelled.</summary>
    public void Hang(IPEndPoint peer) => Map(peer, HangAsync);

    /// <summary>The peer accepts; <paramref name="onAccepted"/> gets the server side.</summary>
    public void Accept(IPEndPoint peer, Action<InMemoryChannel> onAccepted)
        => Map(peer, (endPoints, _) =>
        {
            (InMemoryChannel client, InMemoryChannel server) = InMemoryChannel.CreatePair(endPoints[0], new IPEndPoint(IPAddress.Loopback, 40000));
            onAccepted(server);
            return ValueTask.FromResult<IMessageChannel>(client);
        });

    /// <summary>Routes every address of <paramref name="registrar"/> to it (refused once it stops accepting).</summary>
    public void Serve(ScriptedRegistrar registrar)
    {
        foreach (IPEndPoint address in registrar.Address.EndPoints)
        {
            Map(address, (endPoints, _) =>
            {
                if (!registrar.Accepting)
                {
                    return ValueTask.FromException<IMessageChannel>(new TransportException(TransportFailure.ConnectFailed, $"Connection refused ({endPoints[0]})", endPoints[0]));
                }

                (InMemoryChannel client, InMemoryChannel server) = InMemoryChannel.CreatePair(endPoints[0]);
                registrar.Attach(server);
                return ValueTask.FromResult<IMessageChannel>(client);
            });
        }
    }

    /// <summary>The peer's connects wait until the test accepts or refuses each one.</summary>
    /// <param name="peer">The peer.</param>
    /// <param name="ignoreCancellation">Whether a connect still completes after its caller abandoned it (a late association).</param>
    public DeferredPeer Defer(IPEndPoint peer, bool ignoreCancellation = false)
    {
        var deferred = new DeferredPeer(ignoreCancellation);
        Map(peer, deferred.ConnectAsync);
        return deferred;
    }

    /// <inheritdoc />
    public async ValueTask<IMessageChannel> ConnectAsync(IReadOnlyList<IPEndPoint> peerAddresses, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(peerAddresses);
        lock (_gate)
        {
            // Counted as started and as pending in one step: a test that sees the connect started (under
            // this lock) also sees it pending, never a moment in between.
            _attempts.Add(peerAddresses[0]);
            int pending = Interlocked.Increment(ref _pending);
            int max;
            while (pending > (max = Volatile.Read(ref _maxPending)) && Interlocked.CompareExchange(ref _maxPending, pending, max) != max)
            {
            }
        }

        int finished = 0;
        void Finish()
        {
            if (Interlocked.Exchange(ref finished, 1) == 0)
            {
                Interlocked.Decrement(ref _pending);
            }
        }

        _changes.Signal();
        using CancellationTokenRegistration registration = cancellationToken.Register(Finish);
        try
        {
            Handler? handler = null;
            foreach (IPEndPoint address in peerAddresses)
            {
                if (_handlers.TryGetValue(address, out handler))
                {
                    break;
                }
            }

            if (handler is null)
            {
                throw new TransportException(TransportFailure.ConnectFailed, $"Connection refused ({peerAddresses[0]})", peerAddresses[0]);
            }

            return await handler(peerAddresses, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Finish();
            _changes.Signal();
        }
    }

    /// <summary>Waits (guarded) until at least <paramref name="count"/> connects have started.</summary>
    public Task WaitForConnectsAsync(int count) => _changes.WaitUntilAsync(() => ConnectCount >= count, () => $"Waited in vain for {count} connect(s): {ConnectCount} started, {PendingConnects} pending.");

    /// <summary>Waits (guarded) until exactly <paramref name="count"/> connects are pending.</summary>
    public Task WaitForPendingAsync(int count) => _changes.WaitUntilAsync(() => PendingConnects == count, () => $"Waited in vain for {count} pending connect(s): {ConnectCount} started, {PendingConnects} pending.");

    private static async ValueTask<IMessageChannel> HangAsync(IReadOnlyList<IPEndPoint> peer, CancellationToken cancellationToken)
    {
        var never = new TaskCompletionSource<IMessageChannel>(TaskCreationOptions.RunContinuationsAsynchronously);
        using CancellationTokenRegistration r = cancellationToken.Register(() => never.TrySetCanceled(cancellationToken));
        return await never.Task.ConfigureAwait(false);
    }

    /// <summary>A peer whose connects the test completes one by one.</summary>
    internal sealed class DeferredPeer
    {
        private readonly bool _ignoreCancellation;
        private readonly System.Threading.Channels.Channel<PendingConnect> _queue = System.Threading.Channels.Channel.CreateUnbounded<PendingConnect>();

        public DeferredPeer(bool ignoreCancellation) => _ignoreCancellation = ignoreCancellation;

        /// <summary>The next connect to this peer (guarded wait).</summary>
        public async Task<PendingConnect> NextAsync() => await _queue.Reader.ReadAsync().AsTask().WaitAsync(TestClock.Guard).ConfigureAwait(false);

        internal async ValueTask<IMessageChannel> ConnectAsync(IReadOnlyList<IPEndPoint> peer, CancellationToken cancellationToken)
        {
            var pending = new PendingConnect(peer[0]);
            _queue.Writer.TryWrite(pending);
            if (_ignoreCancellation)
            {
                return await pending.Result.ConfigureAwait(false);
            }

            using CancellationTokenRegistration r = cancellationToken.Register(() => pending.Cancel(cancellationToken));
            return await pending.Result.ConfigureAwait(false);
        }
    }

    /// <summary>One connect waiting for the test.</summary>
    internal sealed class PendingConnect
    {
        private readonly TaskCompletionSource<IMessageChannel> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly IPEndPoint _peer;

        public PendingConnect(IPEndPoint peer) => _peer = peer;

        public Task<IMessageChannel> Result => _result.Task;

        /// <summary>Whether the caller abandoned it.</summary>
        public bool WasCancelled => _result.Task.IsCanceled;

        /// <summary>Brings the association up; returns the server side.</summary>
        public InMemoryChannel Accept()
        {
            (InMemoryChannel client, InMemoryChannel server) = InMemoryChannel.CreatePair(_peer);
            if (!_result.TrySetResult(client))
            {
                throw new InvalidOperationException("The connect already ended.");
            }

            return server;
        }

        public void Refuse() => _result.TrySetException(new TransportException(TransportFailure.ConnectFailed, $"Connection refused ({_peer})", _peer));

        internal void Cancel(CancellationToken token) => _result.TrySetCanceled(token);
    }
}
