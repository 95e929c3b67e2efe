using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace RSerPool.LabBench;

/// <summary>
/// Keeps the core's Debug and Information events (the core logs at those levels on failovers,
/// connects, reports and resolutions, never per session request, so the rate loops pay nothing) with a monotonic stamp,
/// for the failover timeline; and prints every line to stderr when RSERPOOL_BENCH_LOG names a level
/// (Debug, Information, ...). RSERPOOL_* variables reach the lab (tests/lab/run.sh).
/// </summary>
internal sealed class StderrLoggerFactory : ILoggerFactory
{
    private static readonly long Start = Stopwatch.GetTimestamp();
    private readonly LogLevel _print;
    // BENCH_TIMELINE=0: the core's log calls find every level disabled (no timeline steps), to
    // measure what the logging itself costs a failover.
    private readonly LogLevel _record = Environment.GetEnvironmentVariable("BENCH_TIMELINE") == "0" ? LogLevel.None : LogLevel.Debug;
    // Formatted when drained, not when logged: formatting on the failover's path (several log events,
    // each a template, boxing and ToString calls under the lab's emulated CPU) would add to what is
    // measured, and rsplib's driver pays nothing of the kind for its timeline.
    private readonly ConcurrentQueue<(long Timestamp, string Category, Func<string> Format)> _events = new();

    private StderrLoggerFactory(LogLevel print) => _print = print;

    /// <summary>The factory the environment asks for.</summary>
    public static StderrLoggerFactory FromEnvironment() =>
        new(Enum.TryParse(Environment.GetEnvironmentVariable("RSERPOOL_BENCH_LOG"), ignoreCase: true, out LogLevel level) ? level : LogLevel.None);

    /// <summary>Takes the events recorded so far.</summary>
    public List<(long Timestamp, string Category, string Message)> Drain()
    {
        var list = new List<(long, string, string)>();
        while (_events.TryDequeue(out var e))
        {
            list.Add((e.Timestamp, e.Category, e.Format()));
        }

        return list;
    }

    /// <summary>Milliseconds since start-up on the same clock as the log lines.</summary>
    public static double Now => Stopwatch.GetElapsedTime(Start).TotalMilliseconds;

    /// <summary>A Stopwatch timestamp on the log lines' clock.</summary>
    public static double At(long timestamp) => Stopwatch.GetElapsedTime(Start, timestamp).TotalMilliseconds;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(string category, StderrLoggerFactory owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= owner._record || logLevel >= owner._print;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            long now = Stopwatch.GetTimestamp();
            if (logLevel >= owner._print)
            {
                Console.Error.WriteLine($"[{At(now),10:0.0} ms] {logLevel,-11} {category}: {formatter(state, exception)}");
            }

            if (logLevel >= owner._record)
            {
                owner._events.Enqueue((now, category, () => formatter(state, exception)));
            }
        }
    }
}
