using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace RSerPool.LabBench;

/// <summary>
/// A diagnostic for the failover timeline (RSERPOOL_BENCH_TRACE=1): the runtime's own events, JIT
/// compilations, garbage collections, thread-pool thread injections, lock contention and thrown
/// exceptions, each with its time, so the milliseconds between two logged failover steps can be put
/// down to what the runtime did in them. Off by default: the listener's dispatch thread costs CPU.
/// </summary>
internal sealed class RuntimeTrace : EventListener
{
    // Keywords of Microsoft-Windows-DotNETRuntime (clretwall.man).
    private const EventKeywords Gc = (EventKeywords)0x1;
    private const EventKeywords Jit = (EventKeywords)0x10;
    private const EventKeywords Contention = (EventKeywords)0x4000;
    private const EventKeywords Exception = (EventKeywords)0x8000;
    private const EventKeywords Threading = (EventKeywords)0x10000;

    private static readonly DateTime Epoch = DateTime.UtcNow;
    private readonly ConcurrentQueue<(DateTime At, string What)> _events = new();
    private volatile bool _enabled;

    private RuntimeTrace()
    {
        _enabled = true;
    }

    /// <summary>The trace when RSERPOOL_BENCH_TRACE=1, else null.</summary>
    public static RuntimeTrace? FromEnvironment() =>
        Environment.GetEnvironmentVariable("RSERPOOL_BENCH_TRACE") == "1" ? new RuntimeTrace() : null;

    /// <summary>The events between two UTC times, as "+ms what" relative to <paramref name="from"/>; drops everything seen so far.</summary>
    public List<string> Take(DateTime from, DateTime to)
    {
        var lines = new List<string>();
        while (_events.TryDequeue(out var e))
        {
            if (e.At >= from && e.At <= to)
            {
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"+{(e.At - from).TotalMilliseconds:0.0} {e.What}"));
            }
        }

        return lines;
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, Gc | Jit | Contention | Exception | Threading);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!_enabled || e.EventName is null)
        {
            return;
        }

        string? what = e.EventName switch
        {
            "MethodJittingStarted_V1" => "jit " + Payload(e, "MethodNamespace") + "::" + Payload(e, "MethodName"),
            "GCStart_V2" => "gc-start gen" + Payload(e, "Depth") + " reason " + Payload(e, "Reason"),
            "GCEnd_V1" => "gc-end gen" + Payload(e, "Depth"),
            "GCSuspendEEBegin_V1" => "suspend-ee",
            "GCRestartEEEnd_V1" => "restart-ee",
            "ThreadPoolWorkerThreadStart" => "pool-thread-start",
            "ThreadPoolWorkerThreadAdjustmentAdjustment" => "pool-adjust " + Payload(e, "NewWorkerThreadCount") + " reason " + Payload(e, "Reason"),
            "ContentionStart_V2" or "ContentionStart" => "contention",
            "ExceptionThrown_V1" => "throw " + Payload(e, "ExceptionType") + ": " + Payload(e, "ExceptionMessage"),
            _ => null,
        };
        if (what is not null)
        {
            _events.Enqueue((e.TimeStamp.ToUniversalTime(), what));
        }
    }

    private static string Payload(EventWrittenEventArgs e, string name)
    {
        int i = e.PayloadNames?.IndexOf(name) ?? -1;
        return i >= 0 && e.Payload is { } p ? Convert.ToString(p[i], CultureInfo.InvariantCulture) ?? "" : "";
    }

    /// <summary>Milliseconds since the trace started, for reference.</summary>
    public static double Since(DateTime at) => (at - Epoch).TotalMilliseconds;
}
