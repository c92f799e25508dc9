using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using Lava.Devices.Consoles;

namespace Lava.Devices.BoardSimulator;

/// <summary>
/// A board's serial line as ser2net exposes it: bytes the board writes go, paced at the baud rate, to the TCP client
/// connected at the time (or nowhere); bytes the client sends reach the board only while it is powered. The newest
/// connection takes the line over and the older one is closed, so a console that reconnects after a drop gets it back.
/// </summary>
internal sealed class SerialLine : IDisposable
{
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly Channel<byte> _input = Channel.CreateUnbounded<byte>(new UnboundedChannelOptions { SingleReader = true });
    private readonly int _baudRate;
    private readonly long? _dropAfterBytes;
    private readonly object _gate = new();
    private Connection? _connection;
    private TaskCompletionSource _attached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _listening;
    private long _lineFreeAt;
    private bool _afterCr;

    public SerialLine(int baudRate, long? dropAfterBytes)
    {
        _baudRate = baudRate;
        _dropAfterBytes = dropAfterBytes;
    }

    /// <summary>Makes <paramref name="client"/> the line's console, closing the previous one.</summary>
    public void Attach(TcpClient client)
    {
        var connection = new Connection(client);
        Connection? previous;
        lock (_gate)
        {
            previous = _connection;
            _connection = connection;
            _attached.TrySetResult();
        }
        previous?.Close();
        _ = ReadAsync(connection);
    }

    /// <summary>
    /// Waits until a console is attached, for at most <paramref name="limit"/>. A client's connect completes before
    /// the simulator's accept loop attaches it, so a board powered right after a console connected would otherwise
    /// print its first lines to nobody.
    /// </summary>
    public async Task WaitForConsoleAsync(TimeSpan limit, CancellationToken ct)
    {
        Task attached;
        lock (_gate)
        {
            if (_connection is not null) return;
            if (_attached.Task.IsCompleted) _attached = new(TaskCreationOptions.RunContinuationsAsynchronously);
            attached = _attached.Task;
        }
        try
        {
            await attached.WaitAsync(limit, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // nobody is watching this boot: it runs anyway, as a real board's does
        }
    }

    /// <summary>Whether input reaches the board (it is powered); turning it on drops what was typed before.</summary>
    public void Listen(bool on)
    {
        lock (_gate)
        {
            _listening = on;
        }
        while (_input.Reader.TryRead(out _))
        {
        }
    }

    /// <summary>The next byte typed on the console.</summary>
    public ValueTask<byte> ReadByteAsync(CancellationToken ct) => _input.Reader.ReadAsync(ct);

    /// <summary>
    /// Reads one line as a tty in canonical mode does: echoes what is typed (unless <paramref name="echo"/> is false, as
    /// for a password), erases with backspace or DEL, ends at CR or LF (a CR LF or CR NUL pair counts once). Returns
    /// null when Ctrl-C abandons the line.
    /// </summary>
    public async Task<string?> ReadLineAsync(bool echo, CancellationToken ct)
    {
        var line = new List<byte>();
        while (true)
        {
            var b = await ReadByteAsync(ct).ConfigureAwait(false);
            var afterCr = _afterCr;
            _afterCr = b == (byte)'\r';
            switch (b)
            {
                case (byte)'\n' or 0 when afterCr:
                    break;
                case (byte)'\r' or (byte)'\n':
                    await WriteAsync("\n", ct).ConfigureAwait(false);
                    return Encoding.UTF8.GetString(line.ToArray());
                case 0x03:
                    await WriteAsync("^C\n", ct).ConfigureAwait(false);
                    return null;
                case 0x08 or 0x7f when line.Count > 0:
                    line.RemoveAt(line.Count - 1);
                    if (echo)
                    {
                        await WriteAsync("\b \b"u8.ToArray(), ct).ConfigureAwait(false);
                    }
                    break;
                case >= 0x20 and not 0x7f or (byte)'\t':
                    line.Add(b);
                    if (echo)
                    {
                        await WriteAsync(new[] { b }, ct).ConfigureAwait(false);
                    }
                    break;
            }
        }
    }

    /// <summary>Writes text, turning each <c>\n</c> into <c>\r\n</c> as a tty's output processing does.</summary>
    public Task WriteAsync(string text, CancellationToken ct) =>
        WriteAsync(Encoding.UTF8.GetBytes(text.Replace("\n", "\r\n", StringComparison.Ordinal)), ct);

    /// <summary>Writes raw bytes, paced at the baud rate.</summary>
    public async Task WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        // About 10 ms of line time per slice, so pacing stays smooth without a timer per byte.
        var slice = _baudRate > 0 ? Math.Max(1, _baudRate / 1000) : bytes.Length;
        await _writing.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            for (var offset = 0; offset < bytes.Length; offset += slice)
            {
                var chunk = bytes.Slice(offset, Math.Min(slice, bytes.Length - offset));
                await PaceAsync(chunk.Length, ct).ConfigureAwait(false);
                await SendAsync(chunk, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            _writing.Release();
        }
    }

    public void Dispose()
    {
        Connection? connection;
        lock (_gate)
        {
            connection = _connection;
            _connection = null;
        }
        connection?.Close();
        _input.Writer.TryComplete();
    }

    // The line is busy until the last byte has left: a writer waits for the time its bytes take at the baud rate.
    private async Task PaceAsync(int count, CancellationToken ct)
    {
        if (_baudRate <= 0)
        {
            return;
        }
        var now = Stopwatch.GetTimestamp();
        _lineFreeAt = Math.Max(_lineFreeAt, now) + (long)(count * 10.0 / _baudRate * Stopwatch.Frequency);
        var ahead = Stopwatch.GetElapsedTime(now, _lineFreeAt);
        if (ahead > TimeSpan.FromMilliseconds(2))
        {
            await Task.Delay(ahead, ct).ConfigureAwait(false);
        }
    }

    private async Task SendAsync(ReadOnlyMemory<byte> chunk, CancellationToken ct)
    {
        Connection? connection;
        lock (_gate)
        {
            connection = _connection;
        }
        if (connection is null)
        {
            return; // nobody is listening: the bytes are lost, as on a real line
        }
        var drop = false;
        if (_dropAfterBytes is { } limit)
        {
            var room = limit - connection.Sent;
            if (room <= chunk.Length)
            {
                chunk = chunk[..(int)Math.Max(0, room)];
                drop = true;
            }
        }
        try
        {
            await connection.WriteAsync(chunk, escapeIac: connection.Telnet.Active, ct).ConfigureAwait(false);
            connection.Sent += chunk.Length;
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            drop = true;
        }
        if (drop)
        {
            Detach(connection);
        }
    }

    private void Detach(Connection connection)
    {
        lock (_gate)
        {
            if (_connection == connection)
            {
                _connection = null;
            }
        }
        connection.Close();
    }

    private async Task ReadAsync(Connection connection)
    {
        var buffer = new byte[1024];
        var replies = new List<byte>();
        try
        {
            while (true)
            {
                var n = await connection.Stream.ReadAsync(buffer).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }
                replies.Clear();
                var length = connection.Telnet.Decode(buffer.AsSpan(0, n), replies);
                if (replies.Count > 0)
                {
                    await connection.WriteAsync(replies.ToArray(), escapeIac: false, CancellationToken.None).ConfigureAwait(false);
                }
                bool listening;
                lock (_gate)
                {
                    listening = _listening && _connection == connection;
                }
                if (!listening)
                {
                    continue;
                }
                foreach (var b in buffer.AsSpan(0, length))
                {
                    _input.Writer.TryWrite(b);
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // the client went away or was replaced: nothing to tell the board
        }
        Detach(connection);
    }

    private sealed class Connection(TcpClient client)
    {
        private readonly SemaphoreSlim _sending = new(1, 1);

        public NetworkStream Stream { get; } = client.GetStream();

        public TelnetCodec Telnet { get; } = TelnetCodec.ForServer();

        /// <summary>Console bytes sent, telnet replies not counted: what the dropped-connection fault counts.</summary>
        public long Sent { get; set; }

        public async Task WriteAsync(ReadOnlyMemory<byte> bytes, bool escapeIac, CancellationToken ct)
        {
            await _sending.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                await Stream.WriteAsync(escapeIac ? TelnetCodec.Escape(bytes) : bytes, ct).ConfigureAwait(false);
            }
            finally
            {
                _sending.Release();
            }
        }

        public void Close() => client.Dispose();
    }
}
