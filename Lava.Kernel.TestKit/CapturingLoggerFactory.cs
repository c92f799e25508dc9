using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Lava.Kernel.TestKit;

/// <summary>One captured log line.</summary>
public sealed record LogEntry(LogLevel Level, string Category, string Message, Exception? Exception);

/// <summary>A logger factory that keeps every entry so tests can assert on logged errors.</summary>
public sealed class CapturingLoggerFactory : ILoggerFactory
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();
    private readonly Channel<LogEntry> _feed = Channel.CreateUnbounded<LogEntry>();

    public IReadOnlyCollection<LogEntry> Entries => _entries;

    internal ChannelReader<LogEntry> Feed => _feed.Reader;

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose() => _feed.Writer.TryComplete();

    private void Add(LogEntry entry)
    {
        _entries.Enqueue(entry);
        _feed.Writer.TryWrite(entry);
    }

    private sealed class CapturingLogger(CapturingLoggerFactory owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) owner.Add(new LogEntry(logLevel, category, formatter(state, exception), exception));
        }
    }
}
