using System.Threading;

namespace RSerPool.PowerShell;

/// <summary>
/// Which cmdlet call the code running now belongs to. The core's log lines and failover callbacks
/// happen on thread-pool threads; the queue of the call that started them flows there with the
/// execution context (an <see cref="AsyncLocal{T}"/>), so a pool user shared by every command of a
/// runspace still writes each line to the command that caused it.
/// </summary>
internal static class PipelineContext
{
    private static readonly AsyncLocal<PipelineQueue?> s_current = new();

    [System.ThreadStatic]
    private static ExecutionContext? t_callback;

    /// <summary>The queue of the cmdlet call the current code runs for, or null outside any call.</summary>
    internal static PipelineQueue? Current
    {
        get => s_current.Value;
        set => s_current.Value = value;
    }

    /// <summary>
    /// While a failover script block runs on the pipeline thread: the execution context of the core
    /// call that is failing over. Cmdlets the script calls start their core work inside it, so the
    /// session recognises them as its own failover callback and lets them use it (it is busy with the
    /// outer request otherwise).
    /// </summary>
    internal static ExecutionContext? FailoverCallback
    {
        get => t_callback;
        set => t_callback = value;
    }
}
