using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;

namespace RSerPool.Tests.Fakes;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that also tells which timers the code under test has armed, so a
/// test can move time exactly when the code waits on a timer (T1, T5) instead of racing it.
/// </summary>
/// <remarks>
/// Every <see cref="CreateTimer"/> (and so every <c>Task.Delay(…, TimeProvider, …)</c>) is recorded with
/// its first due time; a timer is "active" until it fires once (one-shot), is changed to never, or is
/// disposed. Waits use real time only as a guard (<see cref="Guard"/>), so a bug fails the test instead
/// of hanging it.
/// <para>
/// The code under test creates, changes and disposes timers on its own threads while the test moves the
/// clock, and <see cref="FakeTimeProvider"/> is not safe for that: a timer created during an advance is
/// listed before its due time is set (the advance may fire it at once, or set the clock back), and a
/// recorded due time read before an advance would not match the timer created after it (the test would
/// then move the clock to a time at which nothing fires). So every timer operation and every
/// <see cref="Advance"/> of this clock take one lock (<c>_clock</c>, always before <c>_gate</c>); the
/// code under test never holds a lock of its own while it touches a timer, so this cannot deadlock.
/// </para>
/// </remarks>
internal sealed class TestClock : FakeTimeProvider
{
    /// <summary>How long any wait on the code under test may take in real time.</summary>
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);

    private readonly object _clock = new();
    private readonly object _gate = new();
    private readonly List<TrackedTimer> _timers = new();
    private TaskCompletionSource _changed = NewSignal();

    public TestClock()
        : base(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    /// <summary>The first due time of every timer created so far, in creation order.</summary>
    public IReadOnlyList<TimeSpan> CreatedDueTimes
    {
        get
        {
            lock (_gate)
            {
                return _timers.ConvertAll(t => t.FirstDueTime);
            }
        }
    }

    /// <summary>Timers armed now.</summary>
    public int ActiveTimerCount
    {
        get
        {
            lock (_gate)
            {
                return _timers.FindAll(t => t.Active).Count;
            }
        }
    }

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        TrackedTimer tracked;
        lock (_clock)
        {
            // The recorded due time and the base timer come from the same instant, and the timer is listed
            // (for the waits below to find) only once the base timer exists.
            tracked = new TrackedTimer(this, callback, state, dueTime, period, GetUtcNow());
            tracked.Inner = base.CreateTimer(tracked.Fire, null, dueTime, period);
            lock (_gate)
            {
                _timers.Add(tracked);
            }
        }

        Signal();
        return tracked;
    }

    /// <summary>Moves time forward, firing what falls due (inline, on this thread); excludes timer changes meanwhile.</summary>
    public new void Advance(TimeSpan delta)
    {
        lock (_clock)
        {
            base.Advance(delta);
        }
    }

    /// <summary>Sets the time, firing what falls due (inline, on this thread); excludes timer changes meanwhile.</summary>
    public new void SetUtcNow(DateTimeOffset value)
    {
        lock (_clock)
        {
            base.SetUtcNow(value);
        }
    }

    /// <summary>Waits (real time, guarded) until a timer with the given first due time is armed; returns when it fires.</summary>
    public async Task<DateTimeOffset> WaitForTimerAsync(TimeSpan dueTime)
    {
        TrackedTimer timer = await WaitForAsync(() => FindActive(t => t.FirstDueTime == dueTime), $"a {dueTime} timer").ConfigureAwait(false);
        lock (_gate)
        {
            return timer.DueAt;
        }
    }

    /// <summary>Waits until a timer of <paramref name="dueTime"/> is armed, then moves time to its expiry.</summary>
    public async Task FireTimerAsync(TimeSpan dueTime)
    {
        DateTimeOffset dueAt = await WaitForTimerAsync(dueTime).ConfigureAwait(false);
        TimeSpan left = dueAt - GetUtcNow();
        Advance(left > TimeSpan.Zero ? left : TimeSpan.Zero);
    }

    /// <summary>
    /// Drives a task that only time can finish (nothing answers): each time a timer is armed, moves
    /// the clock to the earliest expiry. Use it only where no peer answers, or it may fire a timer
    /// before an answer in flight arrives.
    /// </summary>
    public async Task<T> RunUntilDoneAsync<T>(Task<T> task)
    {
        await RunUntilDoneAsync((Task)task).ConfigureAwait(false);
        return await task.ConfigureAwait(false);
    }

    /// <summary>As <see cref="RunUntilDoneAsync(Task)"/>, for a task expected to fail; returns its exception.</summary>
    public async Task<TException> RunUntilFailedAsync<TException>(Task task)
        where TException : Exception
    {
        try
        {
            await RunUntilDoneAsync(task).ConfigureAwait(false);
        }
        catch (TException e)
        {
            return e;
        }

        throw new Xunit.Sdk.XunitException($"Expected {typeof(TException).Name}, but the task succeeded.");
    }

    /// <inheritdoc cref="RunUntilDoneAsync{T}(Task{T})"/>
    public async Task RunUntilDoneAsync(Task task)
    {
        var watch = Stopwatch.StartNew();
        while (!task.IsCompleted)
        {
            Task changed;
            TrackedTimer? next;
            DateTimeOffset dueAt = default;
            lock (_gate)
            {
                changed = _changed.Task;
                next = null;
                foreach (TrackedTimer t in _timers)
                {
                    if (t.Active && (next is null || t.DueAt < dueAt))
                    {
                        next = t;
                        dueAt = t.DueAt;
                    }
                }
            }

            if (next is not null)
            {
                TimeSpan left = dueAt - GetUtcNow();
                Advance(left > TimeSpan.Zero ? left : TimeSpan.Zero);
            }
            else
            {
                TimeSpan remaining = Guard - watch.Elapsed;
                if (remaining <= TimeSpan.Zero)
                {
                    throw new TimeoutException("The task neither completed nor armed a timer within the guard time.");
                }

                await GuardedWhenAnyAsync(remaining, task, changed).ConfigureAwait(false);
            }

            if (watch.Elapsed > Guard)
            {
                throw new TimeoutException("The task did not complete within the guard time.");
            }
        }

        await task.ConfigureAwait(false);
    }

    /// <summary>Moves time forward in steps of <paramref name="step"/> until <paramref name="total"/> has passed.</summary>
    public void AdvanceInSteps(TimeSpan total, TimeSpan step)
    {
        for (TimeSpan done = TimeSpan.Zero; done < total; done += step)
        {
            Advance(step < total - done ? step : total - done);
        }
    }

    private TrackedTimer? FindActive(Predicate<TrackedTimer> match)
    {
        lock (_gate)
        {
            foreach (TrackedTimer t in _timers)
            {
                if (t.Active && match(t))
                {
                    return t;
                }
            }

            return null;
        }
    }

    private async Task<TrackedTimer> WaitForAsync(Func<TrackedTimer?> probe, string what)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            if (probe() is { } found)
            {
                return found;
            }

            TimeSpan remaining = Guard - watch.Elapsed;
            if (remaining <= TimeSpan.Zero)
            {
                throw new TimeoutException($"Waited in vain for {what}; timers created: {string.Join(", ", CreatedDueTimes)}.");
            }

            await GuardedWhenAnyAsync(remaining, changed).ConfigureAwait(false);
        }
    }

    /// <summary>Waits for any of the tasks, at most <paramref name="limit"/> of real time (the guard, not a sleep).</summary>
    private static async Task GuardedWhenAnyAsync(TimeSpan limit, params Task[] tasks)
    {
        try
        {
            await Task.WhenAny(tasks).WaitAsync(limit).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The caller checks its own deadline and reports what it was waiting for.
        }
    }

    private void Signal()
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            signal = _changed;
            _changed = NewSignal();
        }

        signal.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class TrackedTimer : ITimer
    {
        private readonly TestClock _clock;
        private readonly TimerCallback _callback;
        private readonly object? _state;
        private TimeSpan _period;

        public TrackedTimer(TestClock clock, TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period, DateTimeOffset now)
        {
            _clock = clock;
            _callback = callback;
            _state = state;
            _period = period;
            FirstDueTime = dueTime;
            Active = dueTime != Timeout.InfiniteTimeSpan;
            DueAt = Active ? now + dueTime : DateTimeOffset.MaxValue;
        }

        public TimeSpan FirstDueTime { get; }

        public ITimer? Inner { get; set; }

        private volatile bool _active;

        public bool Active
        {
            get => _active;
            private set => _active = value;
        }

        /// <summary>When it fires next; written under the clock's <c>_gate</c>, read under it by the waits.</summary>
        public DateTimeOffset DueAt { get; private set; }

        public void Fire(object? ignored)
        {
            // Runs inside the base clock's advance, so under _clock.
            lock (_clock._gate)
            {
                if (_period == Timeout.InfiniteTimeSpan || _period == TimeSpan.Zero)
                {
                    Active = false;
                }
                else
                {
                    DueAt = _clock.GetUtcNow() + _period;
                }
            }

            _callback(_state);
            _clock.Signal();
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            bool changed;
            lock (_clock._clock)
            {
                lock (_clock._gate)
                {
                    _period = period;
                    Active = dueTime != Timeout.InfiniteTimeSpan;
                    DueAt = Active ? _clock.GetUtcNow() + dueTime : DateTimeOffset.MaxValue;
                }

                changed = Inner?.Change(dueTime, period) ?? false;
            }

            _clock.Signal();
            return changed;
        }

        public void Dispose()
        {
            lock (_clock._clock)
            {
                Active = false;
                Inner?.Dispose();
            }

            _clock.Signal();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return default;
        }
    }
}
