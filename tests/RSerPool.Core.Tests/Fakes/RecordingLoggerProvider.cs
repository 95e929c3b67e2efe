using System;
using System.Collections.Generic;
using Microsoft.Extensions.Logging;

namespace RSerPool.Tests.Fakes;

/// <summary>An <see cref="ILoggerFactory"/> that keeps every log line, for asserting what the core reported.</summary>
internal sealed class RecordingLoggerProvider : ILoggerFactory, ILoggerProvider
{
    private readonly object _gate = new();
    private readonly List<LogLine> _lines = new();

    /// <summary>Every line so far.</summary>
    public IReadOnlyList<LogLine> Lines
    {
        get
        {
            lock (_gate)
            {
                return _lines.ToArray();
            }
        }
    }

    /// <summary>Whether any line of at least <paramref name="level"/> contains <paramref name="text"/>.</summary>
    public bool Contains(string text, LogLevel level = LogLevel.Trace)
    {
        foreach (LogLine line in Lines)
        {
            if (line.Level >= level && line.Message.Contains(text, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <inheritdoc />
    public void AddProvider(ILoggerProvider provider)
    {
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    /// <summary>One log line.</summary>
    internal sealed record LogLine(string Category, LogLevel Level, string Message, Exception? Exception);

    private sealed class Logger : ILogger
    {
        private readonly RecordingLoggerProvider _owner;
        private readonly string _category;

        public Logger(RecordingLoggerProvider owner, string category)
        {
            _owner = owner;
            _category = category;
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = new LogLine(_category, logLevel, formatter(state, exception), exception);
            lock (_owner._gate)
            {
                _owner._lines.Add(line);
            }
        }
    }
}
