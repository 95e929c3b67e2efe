using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Win32.SafeHandles;
using RSerPool.Transport.Interop;

namespace RSerPool.Transport.Sctp;

/// <summary>
/// A one-shot timer whose expiry runs the waiting code on a poller thread: a timerfd(2) in the
/// <see cref="ReadinessPoller"/>'s epoll set. One wait at a time.
/// </summary>
/// <remarks>
/// Why not Task.Delay: .NET's timers fire on a thread-pool worker, which under the lab's emulated CPU
/// woke 7-9 ms late for a 3 ms hedge delay (a hedged request's timer, measured after a kill); the
/// poller's threads wait in epoll_wait and run the continuation where they wake.
/// </remarks>
internal sealed class PollerTimer : IDisposable
{
    private readonly SafeFileHandle _fd;
    private readonly ReadinessWaiter _waiter;
    private int _disposed;

    private PollerTimer(SafeFileHandle fd)
    {
        _fd = fd;
        _waiter = ReadinessPoller.Shared.Register(fd.DangerousGetHandle());
    }

    /// <summary>A timer, or null where timerfd is not available (then a caller falls back to Task.Delay).</summary>
    internal static PollerTimer? TryCreate()
    {
        int fd = Libc.TimerFdCreate(Libc.CLOCK_MONOTONIC, Libc.TFD_NONBLOCK | Libc.TFD_CLOEXEC);
        return fd < 0 ? null : new PollerTimer(new SafeFileHandle(fd, ownsHandle: true));
    }

    /// <summary>Completes once <paramref name="due"/> has passed; throws OperationCanceledException when cancelled first.</summary>
    internal async Task WaitAsync(TimeSpan due, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        Set(due);
        bool expired = false;
        try
        {
            while (!expired)
            {
                await _waiter.WaitAsync(cancellationToken).ConfigureAwait(false);
                expired = TryConsumeExpiry(); // false: a late event of an earlier, cancelled wait
            }
        }
        finally
        {
            if (!expired && Volatile.Read(ref _disposed) == 0)
            {
                Set(TimeSpan.Zero); // disarmed, so it does not fire into the next wait
                _ = TryConsumeExpiry();
            }
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _waiter.Dispose();
            _fd.Dispose();
        }
    }

    private unsafe void Set(TimeSpan due)
    {
        long ticks = due.Ticks; // zero disarms
        long* spec = stackalloc long[4];
        spec[0] = 0;                                        // no interval: one shot
        spec[1] = 0;
        spec[2] = ticks / TimeSpan.TicksPerSecond;
        spec[3] = ticks % TimeSpan.TicksPerSecond * 100;    // ticks are 100 ns
        if (TryAddRef(out int fd))
        {
            _ = Libc.TimerFdSetTime(fd, 0, spec, null);
            _fd.DangerousRelease();
        }
    }

    private unsafe bool TryConsumeExpiry()
    {
        ulong expirations = 0;
        if (!TryAddRef(out int fd))
        {
            return false;
        }

        nint read = Libc.Read(fd, (byte*)&expirations, sizeof(ulong));
        _fd.DangerousRelease();
        return read == sizeof(ulong);
    }

    /// <summary>Keeps the descriptor open (a concurrent Dispose closes it after the release); false once closed.</summary>
    private bool TryAddRef(out int fd)
    {
        bool added = false;
        try
        {
            _fd.DangerousAddRef(ref added);
        }
        catch (ObjectDisposedException)
        {
        }

        fd = added ? (int)_fd.DangerousGetHandle() : -1;
        return added;
    }
}
