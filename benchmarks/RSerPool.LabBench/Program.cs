using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using RSerPool.Client;
using RSerPool.Registrars;
using RSerPool.Sessions;
using RSerPool.Transport;
using RSerPool.Transport.Sctp;

namespace RSerPool.LabBench;

/// <summary>
/// Command-line driver for the lab benchmarks (benchmarks/lab/*.sh). Each mode prints RESULT lines
/// in the same format as the C drivers beside it (hres-rsplib.c, echo-rsplib.c, echo-raw.c), so
/// the scripts compute ratios from one VM boot. Times are taken in-process with Stopwatch
/// (CLOCK_MONOTONIC), like the C drivers' clock_gettime(CLOCK_MONOTONIC).
/// </summary>
public static partial class Program
{
    private const string Usage =
        "usage: RSerPool.LabBench resolve REGISTRAR POOL N\n" +
        "       RSerPool.LabBench session REGISTRAR POOL WARMUP_S SECONDS SIZE [hedge=MS | hedge=auto[:MS]]\n" +
        "       RSerPool.LabBench transport ADDR:PORT WARMUP_S SECONDS SIZE [timeout]\n" +
        "       RSerPool.LabBench failover REGISTRAR POOL RUNS STATEDIR HOOK [standby | hedge=MS | hedge=auto[:MS]]";

    // Mirrors echo-rsplib.c: answered requests before the kill and after the failover, per run.
    private const int PreKill = 40;
    private const int PostFailover = 40;

    private static readonly StderrLoggerFactory Logs = StderrLoggerFactory.FromEnvironment();
    private static readonly RuntimeTrace? Trace = RuntimeTrace.FromEnvironment();

    /// <summary>Runs one mode.</summary>
    /// <param name="args">The mode and its arguments (see the usage text).</param>
    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        try
        {
            return args switch
            {
                ["resolve", var registrar, var pool, var n] => await ResolveAsync(RegistrarAddress.Parse(registrar), pool, Long(n)),
                ["session", var registrar, var pool, var warmup, var seconds, var size] =>
                    await SessionRateAsync(RegistrarAddress.Parse(registrar), pool, Seconds(warmup), Seconds(seconds), Size(size), null),
                ["session", var registrar, var pool, var warmup, var seconds, var size, var hedge] when hedge.StartsWith("hedge=", StringComparison.Ordinal) =>
                    await SessionRateAsync(RegistrarAddress.Parse(registrar), pool, Seconds(warmup), Seconds(seconds), Size(size), HedgeOptions(hedge.Substring(6))),
                ["transport", var address, var warmup, var seconds, var size] =>
                    await TransportRateAsync(IPEndPoint.Parse(address), Seconds(warmup), Seconds(seconds), Size(size), false),
                ["transport", var address, var warmup, var seconds, var size, "timeout"] =>
                    await TransportRateAsync(IPEndPoint.Parse(address), Seconds(warmup), Seconds(seconds), Size(size), true),
                ["failover", var registrar, var pool, var runs, var stateDir, var hook] =>
                    await FailoverAsync(RegistrarAddress.Parse(registrar), pool, (int)Long(runs), stateDir, hook, false, null),
                ["failover", var registrar, var pool, var runs, var stateDir, var hook, "standby"] =>
                    await FailoverAsync(RegistrarAddress.Parse(registrar), pool, (int)Long(runs), stateDir, hook, true, null),
                ["failover", var registrar, var pool, var runs, var stateDir, var hook, var hedge] when hedge.StartsWith("hedge=", StringComparison.Ordinal) =>
                    await FailoverAsync(RegistrarAddress.Parse(registrar), pool, (int)Long(runs), stateDir, hook, true, HedgeOptions(hedge.Substring(6)), "ours-hedged-" + hedge.Substring(6)),
                _ => UsageError(),
            };
        }
        catch (FormatException e)
        {
            Console.Error.WriteLine(e.Message);
            return UsageError();
        }
    }

    private static int UsageError()
    {
        Console.Error.WriteLine(Usage);
        return 2;
    }

    private static PoolUserOptions UserOptions(RegistrarAddress registrar, TimeSpan? staleCache = null, uint? items = null) => new()
    {
        Registrars = new[] { registrar },
        UseAnnounces = false,
        StaleCacheValue = staleCache ?? PoolUserDefaults.StaleCacheValue,
        HandleResolutionItems = items,
    };

    /// <summary>resolve: N uncached handle resolutions through our core (issue 5 §7).</summary>
    private static async Task<int> ResolveAsync(RegistrarAddress registrar, string poolHandle, long n)
    {
        // Like rsplib's rsp_getaddrinfo(..., staleCacheValue 0): every call asks the registrar, and for
        // one element (rsp_getaddrinfo sends Items=1), so both get the same answer to decode.
        await using var user = new PoolUser(UserOptions(registrar, TimeSpan.Zero, items: 1), Logs);
        PoolHandle handle = poolHandle;
        for (long i = 0; i < n / 10 + 1; i++)
        {
            await user.ResolveAsync(handle, refresh: true);
        }

        long ok = 0, failed = 0;
        long start = Stopwatch.GetTimestamp();
        for (long i = 0; i < n; i++)
        {
            try
            {
                if ((await user.ResolveAsync(handle, refresh: true)).Elements.Count > 0)
                {
                    ok++;
                }
                else
                {
                    failed++;
                }
            }
            catch (RSerPoolException)
            {
                failed++;
            }
        }

        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        Result($"impl=ours n={n} ok={ok} failed={failed} seconds={seconds:0.0000} rate={ok / seconds:0.0}");
        return failed == 0 ? 0 : 1;
    }

    /// <summary>
    /// session: echo requests on one PoolSession, one outstanding (issue 6 §6, first rate). With
    /// <paramref name="hedge"/> (a diagnostic): over a standby, hedged, what hedging costs a request loop.
    /// </summary>
    private static async Task<int> SessionRateAsync(RegistrarAddress registrar, string poolHandle, TimeSpan warmup, TimeSpan duration, int size, RequestOptions? hedge)
    {
        await using var user = new PoolUser(UserOptions(registrar), Logs);
        await using PoolSession session = await user.ConnectAsync(poolHandle, SessionOptions.Default with { Standby = hedge is not null });
        var request = new byte[size];
        Array.Fill(request, (byte)'x');
        RequestOptions options = hedge ?? new RequestOptions();
        ulong seq = 0;
        long bad = 0;
        RateLoop measured = default;
        int gcsAtStart = 0, gcs = 0; // gen0 collections while measured
        var quiet = new CompilerQuiet(MaxWarmup);
        // Hedged (a diagnostic): the measured round trips, and how many came at or past a fixed delay
        // without a hedge (answers already there when the timer ran).
        var roundTrips = new List<double>(hedge is null ? 0 : 100_000);
        int unhedgedPastDelay = 0;
        for (int phase = 0; phase < 2; phase++)
        {
            var loop = new RateLoop(phase == 0 ? warmup : duration);
            do
            {
                BinaryPrimitives.WriteUInt64LittleEndian(request, ++seq);
                SessionReply reply = await session.RequestAsync(request, options);
                bad += Matches(reply.Messages[0].Data.Span, request) ? 0 : 1;
                if (phase == 1 && hedge is not null && roundTrips.Count < roundTrips.Capacity)
                {
                    roundTrips.Add(reply.RoundTrip.TotalMilliseconds);
                    unhedgedPastDelay += !reply.Hedged && hedge.HedgeAfter is { } after && !hedge.AdaptiveHedge && reply.RoundTrip >= after ? 1 : 0;
                }
            }
            while (phase == 0 ? WarmingUp(ref loop, quiet) : loop.Next());

            measured = loop;
            if (phase == 0)
            {
                gcsAtStart = GC.CollectionCount(0);
            }
            else
            {
                gcs = GC.CollectionCount(0) - gcsAtStart;
            }
        }

        Result($"impl=ours n={measured.Count} bad={bad} seconds={measured.Seconds:0.0000} rate={measured.Rate:0.0} cpu_us_per_req={measured.CpuMicrosecondsPerIteration:0} pe={session.CurrentElement?.IdentifierText} failovers={session.FailoverCount} gcs={gcs}" +
            (hedge is null ? "" : $" hedges={session.HedgeCount} rtt_ms={session.RoundTripTime?.TotalMilliseconds ?? 0:0.00} {Percentiles(roundTrips)} unhedged_past_delay={unhedgedPastDelay}"));
        return bad == 0 ? 0 : 1;
    }

    /// <summary>
    /// transport: our SCTP channel alone against a raw echo server (issue 6 §6, second rate). With
    /// "timeout" (a diagnostic), each receive gets its own 10 s timeout the way PoolSession's
    /// ReceiveAnswerAsync does it (a linked CancellationTokenSource and CancelAfter per request).
    /// </summary>
    private static async Task<int> TransportRateAsync(IPEndPoint server, TimeSpan warmup, TimeSpan duration, int size, bool perRequestTimeout)
    {
        await using IMessageChannel channel = await new SctpChannelFactory().ConnectAsync(new[] { server }, CancellationToken.None);
        var request = new byte[size];
        Array.Fill(request, (byte)'x');
        ulong seq = 0;
        long bad = 0;
        RateLoop measured = default;
        var quiet = new CompilerQuiet(MaxWarmup);
        for (int phase = 0; phase < 2; phase++)
        {
            var loop = new RateLoop(phase == 0 ? warmup : duration);
            do
            {
                BinaryPrimitives.WriteUInt64LittleEndian(request, ++seq);
                await channel.SendAsync(request, 0, 0, CancellationToken.None);
                ChannelMessage answer;
                if (perRequestTimeout)
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(CancellationToken.None);
                    timeout.CancelAfter(TimeSpan.FromSeconds(10));
                    answer = await channel.ReceiveAsync(timeout.Token);
                }
                else
                {
                    answer = await channel.ReceiveAsync(CancellationToken.None);
                }

                bad += Matches(answer.Data.Span, request) ? 0 : 1;
            }
            while (phase == 0 ? WarmingUp(ref loop, quiet) : loop.Next());

            measured = loop;
        }

        Result($"impl=ours-transport{(perRequestTimeout ? "-timeout" : "")} n={measured.Count} bad={bad} seconds={measured.Seconds:0.0000} rate={measured.Rate:0.0} cpu_us_per_req={measured.CpuMicrosecondsPerIteration:0}");
        return bad == 0 ? 0 : 1;
    }

    /// <summary>"MS": hedged after MS ms; "auto": after the 95th percentile of the session's latest round trips (RequestOptions.AdaptiveHedge); "auto:MS": that, at most MS ms.</summary>
    private static RequestOptions HedgeOptions(string spec)
    {
        bool adaptive = spec.StartsWith("auto", StringComparison.Ordinal);
        string ms = adaptive ? spec.Substring(4).TrimStart(':') : spec;
        TimeSpan? after = ms.Length == 0 ? null : TimeSpan.FromMilliseconds(double.Parse(ms, CultureInfo.InvariantCulture));
        return new RequestOptions { Idempotent = true, HedgeAfter = after, AdaptiveHedge = adaptive };
    }

    /// <summary>
    /// failover: a continuous loop of idempotent requests; in each run the serving element is SIGKILLed
    /// by a parked helper thread woken just before a request (so one is usually in flight), and the time
    /// from kill() to the first answer from another element is taken, with the requests lost (a
    /// RequestAsync that threw). Then HOOK restarts the element. Mirrors echo-rsplib.c's failover mode.
    /// With <paramref name="hedge"/>, the requests are hedged to the standby (RequestOptions.HedgeAfter, AdaptiveHedge).
    /// </summary>
    private static async Task<int> FailoverAsync(RegistrarAddress registrar, string poolHandle, int runs, string stateDir, string hook, bool standby, RequestOptions? hedge, string? implName = null)
    {
        await using var user = new PoolUser(UserOptions(registrar), Logs);
        await using PoolSession session = await user.ConnectAsync(poolHandle, SessionOptions.Default with { Standby = standby });
        string impl = implName ?? (standby ? "ours-standby" : "ours"); // hedged: ours-hedged-<spec>, e.g. ours-hedged-3, ours-hedged-auto
        var request = new byte[64];
        RequestOptions options = hedge ?? new RequestOptions { Idempotent = true };
        ulong seq = 0;
        uint pe = 0;

        async Task<bool> ExchangeAsync()
        {
            BinaryPrimitives.WriteUInt64LittleEndian(request, ++seq);
            try
            {
                SessionReply reply = await session.RequestAsync(request, options);
                pe = reply.Element.Identifier;
                return Matches(reply.Messages[0].Data.Span, request);
            }
            catch (RSerPoolException e)
            {
                Console.Error.WriteLine($"request {seq} lost: {e.Failure}: {e.Message}");
                return false;
            }
        }

        for (int i = 0; i < PreKill; i++)
        {
            if (!await ExchangeAsync())
            {
                Console.Error.WriteLine("warm-up request failed");
                return 1;
            }
        }

        var times = new List<double>();
        long lostTotal = 0;
        using var killer = new ParkedKiller(Kill);
        for (int step = 1; step <= FailoverWarmups + runs; step++)
        {
            bool warmup = step <= FailoverWarmups;
            string run = warmup ? $"w{step}" : (step - FailoverWarmups).ToString(CultureInfo.InvariantCulture);
            for (int i = 0; i < PreKill; i++)
            {
                if (!await ExchangeAsync())
                {
                    Console.Error.WriteLine("request before the kill failed");
                    return 1;
                }
            }

            if (!await SettleAsync(impl, run, ExchangeAsync))
            {
                Console.Error.WriteLine("request while settling failed");
                return 1;
            }

            if (standby)
            {
                // Comparable runs: the standby association is up (it opens in the background) and owes no hedge's answer.
                long until = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 10);
                while (!session.StandbyReady && Stopwatch.GetTimestamp() < until)
                {
                    await Task.Delay(10);
                }
            }

            _ = Logs.Drain();
            uint killed = pe;
            string name = string.Create(CultureInfo.InvariantCulture, $"pe{killed:x8}");
            int victim = int.Parse(File.ReadAllText(Path.Combine(stateDir, name + ".pid")).Trim(), CultureInfo.InvariantCulture);
            int failoversBefore = session.FailoverCount;
            int hedgesBefore = session.HedgeCount;
            int gcsBefore = GC.CollectionCount(0);
            int gcsToAnswer = 0;
            TimeSpan? rttAtKill = session.RoundTripTime; // the median of the latest round trips
            killer.Kill(victim);   // races with the next request, as a crash would

            long firstAnswer = 0, answered = 0, lost = 0;
            long giveUp = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 60;
            while (answered < PostFailover && Stopwatch.GetTimestamp() < giveUp)
            {
                if (!await ExchangeAsync())
                {
                    lost++;
                    continue;
                }

                if (pe != killed)
                {
                    if (firstAnswer == 0)
                    {
                        firstAnswer = Stopwatch.GetTimestamp();
                        gcsToAnswer = GC.CollectionCount(0) - gcsBefore;
                    }

                    answered++;
                }
            }

            killer.WaitSent();
            long killedAt = killer.KilledAt;
            DateTime killedUtc = killer.KilledUtc;
            Console.WriteLine(Timeline(impl, run, killedAt, firstAnswer));
            // The kill on the wall clock, to line a capture (BENCH_CAPTURE=1, tcpdump's times) up with the timeline.
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"KILLED impl={impl} run={run} utc={killedUtc:HH:mm:ss.ffffff}"));
            if (Trace is not null)
            {
                // The runtime's events from the kill to the first answer (the listener delivers late: give it a moment).
                DateTime answeredUtc = killedUtc + Stopwatch.GetElapsedTime(killedAt, firstAnswer);
                await Task.Delay(1500);
                foreach (string line in Trace.Take(killedUtc, answeredUtc))
                {
                    Console.WriteLine($"TRACE impl={impl} run={run} {line}");
                }
            }
            if (firstAnswer == 0)
            {
                Console.Error.WriteLine($"run {run}: no answer from another element within 60 s");
                return 1;
            }

            double ms = Stopwatch.GetElapsedTime(killedAt, firstAnswer).TotalMilliseconds;
            if (!warmup)
            {
                times.Add(ms);
                lostTotal += lost;
            }

            Result($"impl={impl} mode={(warmup ? "failover-warmup" : "failover")} run={run} killed=0x{killed:x8} new=0x{pe:x8} failover_ms={ms:0.0} lost={lost} failovers={session.FailoverCount - failoversBefore} hedges={session.HedgeCount - hedgesBefore} gcs={gcsToAnswer} rtt_ms={rttAtKill?.TotalMilliseconds ?? 0:0.00}");
            if (step < FailoverWarmups + runs && !await RunHookAsync(hook, name))
            {
                return 1;
            }
        }

        times.Sort();
        // What hedging costs besides: the requests that also went to the standby, of all sent (warm-ups, settling and runs).
        Result($"impl={impl} mode=failover-median runs={runs} failover_ms={times[runs / 2]:0.0} lost_total={lostTotal} requests_total={seq} hedges_total={session.HedgeCount}");
        return 0;
    }

    /// <summary>
    /// BENCH_FAILOVER_WARMUP: failover runs done first and not counted (mode=failover-warmup), as echo-rsplib.c
    /// does. A path's first run in a process is slow under the lab's emulated CPU however it was
    /// compiled (its types loaded, its ReadyToRun fix-ups resolved, its generic instantiations over our
    /// types compiled, all on first use): perf sched showed the first standby failover and the first
    /// hedge won at 25-64 ms against 6-17 ms for the later ones of the same process. A pool user
    /// that runs for days has done that long before its next failover.
    /// </summary>
    private static readonly int FailoverWarmups =
        int.TryParse(Environment.GetEnvironmentVariable("BENCH_FAILOVER_WARMUP"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : 0;

    /// <summary>The longest a warm-up lasts while it waits for the compiler to go quiet (from its start).</summary>
    private static readonly TimeSpan MaxWarmup = TimeSpan.FromSeconds(30);

    /// <summary>BENCH_SETTLE=0: warm-ups last their seconds only, and failover runs do not wait either.</summary>
    private static readonly bool Settle = Environment.GetEnvironmentVariable("BENCH_SETTLE") != "0";

    /// <summary>
    /// The warm-up lasts its seconds and then until the runtime has stopped compiling (see
    /// <see cref="SettleAsync"/>), so the measured phase runs steady-state code without the JIT
    /// beside it. BENCH_SETTLE=0: the seconds only.
    /// </summary>
    private static bool WarmingUp(ref RateLoop loop, CompilerQuiet quiet)
    {
        bool timeLeft = loop.Next();
        return timeLeft || (Settle && !quiet.Settled());
    }

    /// <summary>
    /// Before a kill: requests go on until the runtime has stopped compiling (<see cref="CompilerQuiet"/>;
    /// at most 60 s), so the failover is measured in a process at steady state,
    /// as a long-running pool user is, not in one still compiling its start-up and last failover.
    /// Measured in the lab (perf sched, 2 emulated CPUs): without it, .NET's tiered compilation thread
    /// took 28-56 ms of CPU and the thread pool (the last failover's deferred work, compiled the first
    /// time) up to 44 ms in the 60 ms after each kill, for tens of seconds after the process started.
    /// BENCH_SETTLE=0 measures the process as it is instead.
    /// </summary>
    private static async Task<bool> SettleAsync(string impl, string run, Func<Task<bool>> exchange)
    {
        if (!Settle)
        {
            return true;
        }

        var quiet = new CompilerQuiet(TimeSpan.FromSeconds(60));
        long requests = 0;
        while (!quiet.Settled())
        {
            if (!await exchange())
            {
                return false;
            }

            requests++;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"SETTLE impl={impl} run={run} seconds={quiet.Seconds:0.0} requests={requests} jit_methods={quiet.Methods}"));
        return true;
    }

    /// <summary>
    /// One line with the milliseconds from the kill to each step the core logged (the events it logs
    /// at Information level during a failover) and to the first answer from another element.
    /// </summary>
    private static string Timeline(string impl, string run, long killedAt, long answeredAt)
    {
        var steps = new System.Text.StringBuilder();
        foreach ((long at, string _, string message) in Logs.Drain())
        {
            string? step = message switch
            {
                _ when message.Contains("failing over", StringComparison.Ordinal) => "detected",
                _ when message.StartsWith("Closed the association", StringComparison.Ordinal) => "closed",
                _ when message.StartsWith("Took ", StringComparison.Ordinal) => "drained",
                _ when message.StartsWith("Looking for the next", StringComparison.Ordinal) => "looking",
                _ when message.StartsWith("Cache hit", StringComparison.Ordinal) => "cache-hit",
                _ when message.StartsWith("The standby association", StringComparison.Ordinal) => "standby-unusable",
                _ when message.StartsWith("Standby association open", StringComparison.Ordinal) => "standby-open",
                _ when message.StartsWith("Failing over to the standby", StringComparison.Ordinal) => "standby",
                _ when message.StartsWith("Sent EndpointUnreachable", StringComparison.Ordinal) => "report-sent",
                _ when message.StartsWith("Selected", StringComparison.Ordinal) => "selected",
                _ when message.StartsWith("Reported", StringComparison.Ordinal) => "reported",
                _ when message.StartsWith("Resolved", StringComparison.Ordinal) => "resolved",
                _ when message.StartsWith("Could not connect", StringComparison.Ordinal) => "connect-failed",
                _ when message.Contains("failed over to", StringComparison.Ordinal) => "connected",
                _ when message.StartsWith("Resending", StringComparison.Ordinal) => "resent",
                _ when message.Contains("answered the request resent", StringComparison.Ordinal) => "resend-answered",
                _ when message.StartsWith("No answer from", StringComparison.Ordinal) => "hedge-sent",
                _ when message.Contains("answered the hedged request", StringComparison.Ordinal) => "hedge-won",
                _ => null,
            };
            if (step is null)
            {
                continue;
            }

            steps.Append(CultureInfo.InvariantCulture, $" {step}=+{Stopwatch.GetElapsedTime(killedAt, at).TotalMilliseconds:0.0}");
        }

        return string.Create(CultureInfo.InvariantCulture, $"TIMELINE impl={impl} run={run} kill=0{steps} answered=+{Stopwatch.GetElapsedTime(killedAt, answeredAt).TotalMilliseconds:0.0}");
    }

    private static async Task<bool> RunHookAsync(string hook, string name)
    {
        using var process = Process.Start(new ProcessStartInfo("/bin/sh", new[] { "-c", hook + " " + name }) { UseShellExecute = false })!;
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            Console.Error.WriteLine($"hook failed ({process.ExitCode}): {hook} {name}");
        }

        return process.ExitCode == 0;
    }

    private static bool Matches(ReadOnlySpan<byte> answer, ReadOnlySpan<byte> request) => answer.SequenceEqual(request);

    private static void Result(string text) => Console.WriteLine("RESULT " + text);

    /// <summary>p50, p90, p99 and the largest of some round trips (ms), as KEY=VALUE fields.</summary>
    private static string Percentiles(List<double> values)
    {
        if (values.Count == 0)
        {
            return "p50_ms=0";
        }

        values.Sort();
        double At(double q) => values[Math.Min(values.Count - 1, (int)(q * values.Count))];
        return string.Create(CultureInfo.InvariantCulture, $"p50_ms={At(0.5):0.00} p90_ms={At(0.9):0.00} p99_ms={At(0.99):0.00} max_ms={values[^1]:0.0}");
    }

    private static long Long(string text) => long.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);

    private static TimeSpan Seconds(string text) => TimeSpan.FromSeconds(double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture));

    private static int Size(string text)
    {
        int size = (int)Long(text);
        return size is >= 8 and <= 65536 ? size : throw new FormatException("SIZE must be 8..65536.");
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    /// <summary>Counts iterations until a deadline, reading the clock once per iteration (as the C drivers do).</summary>
    private struct RateLoop
    {
        private readonly long _start;
        private readonly long _end;
        private long _last;

        private readonly TimeSpan _cpuStart;
        private TimeSpan _cpu;

        public RateLoop(TimeSpan duration)
        {
            _cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
            _start = Stopwatch.GetTimestamp();
            _end = _start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
            _last = _start;
            Count = 0;
        }

        public long Count { get; private set; }

        public readonly double Seconds => (double)(_last - _start) / Stopwatch.Frequency;

        public readonly double Rate => Count / Seconds;

        /// <summary>CPU time (user + system, every thread: JIT, GC, socket engine included) per iteration, in microseconds.</summary>
        public readonly double CpuMicrosecondsPerIteration => (_cpu - _cpuStart).TotalMicroseconds / Count;

        public bool Next()
        {
            Count++;
            _last = Stopwatch.GetTimestamp();
            if (_last < _end)
            {
                return true;
            }

            _cpu = Process.GetCurrentProcess().TotalProcessorTime;
            return false;
        }
    }
}
