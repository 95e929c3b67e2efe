using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using RSerPool.Transport.Interop;

namespace RSerPool.Transport.Sctp;

/// <summary>
/// <see cref="IMessageChannel"/> over one one-to-one style SCTP association (RFC 6458 §4).
/// </summary>
/// <remarks>
/// The managed <see cref="Socket"/> owns the descriptor; the wait for readability is the
/// <see cref="ReadinessPoller"/>'s (the code waiting for an answer runs on the thread that saw it arrive);
/// the message itself is read with recvmsg(2), because only recvmsg returns the PPID (SCTP_RCVINFO),
/// the end-of-record flag and notifications. Association events (RFC 6458 §6.1.1 SCTP_ASSOC_CHANGE, §6.1.5 SCTP_SHUTDOWN_EVENT)
/// arrive in the same queue, so a dead peer fails the pending receive at once instead of after a timeout.
/// </remarks>
internal sealed partial class SctpChannel : IMessageChannel
{
    private readonly Socket _socket;
    private readonly SctpOptions _options;
    private readonly byte[] _chunk;
    private readonly ReadinessWaiter _readable;
    // A blocking read waits at most this long before it looks at cancellation and a local close again.
    private const int BlockingReadSliceMs = 50;

    private TransportException? _failure;
    private int _disposed;
    private bool _justSent;

    private SctpChannel(Socket socket, SctpOptions options, EndPoint remote)
    {
        _socket = socket;
        _options = options;
        _chunk = new byte[options.ReceiveChunkSize];
        _readable = ReadinessPoller.Shared.Register(socket.Handle);
        RemoteEndPoint = remote;
    }

    /// <inheritdoc />
    public EndPoint? RemoteEndPoint { get; }

    /// <inheritdoc />
    public bool IsConnected => _failure is null && Volatile.Read(ref _disposed) == 0;

    internal static async ValueTask<SctpChannel> ConnectAsync(IReadOnlyList<IPEndPoint> peers, SctpOptions options, CancellationToken cancellationToken)
    {
        bool anyV6 = false;
        foreach (IPEndPoint p in peers)
        {
            anyV6 |= p.AddressFamily == AddressFamily.InterNetworkV6;
        }

        foreach (IPAddress a in options.LocalAddresses)
        {
            anyV6 |= a.AddressFamily == AddressFamily.InterNetworkV6;
        }

        Socket socket = SctpSocket.Open(anyV6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork, options);
        var channel = new SctpChannel(socket, options, peers[0]);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        try
        {
            if (options.LocalAddresses.Count > 0)
            {
                SctpSocket.BindAll(socket, options.LocalAddresses);
            }

            SctpSocket.StartConnect(socket, peers);
            await channel.WaitForCommunicationUpAsync(timeout.Token).ConfigureAwait(false);

            // Blocking from now on, for the read on the delivering thread (TryReceiveAsync); every other
            // send and receive passes MSG_DONTWAIT. The timeout bounds each blocking read, so a
            // cancellation or a local close is seen within one slice.
            SctpSocket.MakeBlocking(socket, BlockingReadSliceMs);
            return channel;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await channel.DisposeAsync().ConfigureAwait(false);
            throw new TransportException(TransportFailure.ConnectTimeout,
                $"The SCTP association to {Describe(peers)} did not come up within {options.ConnectTimeout.TotalSeconds:0.###} s.", peers[0]);
        }
        catch (SocketException e)
        {
            await channel.DisposeAsync().ConfigureAwait(false);
            throw new TransportException(TransportFailure.ConnectFailed, $"Could not connect to {Describe(peers)}: {e.Message}", peers[0], e);
        }
        catch
        {
            await channel.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public ValueTask SendAsync(ReadOnlyMemory<byte> message, uint payloadProtocolId, ushort stream, CancellationToken cancellationToken)
    {
        // Not an async method: a send that the kernel takes at once (nearly all) completes here without
        // an async state machine, whose frames perf in the lab counted in every request of a loop.
        // Everything else (a failed or closed channel, cancellation, a full send buffer, an error)
        // goes the async way, so its exceptions still arrive through the returned task.
        if (IsConnected && !cancellationToken.IsCancellationRequested)
        {
            int errno = TrySend(message.Span, payloadProtocolId, stream);
            if (errno == 0)
            {
                Volatile.Write(ref _justSent, true);
                return ValueTask.CompletedTask;
            }

            return SendSlowAsync(message, payloadProtocolId, stream, errno, cancellationToken);
        }

        return SendSlowAsync(message, payloadProtocolId, stream, NotTried, cancellationToken);
    }

    /// <summary>SendSlowAsync's errno before any attempt.</summary>
    private const int NotTried = -1;

    /// <summary>A send that did not complete at once: the channel's state checked, retried while the send buffer is full, else the failure.</summary>
    private async ValueTask SendSlowAsync(ReadOnlyMemory<byte> message, uint payloadProtocolId, ushort stream, int errno, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (errno == NotTried)
            {
                ThrowIfUnusable();
                cancellationToken.ThrowIfCancellationRequested();
                errno = TrySend(message.Span, payloadProtocolId, stream);
            }

            if (errno == 0)
            {
                Volatile.Write(ref _justSent, true);
                return;
            }

            if (errno is Libc.EAGAIN or Libc.EINTR)
            {
                // The send buffer is full. .NET offers no asynchronous "wait until writable" on a raw
                // descriptor, and a zero-byte send is an error on SCTP, so back off briefly; this path
                // is only hit when the peer stops reading.
                await Task.Delay(2, cancellationToken).ConfigureAwait(false);
                errno = NotTried;
                continue;
            }

            DrainNotifications();
            ThrowIfUnusable();
            throw Fail(new TransportException(ClassifySendError(errno), $"Sending to {RemoteEndPoint} failed: {new SocketException(errno).Message}",
                RemoteEndPoint, new SocketException(errno)));
        }
    }

    /// <summary>Reads back the association's failure-detection settings (for diagnostics and tests).</summary>
    internal SctpTuning ReadTuning() => SctpSocket.ReadTuning(_socket);

    /// <summary>Closes with an ABORT instead of a graceful SHUTDOWN (SO_LINGER 0), as rsplib does before a failover.</summary>
    public void Abort()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return; // closed already (a standby retired twice: by its failed wait and by the failover)
        }

        try
        {
            _socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already gone; closing is all that is left to do.
        }

        _ = DisposeAsync();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _readable.Dispose();
            _socket.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private async ValueTask WaitForCommunicationUpAsync(CancellationToken cancellationToken)
    {
        var assembler = new MessageAssembler(_options.MaxMessageSize);
        while (true)
        {
            ReceiveStatus status = TryReceive(ref assembler, out _, stopAtCommunicationUp: true);
            if (status == ReceiveStatus.CommunicationUp)
            {
                return;
            }

            if (_failure is { } failure)
            {
                throw new TransportException(TransportFailure.ConnectFailed, failure.Message, RemoteEndPoint, failure);
            }

            if (status == ReceiveStatus.Closed)
            {
                throw new TransportException(TransportFailure.ConnectFailed, $"The association with {RemoteEndPoint} closed while connecting.", RemoteEndPoint);
            }

            await WaitReadableAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask WaitReadableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _readable.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw Fail(new TransportException(TransportFailure.SocketError, $"Waiting for {RemoteEndPoint} failed: {e.Message}", RemoteEndPoint, e));
        }
        catch (ObjectDisposedException) when (!cancellationToken.IsCancellationRequested)
        {
            throw ClosedLocally();
        }
    }

    private unsafe int TrySend(ReadOnlySpan<byte> message, uint ppid, ushort stream)
    {
        int controlSize = Libc.ControlSpace(SctpConstants.SndInfoSize);
        byte* control = stackalloc byte[controlSize];
        new Span<byte>(control, controlSize).Clear();
        var cmsg = (Libc.ControlMessageHeader*)control;
        cmsg->Length = (nuint)Libc.ControlLength(SctpConstants.SndInfoSize);
        cmsg->Level = SctpConstants.SolSctp;
        cmsg->Type = SctpConstants.CmsgSndInfo;

        // struct sctp_sndinfo { u16 sid; u16 flags; u32 ppid; u32 context; assoc_id }: the kernel copies
        // snd_ppid into the DATA chunk unchanged, so it is written in network order (RFC 6458 §5.3.4).
        var info = new Span<byte>(control + Libc.ControlAlign(sizeof(Libc.ControlMessageHeader)), SctpConstants.SndInfoSize);
        BitConverter.TryWriteBytes(info, stream);
        BinaryPrimitives.WriteUInt32BigEndian(info[4..], ppid);

        fixed (byte* data = message)
        {
            var iov = new Libc.IoVector { Base = data, Length = (nuint)message.Length };
            var header = new Libc.MessageHeader { Iov = &iov, IovLength = 1, Control = control, ControlLength = (nuint)controlSize };
            nint n = Libc.SendMsg(_socket.Handle, &header, Libc.MSG_DONTWAIT | Libc.MSG_NOSIGNAL);
            return n >= 0 ? 0 : Marshal.GetLastSystemError(); // SendMsg: no SetLastError (see there)
        }
    }

    private static TransportFailure ClassifySendError(int errno) => errno switch
    {
        104 => TransportFailure.PeerAborted,          // ECONNRESET
        32 or 107 => TransportFailure.Shutdown,       // EPIPE, ENOTCONN
        111 => TransportFailure.ConnectFailed,        // ECONNREFUSED
        110 => TransportFailure.CommunicationLost,    // ETIMEDOUT
        _ => TransportFailure.SocketError,
    };

    private TransportException Fail(TransportException failure)
    {
        _failure ??= failure;
        return _failure;
    }

    private void ThrowIfUnusable()
    {
        if (_failure is not null)
        {
            throw CopyOfFailure();
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
    }

    /// <summary>A fresh exception for the association's failure, so no exception object is thrown twice.</summary>
    private TransportException CopyOfFailure()
    {
        TransportException failure = _failure!;
        return new TransportException(failure.Failure, failure.Message, failure.Peer, failure.InnerException);
    }

    private static string Describe(IReadOnlyList<IPEndPoint> peers) => peers.Count == 1 ? peers[0].ToString() : string.Join(", ", peers);
}
