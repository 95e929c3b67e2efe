using System;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

namespace RSerPool.PowerShell;

/// <summary>
/// One <see cref="PoolRunspaceState"/> per runspace, with no global variables: it lives as long as its
/// runspace and is closed (sessions, registrar associations) when the runspace closes. Runspaces in
/// ForEach-Object -Parallel, thread jobs and hosted PowerShell instances each get their own.
/// </summary>
internal static class PoolUserRegistry
{
    private static readonly ConditionalWeakTable<Runspace, PoolRunspaceState> s_byRunspace = new();
    private static readonly object s_gate = new();

    /// <summary>The state of the runspace on this thread (the pipeline thread of a cmdlet or completer).</summary>
    /// <exception cref="InvalidOperationException">No runspace is current on this thread.</exception>
    internal static PoolRunspaceState Current => For(Runspace.DefaultRunspace
        ?? throw new InvalidOperationException("RSerPoolPU keeps its pool users per runspace, and no runspace is current on this thread."));

    /// <summary>The state of a runspace, created on first use.</summary>
    internal static PoolRunspaceState For(Runspace runspace)
    {
        lock (s_gate)
        {
            if (s_byRunspace.TryGetValue(runspace, out PoolRunspaceState? state))
            {
                return state;
            }

            state = new PoolRunspaceState();
            s_byRunspace.Add(runspace, state);
            runspace.StateChanged += (_, e) =>
            {
                if (e.RunspaceStateInfo.State is RunspaceState.Closing or RunspaceState.Closed or RunspaceState.Broken)
                {
                    state.Close();
                }
            };
            return state;
        }
    }

    /// <summary>Closes and forgets the state of a runspace (Remove-Module).</summary>
    internal static void Close(Runspace runspace)
    {
        PoolRunspaceState? state;
        lock (s_gate)
        {
            if (!s_byRunspace.TryGetValue(runspace, out state))
            {
                return;
            }

            s_byRunspace.Remove(runspace);
        }

        state.Close();
    }
}
