using Microsoft.Extensions.Logging;

namespace Lava.Integration.Tests;

/// <summary>Keeps the log lines of an in-process node, for failure messages.</summary>
internal sealed class LineLogger : ILoggerProvider
{
    private readonly List<string> _lines = [];

    /// <summary>Everything logged so far, one line each.</summary>
    public string Output
    {
        get
        {
            lock (_lines) return string.Join('\n', _lines);
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Add(string line)
    {
        lock (_lines) _lines.Add(line);
    }

    private sealed class Logger(LineLogger owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            owner.Add($"[{DateTime.UtcNow:HH:mm:ss.fff} {logLevel}] {category}: {formatter(state, exception)}{(exception is null ? "" : " " + exception.Message)}");
        }
    }
}
