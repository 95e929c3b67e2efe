using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;

namespace RSerPool.LabBench;

/// <summary>
/// Tells when the runtime has stopped compiling: neither the JIT's method count nor the CPU time of
/// the tiered-compilation thread (".NET Tiered Com", Linux /proc) moved for a second. The method
/// count alone is not enough: under TCG a tier-1 compile of a large method takes longer than a
/// second (perf sched showed that thread busy 80-100% while the count stood still).
/// </summary>
internal sealed class CompilerQuiet
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);
    private readonly long _start = Stopwatch.GetTimestamp();
    private readonly TimeSpan _limit;
    private long _quietSince;
    private long _methods = -1;
    private long _tieredTicks = -1;

    public CompilerQuiet(TimeSpan limit)
    {
        _limit = limit;
        _quietSince = _start;
    }

    /// <summary>Seconds since this started watching.</summary>
    public double Seconds => Stopwatch.GetElapsedTime(_start).TotalSeconds;

    /// <summary>The JIT's method count at the last look.</summary>
    public long Methods => _methods;

    /// <summary>True once the compiler was quiet for a second (or the limit passed); cheap enough to ask after every request.</summary>
    public bool Settled()
    {
        long methods = System.Runtime.JitInfo.GetCompiledMethodCount();
        long ticks = TieredThreadTicks();
        if (methods != _methods || ticks != _tieredTicks)
        {
            _methods = methods;
            _tieredTicks = ticks;
            _quietSince = Stopwatch.GetTimestamp();
        }

        return Stopwatch.GetElapsedTime(_quietSince) >= Window || Stopwatch.GetElapsedTime(_start) >= _limit;
    }

    private int _tieredTid = -1;   // -1: none found (not yet, tiering off, not Linux)
    private long _lastRead;
    private long _lastTicks;

    private long TieredThreadTicks()
    {
        // /proc reads are system calls: at most every 50 ms.
        if (_lastRead != 0 && Stopwatch.GetElapsedTime(_lastRead).TotalMilliseconds < 50)
        {
            return _lastTicks;
        }

        _lastRead = Stopwatch.GetTimestamp();
        if (_tieredTid < 0)
        {
            _tieredTid = FindTieredThread();   // also again later: the runtime starts it on demand
        }

        if (_tieredTid < 0)
        {
            return _lastTicks = 0;
        }

        try
        {
            // Fields after the command's closing parenthesis: state is field 3, utime 14, stime 15.
            string stat = File.ReadAllText($"/proc/self/task/{_tieredTid}/stat");
            string[] f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return _lastTicks = long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            _tieredTid = -1;   // the thread ended (it does when idle for a while); look again
            return _lastTicks;
        }
    }

    private static int FindTieredThread()
    {
        try
        {
            foreach (string task in Directory.EnumerateDirectories("/proc/self/task"))
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).StartsWith(".NET Tiered", StringComparison.Ordinal))
                {
                    return int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return -1;
    }
}
