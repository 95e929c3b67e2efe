using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace RSerPool.PowerShell;

/// <summary>Shared shape of RSerPoolPU's completions: prefix match ignoring case, quoted when the text needs it.</summary>
internal static class CompletionText
{
    /// <summary>Completions among <paramref name="candidates"/> that start with what was typed.</summary>
    internal static IEnumerable<CompletionResult> Complete(IEnumerable<string> candidates, string? wordToComplete, Func<string, string> toolTip)
    {
        string typed = (wordToComplete ?? string.Empty).Trim('\'', '"');
        return candidates
            .Where(c => c.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.Ordinal)
            .OrderBy(c => c, StringComparer.OrdinalIgnoreCase)
            .Select(c => new CompletionResult(Quote(c), c, CompletionResultType.ParameterValue, toolTip(c)));
    }

    private static string Quote(string text) =>
        text.Length > 0 && text.All(ch => char.IsLetterOrDigit(ch) || ch is '-' or '_' or '.' or ':' or '/')
            ? text
            : "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
}
