using System;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace RSerPool.PowerShell.Commands;

/// <summary>
/// Shared plumbing of every RSerPoolPU cmdlet: run one core call per input off the pipeline thread,
/// replay what the core logs (and failover script blocks) on the pipeline thread, show progress when a
/// wait is long, honour Ctrl+C within a second, and turn core failures into ErrorRecords.
/// </summary>
public abstract class PoolCmdletBase : PSCmdlet
{
    private const int PumpIntervalMilliseconds = 250;

    // Progress activity ids: the loop over inputs, and the wait for one core call beneath it.
    private const int LoopActivityId = 0x5250;
    private const int WaitActivityId = 0x5251;
    private static readonly TimeSpan s_progressAfter = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_stopGrace = TimeSpan.FromMilliseconds(500);

    // PowerShellStandard 5.1 has no PipelineStopToken: this source is it (house style, decision 1).
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _sinceStart = Stopwatch.StartNew();
    private PoolRunspaceState? _state;
    private bool _loopProgressShown;

    /// <summary>Cancelled when the user presses Ctrl+C (or the host stops the pipeline).</summary>
    protected CancellationToken StopToken => _stop.Token;

    /// <summary>What RSerPoolPU keeps for the runspace this command runs in.</summary>
    internal PoolRunspaceState RunspaceState => _state ??= PoolUserRegistry.Current;

    /// <summary>Cancels the core call in flight; <see cref="TryRunCore{T}"/> then returns within a second.</summary>
    protected override void StopProcessing() => _stop.Cancel();

    /// <summary>
    /// Runs one core call for one pipeline input and blocks until it ends, writing its log lines (and
    /// running failover script blocks) here on the pipeline thread meanwhile.
    /// </summary>
    /// <typeparam name="T">What the call returns.</typeparam>
    /// <param name="operation">The core call; gets the stop token.</param>
    /// <param name="target">The ErrorRecord target if it fails: the pool handle, element or session.</param>
    /// <param name="status">What is being waited for, shown by Write-Progress when the wait exceeds a second.</param>
    /// <param name="result">The call's result.</param>
    /// <returns>True on success; false after a non-terminating error was written.</returns>
    /// <exception cref="PipelineStoppedException">Ctrl+C.</exception>
    protected bool TryRunCore<T>(Func<CancellationToken, Task<T>> operation, object? target, string status, [MaybeNullWhen(false)] out T result)
    {
        ArgumentNullException.ThrowIfNull(operation);
        result = default;
        var queue = new PipelineQueue(this, StreamLevel());
        Task<T> work = Start(operation, queue);
        _ = work.ContinueWith(static (_, q) => ((PipelineQueue)q!).Complete(), queue,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        Pump(queue, work, status);

        try
        {
            result = work.GetAwaiter().GetResult();
            return true;
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (RSerPoolException e)
        {
            WriteFailure(e, target);
            return false;
        }
    }

    /// <summary>As <see cref="TryRunCore{T}"/> for calls without a result.</summary>
    /// <param name="operation">The core call; gets the stop token.</param>
    /// <param name="target">The ErrorRecord target if it fails.</param>
    /// <param name="status">What is being waited for.</param>
    /// <returns>True on success; false after a non-terminating error was written.</returns>
    protected bool TryRunCore(Func<CancellationToken, Task> operation, object? target, string status)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return TryRunCore(
            async ct =>
            {
                await operation(ct).ConfigureAwait(false);
                return true;
            },
            target,
            status,
            out _);
    }

    /// <summary>Writes a core failure: terminating when no later input can succeed (house style §7.3), else non-terminating.</summary>
    /// <param name="exception">The failure.</param>
    /// <param name="target">The pool handle, element or session it concerns.</param>
    protected void WriteFailure(RSerPoolException exception, object? target)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ErrorRecord record = ErrorRecords.From(exception, target);
        if (ErrorRecords.StopsThePipeline(exception.Failure))
        {
            ThrowTerminatingError(record);
        }

        WriteError(record);
    }

    /// <summary>Progress over a loop of known length, shown once the command has run for a second.</summary>
    /// <param name="done">Items finished so far.</param>
    /// <param name="total">Items in all.</param>
    /// <param name="status">The item being worked on.</param>
    protected void WriteLoopProgress(int done, int total, string status)
    {
        if (total < 2 || (!_loopProgressShown && _sinceStart.Elapsed < s_progressAfter))
        {
            return;
        }

        _loopProgressShown = true;
        WriteProgress(new ProgressRecord(LoopActivityId, MyInvocation.MyCommand.Name, status)
        {
            PercentComplete = Math.Clamp(done * 100 / total, 0, 100),
        });
    }

    /// <summary>Removes the loop's progress bar, if one was shown.</summary>
    protected void CompleteLoopProgress()
    {
        if (_loopProgressShown)
        {
            WriteProgress(new ProgressRecord(LoopActivityId, MyInvocation.MyCommand.Name, "Done") { RecordType = ProgressRecordType.Completed });
            _loopProgressShown = false;
        }
    }


    private static Task<T> Start<T>(Func<CancellationToken, Task<T>> operation, PipelineQueue queue, CancellationToken token)
    {
        PipelineQueue? outer = PipelineContext.Current;
        PipelineContext.Current = queue;
        try
        {
            return Task.Run(() => operation(token), CancellationToken.None);
        }
        finally
        {
            PipelineContext.Current = outer;
        }
    }

    private Task<T> Start<T>(Func<CancellationToken, Task<T>> operation, PipelineQueue queue)
    {
        ExecutionContext? callback = PipelineContext.FailoverCallback;
        if (callback is null)
        {
            return Start(operation, queue, StopToken);
        }

        // Called from an -OnFailover script: start inside the failing-over call's context so the
        // session knows this call as part of its own failover (see PipelineContext.FailoverCallback).
        Task<T>? started = null;
        CancellationToken token = StopToken;
        ExecutionContext.Run(callback, _ => started = Start(operation, queue, token), null);
        return started!;
    }

    private void Pump(PipelineQueue queue, Task work, string status)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan nextProgress = s_progressAfter;
        bool progressShown = false;
        while (true)
        {
            Action? next;
            try
            {
                if (!queue.TryTake(out next, PumpIntervalMilliseconds, StopToken))
                {
                    if (queue.IsCompleted)
                    {
                        break;
                    }

                    if (clock.Elapsed >= nextProgress)
                    {
                        progressShown = true;
                        nextProgress = clock.Elapsed + s_progressAfter;
                        WriteProgress(new ProgressRecord(WaitActivityId, MyInvocation.MyCommand.Name, $"{status} ({clock.Elapsed.TotalSeconds:0} s)")
                        {
                            ParentActivityId = _loopProgressShown ? LoopActivityId : -1,
                        });
                    }

                    continue;
                }
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C: give the core a moment to unwind cleanly, but return within a second whatever it does.
                _ = Task.WaitAny([work], s_stopGrace);
                throw new PipelineStoppedException();
            }

            next!();
        }

        if (progressShown)
        {
            WriteProgress(new ProgressRecord(WaitActivityId, MyInvocation.MyCommand.Name, status) { RecordType = ProgressRecordType.Completed });
        }
    }

    private LogLevel StreamLevel()
    {
        if (IsStreamOn("Debug", "DebugPreference"))
        {
            return LogLevel.Trace;
        }

        return IsStreamOn("Verbose", "VerbosePreference") ? LogLevel.Information : LogLevel.Warning;
    }

    private bool IsStreamOn(string switchName, string preferenceVariable)
    {
        if (MyInvocation.BoundParameters.TryGetValue(switchName, out object? value))
        {
            return value is SwitchParameter s ? s.IsPresent : LanguagePrimitives.IsTrue(value);
        }

        object? preference = GetVariableValue(preferenceVariable);
        if (preference is PSObject ps)
        {
            preference = ps.BaseObject;
        }

        return preference switch
        {
            ActionPreference p => p is not (ActionPreference.SilentlyContinue or ActionPreference.Ignore),
            string s => Enum.TryParse(s, true, out ActionPreference p) && p is not (ActionPreference.SilentlyContinue or ActionPreference.Ignore),
            _ => false,
        };
    }
}
