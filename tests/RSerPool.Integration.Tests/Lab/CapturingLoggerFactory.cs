using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Extensions.Logging;

namespace RSerPool.Integration.Lab;

/// <summary>Keeps every log line the core writes, so tests can check what it did on the network.</summary>
public sealed class CapturingLoggerFactory : ILoggerFactory
{
    private readonly ConcurrentQueue<string> _lines = new();

    /// <summary>All lines so far, oldest first.</summary>
    public IReadOnlyList<string> Lines => _lines.ToArray();

    /// <summary>Lines that contain <paramref name="text"/>.</summary>
    public IReadOnlyList<string> Matching(string text) => _lines.Where(l => l.Contains(text, StringComparison.Ordinal)).ToArray();

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    /// <inheritdoc />
    public void AddProvider(ILoggerProvider provider)
    {
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => lines.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}");
    }
}
