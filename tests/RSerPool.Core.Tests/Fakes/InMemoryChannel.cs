using System;
using System.Net;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using RSerPool.Transport;

namespace RSerPool.Tests.Fakes;

/// <summary>
/// One end of an in-memory association: whole messages with PPID and stream, in order, as SCTP
/// delivers them. <see cref="Close"/> is a graceful shutdown (the peer still reads what was sent,
/// then gets <see cref="TransportFailure.Shutdown"/>); <see cref="Abort"/> is an ABORT (the peer's
/// pending and later calls fail at once with <see cref="TransportFailure.PeerAborted"/>).
/// </summary>
internal sealed class InMemoryChannel : IMessageChannel
{
    private readonly Channel<ChannelMessage> _inbox = Channel.CreateUnbounded<ChannelMessage>();
    private readonly CancellationTokenSource _failNow = new();
    private readonly object _gate = new();
    private readonly TaskCompletionSource _downSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private InMemoryChannel _peer = null!;
    private TransportFailure? _failure;
    private string _failureText = string.Empty;
    private int _sent;

    private InMemoryChannel(EndPoint? remote) => RemoteEndPoint = remote;

    /// <inheritdoc />
    public EndPoint? RemoteEndPoint { get; }

    /// <inheritdoc />
    public bool IsConnected
    {
        get
        {
            lock (_gate)
            {
                return _failure is null;
            }
        }
    }

    /// <summary>How this side went down (null while up).</summary>
    public TransportFailure? Failure
    {
        get
        {
            lock (_gate)
            {
                return _failure;
            }
        }
    }

    /// <summary>Messages sent from this side.</summary>
    public int SentCount => Volatile.Read(ref _sent);

    /// <summary>Completes when this side goes down, whoever closed it.</summary>
    public Task Down => _downSignal.Task;

    /// <summary>Creates a connected pair.</summary>
    /// <param name="clientRemote">What the client side reports as its peer (the server's address).</param>
    /// <param name="serverRemote">What the server side reports as its peer (the client's address).</param>
    public static (InMemoryChannel Client, InMemoryChannel Server) CreatePair(EndPoint? clientRemote = null, EndPoint? serverRemote = null)
    {
        var client = new InMemoryChannel(clientRemote ?? new IPEndPoint(IPAddress.Loopback, 3863));
        var server = new InMemoryChannel(serverRemote ?? new IPEndPoint(IPAddress.Loopback, 40000));
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

        if (CurrentFailure() is { } failure)
        {
            return ValueTask.FromException(failure);
        }

        if (!_peer._inbox.Writer.TryWrite(new ChannelMessage(message.ToArray(), payloadProtocolId, stream)))
        {
            return ValueTask.FromException(CurrentFailure() ?? new TransportException(TransportFailure.Shutdown, "The peer closed the association.", RemoteEndPoint));
        }

        Interlocked.Increment(ref _sent);
        return default;
    }

    /// <inheritdoc />
    public async ValueTask<ChannelMessage> ReceiveAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _failNow.Token);
        try
        {
            if (_failNow.IsCancellationRequested)
            {
                throw CurrentFailure()!;
            }

            return await _inbox.Reader.ReadAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw CurrentFailure()!;
        }
        catch (ChannelClosedException)
        {
            throw CurrentFailure() ?? new TransportException(TransportFailure.Shutdown, "The association was shut down.", RemoteEndPoint);
        }
    }

    /// <summary>Graceful shutdown from this side.</summary>
    public void Close() => GoDown(TransportFailure.Shutdown, abort: false);

    /// <summary>ABORT from this side.</summary>
    public void Abort() => GoDown(TransportFailure.PeerAborted, abort: true);

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Close();
        return default;
    }

    private void GoDown(TransportFailure toPeer, bool abort)
    {
        if (!MarkDown(TransportFailure.Shutdown, "The association was closed locally."))
        {
            return;
        }

        _inbox.Writer.TryComplete();
        _failNow.Cancel();
        _peer.PeerWentDown(toPeer, abort);
    }

    private void PeerWentDown(TransportFailure failure, bool abort)
    {
        if (!MarkDown(failure, abort ? "The peer aborted the association." : "The peer shut the association down."))
        {
            return;
        }

        _inbox.Writer.TryComplete();
        if (abort)
        {
            _failNow.Cancel();
        }
    }

    private bool MarkDown(TransportFailure failure, string text)
    {
        lock (_gate)
        {
            if (_failure is not null)
            {
                return false;
            }

            _failure = failure;
            _failureText = text;
        }

        _downSignal.TrySetResult();
        return true;
    }

    private TransportException? CurrentFailure()
    {
        lock (_gate)
        {
            return _failure is { } f ? new TransportException(f, _failureText, RemoteEndPoint) : null;
        }
    }
}
