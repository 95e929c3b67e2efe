using System;
using System.Diagnostics;
using System.Threading;

namespace RSerPool.LabBench;

/// <summary>
/// Sends SIGKILL from a thread started once and parked until each kill, so a kill costs a wake-up and
/// the kill(2) itself. A thread started per kill, as the driver had, put the runtime's thread start and
/// teardown (milliseconds of CPU under the lab's emulated CPU, beside the failover) into the time being
/// measured; echo-rsplib.c parks its killer thread the same way.
/// </summary>
internal sealed class ParkedKiller : IDisposable
{
    private readonly SemaphoreSlim _go = new(0);
    private readonly SemaphoreSlim _done = new(0);
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
        _go.Release();
    }

    /// <summary>Waits until the kill asked for was sent (<see cref="KilledAt"/> is then set).</summary>
    internal void WaitSent() => _done.Wait();

    public void Dispose()
    {
        _stopping = true;
        _go.Release();
    }

    private void Run()
    {
        while (true)
        {
            _go.Wait();
            if (_stopping)
            {
                return;
            }

            KilledUtc = DateTime.UtcNow;
            KilledAt = Stopwatch.GetTimestamp();
            _ = _kill(_victim, 9);
            _done.Release();
        }
    }
}
