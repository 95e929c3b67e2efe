using System;
using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using RSerPool.Transport.Interop;

namespace RSerPool.Transport.Sctp;

/// <summary>
/// Waits for SCTP descriptors to become readable (epoll(7)) and runs the waiting code inline on the
/// thread that saw the event: one thread wake-up per answer, as a blocking C client has.
/// </summary>
/// <remarks>
/// Why not the managed Socket's own asynchronous receive: .NET's socket engine hands every readiness
/// event from its epoll thread to a thread-pool worker, so each answer costs two wake-ups plus the pool's
/// spinning; under the lab's emulated CPU that was most of a request's CPU time and the larger part of
/// the time to notice a dead pool element. Running continuations inline is only safe if a continuation
/// that blocks cannot stall every other association, so the poller keeps one thread waiting in
/// epoll_wait at all times: a thread that wakes and finds no other waiting has another one started
/// before it runs anything. A starter thread of its own starts it: Thread.Start returns only once the
/// new thread runs (tens of milliseconds under the lab's emulated CPU), and the events the asking
/// thread holds must not wait for that. Extra threads retire after a minute without events.
/// </remarks>
internal sealed class ReadinessPoller
{
    // Three, not two: while one thread runs a failover inline and another dispatches the answer to the
    // resent request, a third is still waiting, so no thread has to be started (Thread.Start blocks
    // until the thread runs: tens of milliseconds under the lab's emulated CPU) on the way to an event.
    private const int BaseThreads = 3;
    private const int MaxThreads = 256;
    private const int MaxEvents = 64;
    private const int RetireAfterMs = 60_000;
    private static readonly Lazy<ReadinessPoller> s_shared = new(() => new ReadinessPoller());

    [ThreadStatic]
    private static bool t_onPollerThread;

    [ThreadStatic]
    private static bool t_noBlockingReads;

    private readonly int _epoll;
    private readonly ConcurrentDictionary<long, ReadinessWaiter> _waiters = new();
    private readonly AutoResetEvent _startWanted = new(false);
    private int _startPending;
    private long _nextId;
    private int _threads;
    private int _idle;

    private ReadinessPoller()
    {
        _epoll = Libc.EpollCreate1(Libc.EPOLL_CLOEXEC);
        if (_epoll < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new TransportException(TransportFailure.SocketError, $"epoll_create1 failed: {new SocketException(errno).Message}", null, new SocketException(errno));
        }

        for (int i = 0; i < BaseThreads; i++)
        {
            StartThread();
        }

        new Thread(RunStarter) { IsBackground = true, Name = "RSerPool SCTP poller starter" }.UnsafeStart();
    }

    /// <summary>The process's poller, started with the first SCTP channel.</summary>
    internal static ReadinessPoller Shared => s_shared.Value;

    /// <summary>Whether the calling code runs on a poller thread (a continuation the poller ran inline).</summary>
    internal static bool OnPollerThread => t_onPollerThread;

    /// <summary>Whether a receive started now may block this poller thread in recvmsg (see <see cref="NoBlockingReads"/>).</summary>
    internal static bool MayBlock => t_onPollerThread && !t_noBlockingReads;

    /// <summary>
    /// Until disposed, receives started on this thread wait on epoll instead of a blocking recvmsg:
    /// for a caller that must get control back before the answer comes (a hedged request's timer).
    /// </summary>
    internal static BlockingReadsOff NoBlockingReads()
    {
        bool before = t_noBlockingReads;
        t_noBlockingReads = true;
        return new BlockingReadsOff(before);
    }

    /// <summary>Whether another poller thread is waiting in epoll_wait, so this one may block on one descriptor.</summary>
    internal bool HasIdleThread => Volatile.Read(ref _idle) > 0;

    /// <summary>How many poller threads run (for tests and diagnostics).</summary>
    internal int ThreadCount => Volatile.Read(ref _threads);

    /// <summary>A waiter for one descriptor; dispose it before the descriptor is closed.</summary>
    internal ReadinessWaiter Register(IntPtr descriptor)
    {
        long id = Interlocked.Increment(ref _nextId);
        var waiter = new ReadinessWaiter(this, descriptor, id);
        _waiters[id] = waiter;
        return waiter;
    }

    /// <summary>Arms a one-shot readability event for the descriptor; returns 0 or an errno.</summary>
    internal unsafe int Arm(IntPtr descriptor, long id, bool added)
    {
        byte* ev = stackalloc byte[16];
        Unsafe.WriteUnaligned(ev, Libc.EPOLLIN | Libc.EPOLLONESHOT);
        Unsafe.WriteUnaligned(ev + Libc.EpollDataOffset, id);
        int op = added ? Libc.EPOLL_CTL_MOD : Libc.EPOLL_CTL_ADD;
        if (Libc.EpollCtl(_epoll, op, (int)descriptor, ev) == 0)
        {
            return 0;
        }

        int errno = Marshal.GetLastPInvokeError();
        const int EEXIST = 17, ENOENT = 2;
        if ((op == Libc.EPOLL_CTL_ADD && errno == EEXIST) || (op == Libc.EPOLL_CTL_MOD && errno == ENOENT))
        {
            op = op == Libc.EPOLL_CTL_ADD ? Libc.EPOLL_CTL_MOD : Libc.EPOLL_CTL_ADD;
            return Libc.EpollCtl(_epoll, op, (int)descriptor, ev) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }

        return errno;
    }

    /// <summary>Forgets the waiter and takes its descriptor out of the epoll set.</summary>
    internal unsafe void Remove(IntPtr descriptor, long id, bool added)
    {
        _waiters.TryRemove(id, out _);
        if (added)
        {
            byte* ev = stackalloc byte[16];
            _ = Libc.EpollCtl(_epoll, Libc.EPOLL_CTL_DEL, (int)descriptor, ev);
        }
    }

    /// <summary>Restores the thread's blocking reads (<see cref="NoBlockingReads"/>).</summary>
    internal readonly struct BlockingReadsOff : IDisposable
    {
        private readonly bool _before;

        internal BlockingReadsOff(bool before) => _before = before;

        public void Dispose() => t_noBlockingReads = _before;
    }

    private void StartThread()
    {
        Interlocked.Increment(ref _threads);
        var thread = new Thread(Run) { IsBackground = true, Name = "RSerPool SCTP poller" };
        thread.UnsafeStart();
    }

    private unsafe void Run()
    {
        t_onPollerThread = true;
        byte* events = stackalloc byte[MaxEvents * 16];
        while (true)
        {
            Interlocked.Increment(ref _idle);
            int timeout = Volatile.Read(ref _threads) > BaseThreads ? RetireAfterMs : -1;
            int n = Libc.EpollWait(_epoll, events, MaxEvents, timeout);
            int stillIdle = Interlocked.Decrement(ref _idle);
            if (n < 0)
            {
                // EINTR (a debugger, a signal): wait again. Nothing else is expected for a valid epoll descriptor.
                continue;
            }

            if (n == 0)
            {
                if (TryRetire())
                {
                    return;
                }

                continue;
            }

            if (stillIdle == 0 && Volatile.Read(ref _threads) < MaxThreads && Interlocked.Exchange(ref _startPending, 1) == 0)
            {
                _startWanted.Set(); // started by the starter thread: this one goes on with its events at once
            }

            for (int i = 0; i < n; i++)
            {
                long id = Unsafe.ReadUnaligned<long>(events + (i * Libc.EpollEventSize) + Libc.EpollDataOffset);
                if (_waiters.TryGetValue(id, out ReadinessWaiter? waiter))
                {
                    try
                    {
                        waiter.Signal();
                    }
                    catch (Exception)
                    {
                        // A continuation's own failure belongs to its task; the poller must outlive it,
                        // or every association in the process would stop hearing from its peer.
                    }
                }
            }
        }
    }

    /// <summary>Starts a poller thread each time one is asked for (see the remarks on the class).</summary>
    private void RunStarter()
    {
        while (true)
        {
            _startWanted.WaitOne();
            StartThread();
            Volatile.Write(ref _startPending, 0);
        }
    }

    private bool TryRetire()
    {
        while (true)
        {
            int threads = Volatile.Read(ref _threads);
            if (threads <= BaseThreads)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _threads, threads - 1, threads) == threads)
            {
                return true;
            }
        }
    }
}
