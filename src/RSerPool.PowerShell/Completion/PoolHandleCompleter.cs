using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using RSerPool.Client;

namespace RSerPool.PowerShell;

/// <summary>Completes -PoolHandle with the pool handles seen in this runspace (resolved, selected from, connected to) and those in its caches.</summary>
internal sealed class PoolHandleCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        PoolRunspaceState state = PoolUserRegistry.Current;
        IEnumerable<string> handles = state.SeenHandles;
        foreach (PoolUser user in state.PoolUsers)
        {
            handles = handles.Concat(user.CachedPoolHandles.Select(h => h.ToString()));
        }

        return CompletionText.Complete(handles, wordToComplete, h => $"Pool handle {h} (seen in this session)");
    }
}
