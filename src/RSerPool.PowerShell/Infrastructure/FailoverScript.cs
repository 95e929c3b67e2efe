using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using RSerPool.Sessions;

namespace RSerPool.PowerShell;

/// <summary>
/// Turns <c>Connect-PoolElement -OnFailover { param($Session) ... }</c> into the session's failover
/// callback. The core calls it on a thread-pool thread, where no script may run; so the callback posts
/// the script to the pipeline thread of the command that is failing over (it is waiting in its pump
/// anyway) and the core awaits it there, before any request is resent.
/// </summary>
internal static class FailoverScript
{
    /// <summary>The callback for a script block.</summary>
    internal static Func<PoolSession, CancellationToken, Task> Create(ScriptBlock script) => (session, cancellationToken) =>
    {
        PipelineQueue? queue = PipelineContext.Current;
        if (queue is null)
        {
            throw new InvalidOperationException(
                "The -OnFailover script block runs on the pipeline thread of an RSerPoolPU command; this session was used outside one. Use Send-PoolRequest -Session instead of the session's methods.");
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ExecutionContext? context = ExecutionContext.Capture();
        if (!queue.TryPost(() => Run(script, session, context, done)))
        {
            done.TrySetException(new InvalidOperationException("The command that was failing over has already finished."));
        }

        return done.Task.WaitAsync(cancellationToken);
    };

    private static void Run(ScriptBlock script, PoolSession session, ExecutionContext? context, TaskCompletionSource done)
    {
        ExecutionContext? outer = PipelineContext.FailoverCallback;
        PipelineContext.FailoverCallback = context;
        try
        {
            script.Invoke(session);
            done.TrySetResult();
        }
        catch (PipelineStoppedException)
        {
            done.TrySetCanceled();
            throw;
        }
        catch (RuntimeException e)
        {
            // The core turns this into FailoverCallbackFailed for the request; the session stays usable.
            done.TrySetException(e);
        }
        finally
        {
            PipelineContext.FailoverCallback = outer;
        }
    }
}
