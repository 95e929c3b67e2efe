using System;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using RSerPool.Transport.Interop;

namespace RSerPool.Transport.Sctp;

/// <summary>Receiving: messages and association events read with recvmsg(2), waits on the poller or a blocking read.</summary>
internal sealed partial class SctpChannel
{
    /// <inheritdoc />
    public ValueTask<ChannelMessage> ReceiveAsync(CancellationToken cancellationToken)
    {
        // Not async methods, this and the blocking read below: a request loop's answers nearly all
        // complete synchronously, and perf in the lab counted the state machines' frames (start,
        // move-next, the builder's task) in every request. What waits goes the async way.
        ValueTask<ReceiveResult> pending = TryReceiveAsync(cancellationToken);
        if (!pending.IsCompletedSuccessfully)
        {
            return AwaitMessageAsync(pending);
        }

        ReceiveResult result = pending.Result;
        return result.Failure is { } failure ? ValueTask.FromException<ChannelMessage>(failure) : new ValueTask<ChannelMessage>(result.Message);
    }

    private static async ValueTask<ChannelMessage> AwaitMessageAsync(ValueTask<ReceiveResult> pending)
    {
        ReceiveResult result = await pending.ConfigureAwait(false);
        return result.Failure is { } failure ? throw failure : result.Message;
    }

    /// <inheritdoc />
    public ValueTask<ReceiveResult> TryReceiveAsync(CancellationToken cancellationToken)
    {
        // The answer to a request, awaited on the poller thread that delivered the previous one (a
        // request loop): read it there with one blocking recvmsg, as a C client does, instead of
        // re-arming epoll and waking a poller thread again. Under the lab's emulated CPU a system
        // call is expensive: this is two per request (sendmsg, recvmsg) instead of four (sendmsg,
        // epoll_ctl, epoll_wait, recvmsg). Only while another poller thread waits in epoll_wait, so
        // the other associations are still served.
        if (IsConnected && Volatile.Read(ref _justSent)
            && ReadinessPoller.MayBlock && ReadinessPoller.Shared.HasIdleThread)
        {
            _justSent = false;
            var assembler = new MessageAssembler(_options.MaxMessageSize);
            try
            {
                return new ValueTask<ReceiveResult>(ReceiveBlocking(ref assembler, cancellationToken));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return ValueTask.FromCanceled<ReceiveResult>(cancellationToken);
            }
            catch (Exception e)
            {
                return ValueTask.FromException<ReceiveResult>(e);
            }
        }

        return TryReceiveWaitingAsync(cancellationToken);
    }

    /// <summary>The receive that may wait: on the poller (epoll), for a channel without a blocking reader.</summary>
    private async ValueTask<ReceiveResult> TryReceiveWaitingAsync(CancellationToken cancellationToken)
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

    /// <summary>
    /// Waits on this thread until the association has something to read (a message or an event), at
    /// most <paramref name="timeout"/>: false when the time ran out. A hedged request's wait for its
    /// element (PoolSession.HedgeAsync): one ppoll(2) with the delay as its timeout, as a C client
    /// would, where the timerfd and epoll path took two timerfd_settime, two epoll_ctl, an epoll_wait
    /// and a failing read per request (strace in the lab) and ran the hedged loop at a third of the
    /// rate of a plain one.
    /// </summary>
    /// <remarks>
    /// Waits in slices of at most 100 ms so that cancellation and a local close are seen (then true:
    /// the receive that follows reports them).
    /// </remarks>
    internal unsafe bool WaitReadable(TimeSpan timeout, CancellationToken cancellationToken)
    {
        bool added = false;
        SafeSocketHandle handle = _socket.SafeHandle;
        try
        {
            handle.DangerousAddRef(ref added);
            long deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
            int* pollFd = stackalloc int[2];
            long* spec = stackalloc long[2];
            while (!cancellationToken.IsCancellationRequested && Volatile.Read(ref _disposed) == 0)
            {
                TimeSpan left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
                if (left <= TimeSpan.Zero)
                {
                    return false;
                }

                long ticks = Math.Min(left.Ticks, TimeSpan.TicksPerMillisecond * 100);
                pollFd[0] = (int)handle.DangerousGetHandle();
                pollFd[1] = Libc.POLLIN; // events; revents (the upper half) zero
                spec[0] = ticks / TimeSpan.TicksPerSecond;
                spec[1] = ticks % TimeSpan.TicksPerSecond * 100;
                if (Libc.PPoll(pollFd, 1, spec, null) > 0)
                {
                    return true; // readable, or an error or hang-up: the receive finds out which
                }
            }

            return true;
        }
        catch (ObjectDisposedException)
        {
            return true;
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
                    int errno = Marshal.GetLastSystemError(); // RecvMsg: no SetLastError (see there)
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
