using System;
using System.Diagnostics;
using System.Threading;

namespace RSerPool.Sessions;

/// <summary>
/// A request's timeout, one request at a time, without a timer armed and stopped per request.
/// <para>
/// Why: a session's request loop used a reusable CancellationTokenSource, and its CancelAfter and
/// TryReset re-armed and stopped a timer-queue timer under the queue's lock on every request (perf in
/// the lab: about 3% of the loop's samples). Here a request only stamps its deadline; the one timer
/// is armed when none is pending, and when it fires it either cancels the request whose deadline has
/// passed or re-arms itself for what is left of the current one. In a loop of quick answers it fires
/// about once per timeout period.
/// </para>
/// <para>
/// The cancel never reaches a later request: the timer decides under the lock that the current
/// request has expired and, still under the lock, hands the next request a new source; the expired
/// source is cancelled after the lock is released, so its callbacks do not run under it.
/// </para>
/// </summary>
internal sealed class RequestDeadline : IDisposable
{
    /// <summary>The longest timeout handled here; longer ones (and non-positive ones) keep CancelAfter's own rules.</summary>
    internal static readonly TimeSpan MaxLimit = TimeSpan.FromDays(1);

    private const long Idle = 0;

    private readonly object _gate = new();
    private readonly Timer _timer;
    private CancellationTokenSource _source = new();
    private long _deadline = Idle;   // Stopwatch timestamp of the current request's deadline; Idle: none waits
    private long _dueAt = long.MaxValue;   // when the armed timer fires; MaxValue: not armed
    private bool _disposed;

    public RequestDeadline()
    {
        // Not capturing the execution context: the callback needs none, and the timer outlives requests.
        using (ExecutionContext.SuppressFlow())
        {
            _timer = new Timer(static state => ((RequestDeadline)state!).OnTimer(), this, Timeout.Infinite, Timeout.Infinite);
        }
    }

    /// <summary>True for the limits this type handles: positive and at most <see cref="MaxLimit"/>.</summary>
    public static bool Handles(TimeSpan limit) => limit > TimeSpan.Zero && limit <= MaxLimit;

    /// <summary>Starts a request's wait; the token is cancelled once <paramref name="limit"/> has passed without <see cref="End"/>.</summary>
    public CancellationToken Begin(TimeSpan limit)
    {
        long now = Stopwatch.GetTimestamp();
        long deadline = now + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _deadline = deadline;
            if (deadline < _dueAt)
            {
                // Not armed, or armed for later than this request's deadline (a shorter timeout than the last).
                _dueAt = deadline;
                _timer.Change(limit, Timeout.InfiniteTimeSpan);
            }

            return _source.Token;
        }
    }

    /// <summary>Ends the current request's wait: its deadline no longer counts.</summary>
    public void End()
    {
        lock (_gate)
        {
            _deadline = Idle;
        }
    }

    private void OnTimer()
    {
        CancellationTokenSource? expired = null;
        lock (_gate)
        {
            _dueAt = long.MaxValue;
            if (_disposed || _deadline == Idle)
            {
                return; // nobody waits: stay unarmed until the next request
            }

            long now = Stopwatch.GetTimestamp();
            if (now >= _deadline)
            {
                expired = _source;
                _source = new CancellationTokenSource();
                _deadline = Idle;
            }
            else
            {
                _dueAt = _deadline;
                _timer.Change(Stopwatch.GetElapsedTime(now, _deadline), Timeout.InfiniteTimeSpan);
            }
        }

        // Outside the lock: the token's callbacks (the receive's wait) run here. Not disposed: the
        // expired request may still be reading its token.
        expired?.Cancel();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _timer.Dispose();
        _source.Dispose();
    }
}
