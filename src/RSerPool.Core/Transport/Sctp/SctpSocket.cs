using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using RSerPool.Transport.Interop;

namespace RSerPool.Transport.Sctp;

/// <summary>
/// Opens a one-to-one style SCTP socket (RFC 6458 §4) and sets its options. The managed Socket
/// constructor refuses IPPROTO_SCTP (.NET maps only protocols it knows and fails with
/// EPROTONOSUPPORT without calling socket(2)), so the descriptor comes from libc and is wrapped.
/// </summary>
internal static class SctpSocket
{
    /// <summary>Opens the socket, subscribes to association events and applies <paramref name="options"/>.</summary>
    /// <exception cref="TransportException">SCTP is unavailable (<see cref="TransportFailure.SctpUnavailable"/>).</exception>
    internal static Socket Open(AddressFamily family, SctpOptions options)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new TransportException(TransportFailure.SctpUnavailable,
                "SCTP is not available on this system: the SCTP transport is implemented for Linux kernel SCTP only.");
        }

        int domain = family == AddressFamily.InterNetworkV6 ? Libc.AF_INET6 : Libc.AF_INET;
        int fd = Libc.Socket(domain, Libc.SOCK_STREAM, Libc.IPPROTO_SCTP);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            var inner = new SocketException(errno);
            if (errno is Libc.EPROTONOSUPPORT or Libc.ESOCKTNOSUPPORT or Libc.EAFNOSUPPORT)
            {
                throw new TransportException(TransportFailure.SctpUnavailable,
                    $"SCTP is not available on this system: socket(IPPROTO_SCTP) failed with '{inner.Message}'. " +
                    "Load the kernel module with 'sudo modprobe sctp' (Debian: package linux-modules for your kernel), or run in the project's lab (tests/lab).",
                    null, inner);
            }

            throw new TransportException(TransportFailure.SocketError, $"socket(IPPROTO_SCTP) failed: {inner.Message}", null, inner);
        }

        var socket = new Socket(new SafeSocketHandle((IntPtr)fd, ownsHandle: true));
        try
        {
            Configure(socket, family, options);
            return socket;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new TransportException(TransportFailure.SocketError, $"Setting up the SCTP socket failed: {e.Message}", null, e);
        }
    }

    /// <summary>
    /// Makes the descriptor blocking (O_NONBLOCK off) with a receive timeout (SO_RCVTIMEO), for reads
    /// that wait on the calling thread; every other call on it passes MSG_DONTWAIT.
    /// </summary>
    /// <exception cref="SocketException">fcntl or setsockopt failed.</exception>
    internal static unsafe void MakeBlocking(Socket socket, int receiveTimeoutMs)
    {
        IntPtr fd = socket.Handle;
        int flags = Libc.Fcntl(fd, Libc.F_GETFL, 0);
        if (flags < 0 || Libc.Fcntl(fd, Libc.F_SETFL, flags & ~Libc.O_NONBLOCK) < 0)
        {
            throw new SocketException(Marshal.GetLastPInvokeError());
        }

        // struct timeval { long tv_sec; long tv_usec; }
        long* timeout = stackalloc long[2];
        timeout[0] = receiveTimeoutMs / 1000;
        timeout[1] = (receiveTimeoutMs % 1000) * 1000L;
        if (Libc.SetSockOpt(fd, Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, (byte*)timeout, 16) < 0)
        {
            throw new SocketException(Marshal.GetLastPInvokeError());
        }
    }

    private static void Configure(Socket socket, AddressFamily family, SctpOptions options)
    {
        socket.Blocking = false;
        if (family == AddressFamily.InterNetworkV6)
        {
            // Dual stack, so one association can hold IPv4 and IPv6 paths (rsplib fixed the same in 2024).
            SetInt(socket, Libc.IPPROTO_IPV6, Libc.IPV6_V6ONLY, 0);
        }

        SetInt(socket, SctpConstants.SolSctp, SctpConstants.NoDelay, 1);
        SetInt(socket, SctpConstants.SolSctp, SctpConstants.RecvRcvInfo, 1);
        Subscribe(socket, SctpConstants.AssocChange);
        Subscribe(socket, SctpConstants.ShutdownEvent);
        Subscribe(socket, SctpConstants.SendFailedEvent);
        ApplyTuning(socket, options);
    }

    private static void Subscribe(Socket socket, ushort eventType)
    {
        // struct sctp_event { sctp_assoc_t se_assoc_id; u16 se_type; u8 se_on; } (RFC 6458 §8.1.31).
        Span<byte> value = stackalloc byte[8];
        value.Clear();
        BitConverter.TryWriteBytes(value[4..], eventType);
        value[6] = 1;
        socket.SetRawSocketOption(SctpConstants.SolSctp, SctpConstants.Event, value);
    }

    private static void ApplyTuning(Socket socket, SctpOptions o)
    {
        if (o.RtoInitial is not null || o.RtoMin is not null || o.RtoMax is not null)
        {
            // struct sctp_rtoinfo { assoc_id; initial; max; min } in ms; 0 keeps the current value.
            Span<byte> rto = stackalloc byte[16];
            rto.Clear();
            BitConverter.TryWriteBytes(rto[4..], Milliseconds(o.RtoInitial));
            BitConverter.TryWriteBytes(rto[8..], Milliseconds(o.RtoMax));
            BitConverter.TryWriteBytes(rto[12..], Milliseconds(o.RtoMin));
            socket.SetRawSocketOption(SctpConstants.SolSctp, SctpConstants.RtoInfo, rto);
        }

        if (o.MaxRetransmits is { } maxRetransmits)
        {
            // struct sctp_assocparams { assoc_id; u16 asocmaxrxt; u16 peers; u32 peer_rwnd; u32 local_rwnd; u32 cookie_life }.
            Span<byte> assoc = stackalloc byte[20];
            assoc.Clear();
            BitConverter.TryWriteBytes(assoc[4..], maxRetransmits);
            socket.SetRawSocketOption(SctpConstants.SolSctp, SctpConstants.AssocInfo, assoc);
        }

        if (o.MaxInitRetransmits is { } initAttempts)
        {
            // struct sctp_initmsg { u16 ostreams; u16 instreams; u16 max_attempts; u16 max_init_timeo }.
            Span<byte> init = stackalloc byte[8];
            init.Clear();
            BitConverter.TryWriteBytes(init[4..], initAttempts);
            socket.SetRawSocketOption(SctpConstants.SolSctp, SctpConstants.InitMsg, init);
        }

        if (o.HeartbeatInterval is not null || o.PathMaxRetransmits is not null)
        {
            // struct sctp_paddrparams is packed: assoc_id@0, sockaddr_storage@4, hbinterval@132,
            // pathmaxrxt@136, pathmtu@138, sackdelay@142, flags@146, flowlabel@150, dscp@154; 156 bytes.
            // A zero address sets the default for every path of future associations.
            Span<byte> paddr = stackalloc byte[156];
            paddr.Clear();
            if (o.HeartbeatInterval is { } hb)
            {
                BitConverter.TryWriteBytes(paddr[132..], (uint)hb.TotalMilliseconds);
                BitConverter.TryWriteBytes(paddr[146..], SctpConstants.SppHeartbeatEnable);
            }

            BitConverter.TryWriteBytes(paddr[136..], o.PathMaxRetransmits ?? 0);
            socket.SetRawSocketOption(SctpConstants.SolSctp, SctpConstants.PeerAddrParams, paddr);
        }
    }

    /// <summary>Reads RTO, retransmission and heartbeat settings back with getsockopt.</summary>
    internal static SctpTuning ReadTuning(Socket socket)
    {
        Span<byte> rto = stackalloc byte[16];
        rto.Clear();
        socket.GetRawSocketOption(SctpConstants.SolSctp, SctpConstants.RtoInfo, rto);
        Span<byte> assoc = stackalloc byte[20];
        assoc.Clear();
        socket.GetRawSocketOption(SctpConstants.SolSctp, SctpConstants.AssocInfo, assoc);
        Span<byte> paddr = stackalloc byte[156];
        paddr.Clear();
        socket.GetRawSocketOption(SctpConstants.SolSctp, SctpConstants.PeerAddrParams, paddr);
        return new SctpTuning(
            RtoInitialMs: BitConverter.ToUInt32(rto[4..]),
            RtoMaxMs: BitConverter.ToUInt32(rto[8..]),
            RtoMinMs: BitConverter.ToUInt32(rto[12..]),
            MaxRetransmits: BitConverter.ToUInt16(assoc[4..]),
            HeartbeatIntervalMs: BitConverter.ToUInt32(paddr[132..]),
            PathMaxRetransmits: BitConverter.ToUInt16(paddr[136..]));
    }

    /// <summary>Binds to every given local address at once (sctp_bindx, SCTP_BINDX_ADD_ADDR).</summary>
    internal static void BindAll(Socket socket, IReadOnlyList<IPAddress> addresses)
    {
        var endpoints = new List<IPEndPoint>(addresses.Count);
        foreach (IPAddress a in addresses)
        {
            endpoints.Add(new IPEndPoint(a, 0));
        }

        SetPacked(socket, SctpConstants.SockoptBindxAdd, SocketAddressCodec.Pack(endpoints), allowInProgress: false);
    }

    /// <summary>
    /// Starts a connect to every address of the peer at once (sctp_connectx, RFC 6458 §9.9): the INIT
    /// goes to one address and is retried on the others, so a multi-homed peer is reached while any
    /// of its addresses works. The socket is non-blocking, so this returns at once.
    /// </summary>
    internal static void StartConnect(Socket socket, IReadOnlyList<IPEndPoint> endpoints)
        => SetPacked(socket, SctpConstants.SockoptConnectx, SocketAddressCodec.Pack(endpoints), allowInProgress: true);

    private static unsafe void SetPacked(Socket socket, int option, byte[] packed, bool allowInProgress)
    {
        fixed (byte* p = packed)
        {
            int rc = Libc.SetSockOpt(socket.Handle, SctpConstants.SolSctp, option, p, (uint)packed.Length);
            if (rc < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (allowInProgress && errno == Libc.EINPROGRESS)
                {
                    return;
                }

                throw new SocketException(errno);
            }
        }
    }

    private static void SetInt(Socket socket, int level, int option, int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BitConverter.TryWriteBytes(bytes, value);
        socket.SetRawSocketOption(level, option, bytes);
    }

    private static uint Milliseconds(TimeSpan? value) => value is { } v ? (uint)v.TotalMilliseconds : 0;
}
