using System;
using System.Threading.Tasks;

namespace RSerPool.Tests.Fakes;

/// <summary>
/// Lets a test wait for a fake's state to change without polling: the fake calls <see cref="Signal"/>
/// after every change, and <see cref="WaitUntilAsync"/> re-checks its condition on each signal, bounded
/// by <see cref="TestClock.Guard"/> so a bug fails the test instead of hanging it.
/// </summary>
internal sealed class ChangeSignal
{
    private readonly object _gate = new();
    private TaskCompletionSource _changed = NewSignal();

    /// <summary>Wakes every waiter so it checks its condition again.</summary>
    public void Signal()
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            signal = _changed;
            _changed = NewSignal();
        }

        signal.TrySetResult();
    }

    /// <summary>Completes once <paramref name="condition"/> holds; throws TimeoutException with <paramref name="describe"/>'s text after the guard.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, Func<string> describe)
    {
        DateTime deadline = DateTime.UtcNow + TestClock.Guard;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                // Taken before the check, so a change between the check and the wait is not missed.
                changed = _changed.Task;
            }

            if (condition())
            {
                return;
            }

            TimeSpan left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException(describe());
            }

            try
            {
                await changed.WaitAsync(left).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Checked again at the top.
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
