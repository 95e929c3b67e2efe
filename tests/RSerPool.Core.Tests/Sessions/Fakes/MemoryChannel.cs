using System;
using System.Collections.Concurrent;
using System.Net;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using RSerPool.Transport;

namespace RSerPool.Tests.Sessions.Fakes;

/// <summary>
/// One end of an in-memory association that behaves like the kernel SCTP channel where the session can
/// tell: whole messages with PPID and stream, in order; a graceful close (SHUTDOWN) lets the other end
/// read what is queued and then fails it with <see cref="TransportFailure.Shutdown"/>; an abort fails the
/// other end at once with <see cref="TransportFailure.PeerAborted"/>; a local dispose fails a pending
/// receive with Shutdown ("closed locally") and later calls with <see cref="ObjectDisposedException"/>.
/// </summary>
internal sealed class MemoryChannel : IMessageChannel
{
    private readonly Channel<Inbound> _inbound = Channel.CreateUnbounded<Inbound>();
    private readonly TaskCompletionSource _disposedSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _gate = new();
    private MemoryChannel? _peer;
    private TransportException? _failure;
    private bool _abortive;
    private bool _noticed;
    private int _disposed;

    private MemoryChannel(EndPoint remote) => RemoteEndPoint = remote;

    /// <summary>The peer's address.</summary>
    public EndPoint? RemoteEndPoint { get; }

    /// <summary>
    /// When true, a failure of the association shows in <see cref="IsConnected"/> only after a call hit it
    /// (the kernel channel learns of an ABORT or SHUTDOWN from a notification it reads).
    /// </summary>
    public bool StaleUntilUsed { get; set; }

    /// <inheritdoc />
    public bool IsConnected
    {
        get
        {
            lock (_gate)
            {
                return _disposed == 0 && !(_failure is not null && _noticed);
            }
        }
    }

    /// <summary>
    /// When set, a message the peer sends is handed to this delegate on the sender's thread, before the
    /// peer's send returns, instead of being queued for <see cref="ReceiveAsync"/> (errors injected with
    /// <see cref="InjectIntoPeer"/> are still queued). A scripted element uses it to answer a request
    /// before the session even starts waiting for the answer.
    /// </summary>
    public Action<ChannelMessage>? InlineReceiver { get; set; }

    /// <summary>Every message sent on this end, in order.</summary>
    public ConcurrentQueue<ChannelMessage> Sent { get; } = new();

    /// <summary>Completes when this end is disposed.</summary>
    public Task Disposed => _disposedSignal.Task;

    /// <summary>Whether this end was disposed.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Creates both ends of an association.</summary>
    public static (MemoryChannel Client, MemoryChannel Server) CreatePair(EndPoint clientEndPoint, EndPoint serverEndPoint)
    {
        var client = new MemoryChannel(serverEndPoint);
        var server = new MemoryChannel(clientEndPoint);
        client._peer = server;
        server._peer = client;
        return (client, server);
    }

    /// <inheritdoc />
    public ValueTask SendAsync(ReadOnlyMemory<byte> message, uint payloadProtocolId, ushort stream, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        if (IsDisposed)
        {
            return ValueTask.FromException(new ObjectDisposedException(nameof(MemoryChannel)));
        }

        MemoryChannel? peer;
        lock (_gate)
        {
            if (_failure is { } failure)
            {
                _noticed = true;
                return ValueTask.FromException(Copy(failure));
            }

            peer = _peer;
        }

        var m = new ChannelMessage(message.ToArray(), payloadProtocolId, stream);
        Sent.Enqueue(m);
        peer?.Deliver(new Inbound(m, null));
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public async ValueTask<ChannelMessage> ReceiveAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TransportException? abort;
            lock (_gate)
            {
                abort = _abortive ? _failure : null;
                if (abort is not null)
                {
                    _noticed = true;
                }
            }

            if (abort is not null)
            {
                throw Copy(abort);
            }

            if (_inbound.Reader.TryRead(out Inbound item))
            {
                if (item.Error is { } error)
                {
                    throw error;
                }

                return item.Message;
            }

            if (!await _inbound.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                TransportException failure;
                lock (_gate)
                {
                    _noticed = true;
                    failure = _failure!;
                }

                throw Copy(failure);
            }
        }
    }

    /// <summary>Closes gracefully (SHUTDOWN): the peer reads what is queued, then fails with Shutdown.</summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Fail(new TransportException(TransportFailure.Shutdown, "The channel was closed locally.", RemoteEndPoint), abortive: true);
            _peer?.Fail(new TransportException(TransportFailure.Shutdown, "The peer shut the association down.", _peer.RemoteEndPoint), abortive: false);
            _disposedSignal.TrySetResult();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Closes with an ABORT: the peer fails at once with PeerAborted, queued messages are lost.</summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Fail(new TransportException(TransportFailure.Shutdown, "The channel was aborted locally.", RemoteEndPoint), abortive: true);
            _peer?.Fail(new TransportException(TransportFailure.PeerAborted, "The peer aborted the association.", _peer.RemoteEndPoint), abortive: true);
            _disposedSignal.TrySetResult();
        }
    }

    /// <summary>Makes the peer's next receive fail with <paramref name="error"/> once (e.g. MessageTooLarge), the association staying up.</summary>
    public void InjectIntoPeer(TransportException error) => _peer?.Deliver(new Inbound(default, error));

    private void Deliver(Inbound item)
    {
        if (item.Error is null && InlineReceiver is { } receiver)
        {
            lock (_gate)
            {
                if (_failure is not null)
                {
                    return; // this end is down: the message is lost, as a queued one would be
                }
            }

            receiver(item.Message);
            return;
        }

        _inbound.Writer.TryWrite(item);
    }

    private void Fail(TransportException failure, bool abortive)
    {
        lock (_gate)
        {
            if (_failure is not null)
            {
                return;
            }

            _failure = failure;
            _abortive = abortive;
            _noticed = !StaleUntilUsed;
        }

        _inbound.Writer.TryComplete();
    }

    private static TransportException Copy(TransportException e) => new(e.Failure, e.Message, e.Peer);

    private readonly record struct Inbound(ChannelMessage Message, TransportException? Error);
}
