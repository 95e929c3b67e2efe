using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using Microsoft.Extensions.Logging;

namespace RSerPool.PowerShell;

/// <summary>
/// The work one core call leaves for the pipeline thread: log lines and failover callbacks posted from
/// thread-pool threads, run by <see cref="Commands.PoolCmdletBase"/> on the pipeline thread, the only
/// thread where <c>WriteVerbose</c> and friends and script blocks may run.
/// </summary>
/// <remarks>
/// Anything posted after the call completed has nowhere to go and is dropped: a fire-and-forget probe
/// in the core may still log after the cmdlet moved on.
/// </remarks>
internal sealed class PipelineQueue
{
    private readonly BlockingCollection<Action> _pending = new();
    private readonly Cmdlet _owner;

    internal PipelineQueue(Cmdlet owner, LogLevel minimumLevel)
    {
        _owner = owner;
        MinimumLevel = minimumLevel;
    }

    /// <summary>The lowest level worth queuing: Trace with -Debug, Information with -Verbose, else Warning.</summary>
    internal LogLevel MinimumLevel { get; }

    /// <summary>Whether the call finished and everything posted has been taken.</summary>
    internal bool IsCompleted => _pending.IsCompleted;

    /// <summary>Queues work for the pipeline thread; false when the call already finished.</summary>
    internal bool TryPost(Action work)
    {
        try
        {
            _pending.Add(work);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Queues one log line as Debug (Trace, Debug), Verbose (Information) or Warning (the rest).</summary>
    internal void PostLog(LogLevel level, string category, string message)
    {
        Cmdlet owner = _owner;
        if (level <= LogLevel.Debug)
        {
            TryPost(() => owner.WriteDebug($"[{category}] {message}"));
        }
        else if (level == LogLevel.Information)
        {
            TryPost(() => owner.WriteVerbose(message));
        }
        else
        {
            TryPost(() => owner.WriteWarning(message));
        }
    }

    /// <summary>Takes the next piece of work, waiting up to <paramref name="millisecondsTimeout"/>.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (Ctrl+C).</exception>
    internal bool TryTake(out Action? work, int millisecondsTimeout, CancellationToken cancellationToken)
        => _pending.TryTake(out work, millisecondsTimeout, cancellationToken);

    /// <summary>Marks the call finished: later posts are dropped.</summary>
    internal void Complete() => _pending.CompleteAdding();
}
