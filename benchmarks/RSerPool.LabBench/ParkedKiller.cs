using System;
using System.Diagnostics;
using System.Threading;

namespace RSerPool.LabBench;

/// <summary>
/// Sends SIGKILL from a thread started once and parked until each kill, so a kill costs a wake-up and
/// the kill(2) itself. A thread started per kill, as the driver had, put the runtime's thread start and
/// teardown (milliseconds of CPU under the lab's emulated CPU, beside the failover) into the time being
/// measured; echo-rsplib.c parks its killer thread the same way. The thread parks on a kernel wait
/// (AutoResetEvent), as echo-rsplib.c's sem_wait does: SemaphoreSlim, used before, spins before it
/// blocks, and perf in the lab caught the killer spinning (sched_yield, 4 ms of CPU over three kills)
/// right after each kill, beside the failover being measured.
/// </summary>
internal sealed class ParkedKiller : IDisposable
{
    private readonly AutoResetEvent _go = new(false);
    private readonly AutoResetEvent _done = new(false);
    private readonly Func<int, int, int> _kill;
    private volatile bool _stopping;
    private int _victim;

    internal ParkedKiller(Func<int, int, int> kill)
    {
        _kill = kill;
        new Thread(Run) { IsBackground = true, Name = "bench killer" }.Start();
    }

    /// <summary>When the last kill was sent (a Stopwatch timestamp) and its wall-clock time.</summary>
    internal long KilledAt { get; private set; }

    internal DateTime KilledUtc { get; private set; }

    /// <summary>Wakes the killer; returns at once, so the caller's next request races with the kill, as a crash would.</summary>
    internal void Kill(int victim)
    {
        _victim = victim;
        _go.Set();
    }

    /// <summary>Waits until the kill asked for was sent (<see cref="KilledAt"/> is then set).</summary>
    internal void WaitSent() => _done.WaitOne();

    public void Dispose()
    {
        _stopping = true;
        _go.Set();
    }

    private void Run()
    {
        while (true)
        {
            _go.WaitOne();
            if (_stopping)
            {
                return;
            }

            KilledUtc = DateTime.UtcNow;
            KilledAt = Stopwatch.GetTimestamp();
            _ = _kill(_victim, 9);
            _done.Set();
        }
    }
}
