using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
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
internal sealed class SctpChannel : IMessageChannel
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
    public async ValueTask SendAsync(ReadOnlyMemory<byte> message, uint payloadProtocolId, ushort stream, CancellationToken cancellationToken)
    {
        ThrowIfUnusable();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int errno = TrySend(message.Span, payloadProtocolId, stream);
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
                continue;
            }

            DrainNotifications();
            ThrowIfUnusable();
            throw Fail(new TransportException(ClassifySendError(errno), $"Sending to {RemoteEndPoint} failed: {new SocketException(errno).Message}",
                RemoteEndPoint, new SocketException(errno)));
        }
    }

    /// <inheritdoc />
    public async ValueTask<ChannelMessage> ReceiveAsync(CancellationToken cancellationToken)
    {
        ReceiveResult result = await TryReceiveAsync(cancellationToken).ConfigureAwait(false);
        return result.Failure is { } failure ? throw failure : result.Message;
    }

    /// <inheritdoc />
    public async ValueTask<ReceiveResult> TryReceiveAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_failure is not null)
        {
            return new ReceiveResult(CopyOfFailure());
        }

        var assembler = new MessageAssembler(_options.MaxMessageSize);

        // Right after a send the answer is a round trip away: wait for readability first instead of a
        // recvmsg that would find nothing (one system call less per request). Arming the one-shot
        // event reports data that is already queued at once (epoll_ctl re-checks readiness), so
        // nothing is missed when the answer was quicker than this.
        ChannelMessage message = default;
        bool waitFirst = Volatile.Read(ref _justSent);
        _justSent = false;

        // The answer to a request, awaited on the poller thread that delivered the previous one (a
        // request loop): read it there with one blocking recvmsg, as a C client does, instead of
        // re-arming epoll and waking a poller thread again. Under the lab's emulated CPU a system
        // call is expensive: this is two per request (sendmsg, recvmsg) instead of four (sendmsg,
        // epoll_ctl, epoll_wait, recvmsg). Only while another poller thread waits in epoll_wait, so
        // the other associations are still served.
        if (waitFirst && ReadinessPoller.OnPollerThread && ReadinessPoller.Shared.HasIdleThread)
        {
            return ReceiveBlocking(ref assembler, cancellationToken);
        }

        while (true)
        {
            ReceiveStatus status = waitFirst ? ReceiveStatus.WouldBlock : TryReceive(ref assembler, out message);
            waitFirst = false;
            if (status != ReceiveStatus.WouldBlock)
            {
                if (TryEndReceive(status, message, out ReceiveResult result))
                {
                    return result;
                }

                continue;
            }

            // The wait inline, not through WaitReadableAsync: every async frame on this path runs
            // again for each answer (the request rate), so the failures are caught here as values.
            try
            {
                await _readable.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                return new ReceiveResult(Fail(new TransportException(TransportFailure.SocketError, $"Waiting for {RemoteEndPoint} failed: {e.Message}", RemoteEndPoint, e)));
            }
            catch (ObjectDisposedException) when (!cancellationToken.IsCancellationRequested)
            {
                return new ReceiveResult(ClosedLocally());
            }
        }
    }

    /// <summary>
    /// What a read's status means for the receive, the same for the epoll wait and the blocking read:
    /// false when it goes on reading (a notification that did not end the association), else the result.
    /// </summary>
    private bool TryEndReceive(ReceiveStatus status, ChannelMessage message, out ReceiveResult result)
    {
        switch (status)
        {
            case ReceiveStatus.Message:
                result = new ReceiveResult(message);
                return true;
            case ReceiveStatus.Notification:
                // An association event may have ended it (RFC 6458 §6.1.1, §6.1.5): returned, not thrown (see ReceiveResult).
                result = _failure is not null ? new ReceiveResult(CopyOfFailure()) : default;
                return _failure is not null;
            case ReceiveStatus.TooLarge:
                result = new ReceiveResult(new TransportException(TransportFailure.MessageTooLarge,
                    $"A message from {RemoteEndPoint} exceeded {_options.MaxMessageSize} bytes and was discarded.", RemoteEndPoint));
                return true;
            default:
                Fail(new TransportException(TransportFailure.Shutdown, $"The association with {RemoteEndPoint} was closed.", RemoteEndPoint));
                result = new ReceiveResult(CopyOfFailure());
                return true;
        }
    }

    /// <summary>The failure of a receive whose channel was closed on this side.</summary>
    private TransportException ClosedLocally() =>
        new(TransportFailure.Shutdown, $"The channel to {RemoteEndPoint} was closed locally.", RemoteEndPoint);

    /// <summary>Reads on this thread until a message, the association's failure, a local close or cancellation.</summary>
    private ReceiveResult ReceiveBlocking(ref MessageAssembler assembler, CancellationToken cancellationToken)
    {
        bool added = false;
        SafeSocketHandle handle = _socket.SafeHandle;
        try
        {
            // Keeps the descriptor open (and its number unused) while this thread reads it, even if the
            // channel is closed meanwhile: the close happens when the read returns.
            handle.DangerousAddRef(ref added);
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (Volatile.Read(ref _disposed) != 0)
                {
                    return new ReceiveResult(ClosedLocally());
                }

                ReceiveStatus status = TryReceive(ref assembler, out ChannelMessage message, block: true);
                if (status != ReceiveStatus.Message && Volatile.Read(ref _disposed) != 0)
                {
                    // Closed here while this thread read (the close wakes the read): say so, not what the read saw.
                    return new ReceiveResult(ClosedLocally());
                }

                // WouldBlock: one slice passed (SO_RCVTIMEO) or a signal; read again.
                if (status != ReceiveStatus.WouldBlock && TryEndReceive(status, message, out ReceiveResult result))
                {
                    return result;
                }
            }
        }
        catch (ObjectDisposedException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ReceiveResult(ClosedLocally());
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <inheritdoc />
    public bool TryReceivePending(out ChannelMessage message)
    {
        message = default;
        if (Volatile.Read(ref _disposed) != 0)
        {
            return false;
        }

        var assembler = new MessageAssembler(_options.MaxMessageSize);
        for (int i = 0; i < 64; i++)
        {
            ReceiveStatus status = TryReceive(ref assembler, out message);
            if (status == ReceiveStatus.Message)
            {
                return true;
            }

            if (status != ReceiveStatus.Notification)
            {
                return false;
            }
        }

        return false;
    }

    /// <inheritdoc />
    public bool CheckConnected()
    {
        if (IsConnected)
        {
            DrainNotifications();
        }

        return IsConnected;
    }

    /// <summary>Reads back the association's failure-detection settings (for diagnostics and tests).</summary>
    internal SctpTuning ReadTuning() => SctpSocket.ReadTuning(_socket);

    /// <summary>Closes with an ABORT instead of a graceful SHUTDOWN (SO_LINGER 0), as rsplib does before a failover.</summary>
    public void Abort()
    {
        try
        {
            _socket.LingerState = new LingerOption(true, 0);
        }
        catch (SocketException)
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

    private void DrainNotifications()
    {
        var assembler = new MessageAssembler(_options.MaxMessageSize);
        for (int i = 0; i < 16; i++)
        {
            if (TryReceive(ref assembler, out _, notificationsOnly: true) != ReceiveStatus.Notification)
            {
                return;
            }
        }
    }

    private unsafe ReceiveStatus TryReceive(ref MessageAssembler assembler, out ChannelMessage message,
        bool stopAtCommunicationUp = false, bool notificationsOnly = false, bool block = false)
    {
        message = default;
        int controlSize = Libc.ControlSpace(SctpConstants.RcvInfoSize);
        byte* control = stackalloc byte[controlSize];
        while (true)
        {
            fixed (byte* data = _chunk)
            {
                var iov = new Libc.IoVector { Base = data, Length = (nuint)_chunk.Length };
                var header = new Libc.MessageHeader { Iov = &iov, IovLength = 1, Control = control, ControlLength = (nuint)controlSize };
                int flags = (block ? 0 : Libc.MSG_DONTWAIT) | (notificationsOnly ? 0x2 /* MSG_PEEK */ : 0);
                nint n = Libc.RecvMsg(_socket.Handle, &header, flags);
                if (n < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno is Libc.EAGAIN or Libc.EINTR || (errno == 107 /* ENOTCONN while connecting */ && !block))
                    {
                        return ReceiveStatus.WouldBlock;
                    }

                    if (notificationsOnly)
                    {
                        return ReceiveStatus.WouldBlock;
                    }

                    if (_failure is null)
                    {
                        // Only for the first failure: a SocketException builds the runtime's errno tables
                        // the first time (measured: 100-200 ms of JIT under the lab's emulated CPU), and a
                        // dead association's queue is read again while failing over.
                        Fail(new TransportException(ClassifySendError(errno), $"Receiving from {RemoteEndPoint} failed: {new SocketException(errno).Message}",
                            RemoteEndPoint, new SocketException(errno)));
                    }

                    return ReceiveStatus.Closed;
                }

                bool isNotification = (header.Flags & SctpConstants.MsgNotification) != 0;
                if (notificationsOnly)
                {
                    if (!isNotification || n == 0)
                    {
                        return ReceiveStatus.WouldBlock;
                    }

                    // Peeked a notification: now consume it for real.
                    header.Flags = 0;
                    n = Libc.RecvMsg(_socket.Handle, &header, Libc.MSG_DONTWAIT);
                    if (n <= 0)
                    {
                        return ReceiveStatus.WouldBlock;
                    }
                }

                if (n == 0 && !isNotification)
                {
                    return ReceiveStatus.Closed;
                }

                if (isNotification)
                {
                    ushort state = HandleNotification(new ReadOnlySpan<byte>(data, (int)n));
                    if (stopAtCommunicationUp && state == SctpConstants.CommUp)
                    {
                        return ReceiveStatus.CommunicationUp;
                    }

                    return ReceiveStatus.Notification;
                }

                ReadReceiveInfo(&header, out uint ppid, out ushort stream);
                bool endOfRecord = (header.Flags & Libc.MSG_EOR) != 0;
                if (!assembler.Append(new ReadOnlySpan<byte>(data, (int)n), endOfRecord))
                {
                    if (endOfRecord)
                    {
                        return ReceiveStatus.TooLarge;
                    }

                    continue;
                }

                if (!endOfRecord)
                {
                    // A message larger than the chunk: keep reading its remaining parts (MSG_EOR marks the last).
                    continue;
                }

                message = new ChannelMessage(assembler.Take(), ppid, stream);
                return ReceiveStatus.Message;
            }
        }
    }

    private static unsafe void ReadReceiveInfo(Libc.MessageHeader* header, out uint ppid, out ushort stream)
    {
        ppid = 0;
        stream = 0;
        byte* control = (byte*)header->Control;
        int length = (int)header->ControlLength;
        int offset = 0;
        int headerSize = Libc.ControlAlign(sizeof(Libc.ControlMessageHeader));
        while (offset + headerSize <= length)
        {
            var cmsg = (Libc.ControlMessageHeader*)(control + offset);
            int cmsgLength = (int)cmsg->Length;
            if (cmsgLength < headerSize || offset + cmsgLength > length)
            {
                return;
            }

            if (cmsg->Level == SctpConstants.SolSctp && cmsg->Type == SctpConstants.CmsgRcvInfo && cmsgLength >= headerSize + SctpConstants.RcvInfoSize)
            {
                // struct sctp_rcvinfo: sid@0 ssn@2 flags@4 ppid@8 (network order, copied from the chunk).
                var info = new ReadOnlySpan<byte>(control + offset + headerSize, SctpConstants.RcvInfoSize);
                stream = BitConverter.ToUInt16(info);
                ppid = BinaryPrimitives.ReadUInt32BigEndian(info[8..]);
                return;
            }

            offset += Libc.ControlAlign(cmsgLength);
        }
    }

    /// <summary>Turns an association event into the channel's failure; returns the SCTP_ASSOC_CHANGE state or ushort.MaxValue.</summary>
    private ushort HandleNotification(ReadOnlySpan<byte> notification)
    {
        if (notification.Length < 8)
        {
            return ushort.MaxValue;
        }

        ushort type = BitConverter.ToUInt16(notification);
        switch (type)
        {
            case SctpConstants.AssocChange when notification.Length >= 12:
                ushort state = BitConverter.ToUInt16(notification[8..]);
                ushort error = BitConverter.ToUInt16(notification[10..]);
                TransportException? failure = state switch
                {
                    SctpConstants.CommLost => new TransportException(error == 0 ? TransportFailure.CommunicationLost : TransportFailure.PeerAborted,
                        $"The association with {RemoteEndPoint} was lost (SCTP_COMM_LOST, error {error}).", RemoteEndPoint),
                    SctpConstants.ShutdownComplete => new TransportException(TransportFailure.Shutdown,
                        $"The association with {RemoteEndPoint} was shut down (SCTP_SHUTDOWN_COMP).", RemoteEndPoint),
                    SctpConstants.CannotStartAssociation => new TransportException(TransportFailure.ConnectFailed,
                        $"The association with {RemoteEndPoint} could not be started (SCTP_CANT_STR_ASSOC, error {error}).", RemoteEndPoint),
                    _ => null,
                };
                if (failure is not null)
                {
                    Fail(failure);
                }

                return state;
            case SctpConstants.ShutdownEvent:
                Fail(new TransportException(TransportFailure.Shutdown, $"The peer {RemoteEndPoint} shut the association down (SCTP_SHUTDOWN_EVENT).", RemoteEndPoint));
                return ushort.MaxValue;
            case SctpConstants.SendFailedEvent:
                Fail(new TransportException(TransportFailure.SendFailed, $"The association with {RemoteEndPoint} could not deliver a message (SCTP_SEND_FAILED_EVENT).", RemoteEndPoint));
                return ushort.MaxValue;
            default:
                return ushort.MaxValue;
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
            return n >= 0 ? 0 : Marshal.GetLastPInvokeError();
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

    private enum ReceiveStatus
    {
        Message,
        Notification,
        CommunicationUp,
        WouldBlock,
        TooLarge,
        Closed,
    }
}
