using System.Threading.Channels;
using Lava.Devices.Consoles;

namespace Lava.Devices.Tests.Consoles;

/// <summary>Records what an expect engine logs, and lets a test wait for a line with a deadline.</summary>
internal sealed class RecordingLog : IConsoleLog
{
    private readonly List<(string Level, string Text)> _entries = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<(string Level, string Text)> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public IReadOnlyList<string> Targets => [.. Entries.Where(e => e.Level == "target").Select(e => e.Text)];

    public void Target(string line) => Add("target", line);

    public void Input(string text) => Add("input", text);

    /// <summary>Waits until a target line satisfies <paramref name="predicate"/>; fails naming what was logged.</summary>
    public async Task<string> WaitForTargetAsync(Func<string, bool> predicate, TimeSpan? within = null)
    {
        using var deadline = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            Task changed;
            lock (_entries)
            {
                if (_entries.FirstOrDefault(e => e.Level == "target" && predicate(e.Text)) is { Text: { } found })
                {
                    return found;
                }
                changed = _changed.Task;
            }
            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No such target line; logged: {string.Join(" | ", Entries)}");
            }
        }
    }

    private void Add(string level, string text)
    {
        lock (_entries)
        {
            _entries.Add((level, text));
            var changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
            changed.TrySetResult();
        }
    }
}

/// <summary>
/// An in-memory console whose reads return exactly the chunks the test feeds, so that chunk boundaries are the
/// test's choice; what is written is kept one write per entry.
/// </summary>
internal sealed class ScriptedConsole : IConsoleConnection
{
    private readonly Channel<byte[]> _device = Channel.CreateUnbounded<byte[]>();
    private readonly Channel<byte[]> _written = Channel.CreateUnbounded<byte[]>();
    private bool _closed;

    public string Description => "scripted";

    public ChannelReader<byte[]> Written => _written.Reader;

    /// <summary>The device prints <paramref name="chunk"/>, read as one chunk.</summary>
    public void Print(params byte[] chunk) => _device.Writer.TryWrite(chunk);

    public void Print(string text) => Print(System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>The device hangs up: reads return 0 once everything printed was read.</summary>
    public void HangUp() => _device.Writer.TryComplete();

    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (!await _device.Reader.WaitToReadAsync(cancellationToken))
        {
            return _closed ? throw new ConsoleClosedException("scripted: closed") : 0;
        }
        var chunk = await _device.Reader.ReadAsync(cancellationToken);
        chunk.CopyTo(buffer);
        return chunk.Length;
    }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (_closed)
        {
            throw new ConsoleClosedException("scripted: closed");
        }
        _written.Writer.TryWrite(data.ToArray());
        return ValueTask.CompletedTask;
    }

    public ValueTask CloseAsync()
    {
        _closed = true;
        _device.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => CloseAsync();

    /// <summary>Everything written so far, as text.</summary>
    public string WrittenText()
    {
        var text = new System.Text.StringBuilder();
        while (_written.Reader.TryRead(out var chunk))
        {
            text.Append(System.Text.Encoding.UTF8.GetString(chunk));
        }
        return text.ToString();
    }
}
