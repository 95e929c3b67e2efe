using Microsoft.Extensions.Logging;

namespace RSerPool.PowerShell;

/// <summary>The one logger factory every pool user of the process logs through (see <see cref="PipelineLoggerProvider"/>).</summary>
internal static class CoreLogging
{
    /// <summary>Everything from Trace up; the queue of each call filters by that call's -Verbose/-Debug.</summary>
    internal static ILoggerFactory Factory { get; } = LoggerFactory.Create(builder => builder
        .SetMinimumLevel(LogLevel.Trace)
        .AddProvider(new PipelineLoggerProvider()));
}
