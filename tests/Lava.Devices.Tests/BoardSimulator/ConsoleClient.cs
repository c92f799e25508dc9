using System.Net.Sockets;
using System.Text;
using Lava.Devices.BoardSimulator;
using Xunit;

namespace Lava.Devices.Tests.BoardSimulator;

/// <summary>
/// A test's end of a board's console: keeps every byte received and waits, with a deadline, for a text to appear
/// after what earlier waits consumed. Bytes map one to one onto chars (Latin-1), so garbage stays countable.
/// </summary>
internal sealed class ConsoleClient : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly List<byte> _received = [];
    private readonly object _gate = new();
    private readonly Task _reading;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _closed;
    private int _cursor;

    private ConsoleClient(TcpClient client)
    {
        _client = client;
        _reading = ReadAsync();
    }

    /// <summary>How long a wait may take; LAVA_TEST_TIMEFACTOR stretches it on slow machines.</summary>
    public static TimeSpan Deadline { get; } = TimeSpan.FromSeconds(15 * TestTime.Factor);

    public static async Task<ConsoleClient> ConnectAsync(SimulatedBoard board)
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync("127.0.0.1", board.Port);
        return new ConsoleClient(client);
    }

    /// <summary>Every byte received so far.</summary>
    public byte[] Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes) => await _client.GetStream().WriteAsync(bytes);

    /// <summary>Waits for <paramref name="text"/> after the last match and returns what came up to its end.</summary>
    public async Task<string> ExpectAsync(string text, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? Deadline);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                var seen = Encoding.Latin1.GetString(_received.ToArray(), _cursor, _received.Count - _cursor);
                var at = seen.IndexOf(text, StringComparison.Ordinal);
                if (at >= 0)
                {
                    _cursor += at + text.Length;
                    return seen[..(at + text.Length)];
                }
                if (_closed)
                {
                    Assert.Fail($"the console closed before '{Printable(text)}'; after the last match it sent: {Printable(seen)}");
                }
                changed = _changed.Task;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || await Task.WhenAny(changed, Task.Delay(left)) != changed)
            {
                Assert.Fail($"no '{Printable(text)}' within {within ?? Deadline}; after the last match the console sent: {Printable(Tail())}");
            }
        }
    }

    /// <summary>Waits until the board closes the connection; returns the number of bytes received.</summary>
    public async Task<int> ExpectClosedAsync()
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_closed)
                {
                    return _received.Count;
                }
                changed = _changed.Task;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || await Task.WhenAny(changed, Task.Delay(left)) != changed)
            {
                Assert.Fail($"the console stayed open after {_received.Count} bytes");
            }
        }
    }

    /// <summary>
    /// Asserts that nothing arrives for <paramref name="window"/>: silence can only be observed over a window; the
    /// board under test sends unpaced, so anything it had to say would come at once.
    /// </summary>
    public async Task ExpectSilenceAsync(TimeSpan window)
    {
        int before;
        lock (_gate)
        {
            before = _received.Count;
        }
        await Task.Delay(window);
        lock (_gate)
        {
            var extra = Encoding.Latin1.GetString(_received.ToArray(), before, _received.Count - before);
            Assert.True(extra.Length == 0, $"expected silence, the console sent: {Printable(extra)}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _reading;
    }

    private static string Printable(string text) =>
        string.Concat(text.Select(c => c is >= ' ' and < '\x7f' ? c.ToString() : $"\\x{(int)c:x2}"));

    private string Tail()
    {
        lock (_gate)
        {
            return Encoding.Latin1.GetString(_received.ToArray(), _cursor, _received.Count - _cursor);
        }
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[4096];
        try
        {
            int n;
            while ((n = await _client.GetStream().ReadAsync(buffer)) > 0)
            {
                Publish(buffer.AsSpan(0, n), closed: false);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // closed by the board or by the test
        }
        Publish([], closed: true);
    }

    private void Publish(ReadOnlySpan<byte> bytes, bool closed)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _received.AddRange(bytes);
            _closed |= closed;
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.SetResult();
    }
}
