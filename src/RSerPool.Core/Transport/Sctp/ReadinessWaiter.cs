using System;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;

namespace RSerPool.Transport.Sctp;

/// <summary>
/// One descriptor's wait for readability on the <see cref="ReadinessPoller"/>, one wait at a time,
/// without an allocation per wait. A wake-up may be spurious (a late event of an earlier, cancelled
/// wait): the caller always reads with MSG_DONTWAIT and waits again when nothing is there.
/// </summary>
internal sealed class ReadinessWaiter : IValueTaskSource, IDisposable
{
    private const int Idle = 0;
    private const int Armed = 1;
    private const int Completed = 2;

    private readonly ReadinessPoller _poller;
    private readonly IntPtr _descriptor;
    private readonly long _id;
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = false };
    private CancellationTokenRegistration _cancellation;
    private bool _added;
    private int _state;
    private int _disposed;

    internal ReadinessWaiter(ReadinessPoller poller, IntPtr descriptor, long id)
    {
        _poller = poller;
        _descriptor = descriptor;
        _id = id;
    }

    /// <summary>Completes when the descriptor is readable (or has an error or event queued).</summary>
    /// <exception cref="ObjectDisposedException">The waiter was disposed (the channel closed locally).</exception>
    /// <exception cref="SocketException">epoll_ctl refused the descriptor.</exception>
    internal ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return ValueTask.FromException(new ObjectDisposedException(nameof(SctpChannel)));
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        _core.Reset();
        Volatile.Write(ref _state, Armed);
        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.UnsafeRegister(
                static (state, token) => ((ReadinessWaiter)state!).Complete(new OperationCanceledException(token)), this);
        }

        int errno = _poller.Arm(_descriptor, _id, _added);
        if (errno != 0)
        {
            Complete(new SocketException(errno));
        }
        else
        {
            _added = true;
        }

        if (Volatile.Read(ref _disposed) != 0)
        {
            Complete(new ObjectDisposedException(nameof(SctpChannel)));
        }

        return new ValueTask(this, _core.Version);
    }

    /// <summary>The poller saw the descriptor's event.</summary>
    internal void Signal() => Complete(null);

    /// <summary>Takes the descriptor off the poller (before it is closed) and fails a pending wait.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _poller.Remove(_descriptor, _id, _added);
            Complete(new ObjectDisposedException(nameof(SctpChannel)));
        }
    }

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);

    void IValueTaskSource.GetResult(short token)
    {
        // Unregister, not Dispose: this may run inside the cancellation callback's own continuation.
        _cancellation.Unregister();
        _cancellation = default;
        _core.GetResult(token);
    }

    private void Complete(Exception? error)
    {
        if (Interlocked.CompareExchange(ref _state, Completed, Armed) != Armed)
        {
            return;
        }

        if (error is null)
        {
            _core.SetResult(true);
        }
        else
        {
            _core.SetException(error);
        }
    }
}
