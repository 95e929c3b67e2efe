using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;
using RSerPool.Selection;

namespace RSerPool.PowerShell;

/// <summary>Completes -Policy with the names of the supported pool policies, as rsplib spells them.</summary>
internal sealed class PolicyNameCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
        => CompletionText.Complete(SelectionPolicies.GetNames(), wordToComplete, n => $"Pool policy {n}");
}
