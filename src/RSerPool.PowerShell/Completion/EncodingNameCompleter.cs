using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace RSerPool.PowerShell;

/// <summary>Completes -Encoding with the names <see cref="EncodingTransformationAttribute"/> knows.</summary>
internal sealed class EncodingNameCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
        => CompletionText.Complete(EncodingTransformationAttribute.Names, wordToComplete, n => $"Encoding {n}");
}
