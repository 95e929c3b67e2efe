using System;
using Microsoft.Extensions.Logging;

namespace RSerPool.PowerShell;

/// <summary>
/// The bridge from the core's <see cref="ILogger"/> to the PowerShell streams: each line goes to the
/// queue of the cmdlet call it belongs to (<see cref="PipelineContext.Current"/>) and is written there on
/// the pipeline thread. Lines logged outside any cmdlet call (background loops) are dropped.
/// </summary>
internal sealed class PipelineLoggerProvider : ILoggerProvider
{
    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new PipelineLogger(ShortName(categoryName));

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private static string ShortName(string category) =>
        category.StartsWith("RSerPool.", StringComparison.Ordinal) ? category["RSerPool.".Length..] : category;

    private sealed class PipelineLogger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) =>
            logLevel != LogLevel.None && PipelineContext.Current is { } queue && logLevel >= queue.MinimumLevel;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            PipelineQueue? queue = PipelineContext.Current;
            if (queue is null || logLevel == LogLevel.None || logLevel < queue.MinimumLevel)
            {
                return;
            }

            string message = formatter(state, exception);
            if (exception is not null)
            {
                message += ": " + exception.Message;
            }

            queue.PostLog(logLevel, category, message);
        }
    }
}
