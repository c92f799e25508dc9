using System.Net;
using System.Net.Sockets;

namespace Lava.Devices.Consoles;

/// <summary>
/// A console over TCP with telnet option negotiation: what ser2net serves and what a device dictionary's
/// <c>connection_command: telnet HOST PORT</c> names. Data comes out with telnet's commands stripped; what is written
/// has its IAC bytes escaped. Made by <see cref="ConnectAsync"/>.
/// </summary>
public sealed class TelnetConsole : IConsoleConnection
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly TelnetCodec _codec = TelnetCodec.ForClient();
    private readonly SemaphoreSlim _writing = new(1, 1); // negotiation answers and data must not interleave
    private readonly List<byte> _replies = [];
    private volatile bool _closed;

    private TelnetConsole(Socket socket, string description)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        Description = description;
    }

    /// <inheritdoc />
    public string Description { get; }

    /// <summary>
    /// Connects to <paramref name="host"/>:<paramref name="port"/> (a name is resolved, every address is tried).
    /// Throws <see cref="ConsoleClosedException"/> when nothing accepts the connection.
    /// </summary>
    public static async Task<TelnetConsole> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(port);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true }; // typed characters go at once
        try
        {
            // An address as such needs no name lookup before the connection.
            if (IPAddress.TryParse(host, out var address)) await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken).ConfigureAwait(false);
            else await socket.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new ConsoleClosedException($"telnet {host} {port}: {e.Message}", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new TelnetConsole(socket, $"telnet {host}:{port}");
    }

    /// <inheritdoc />
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await Io(() => _stream.ReadAsync(buffer, cancellationToken)).ConfigureAwait(false);
            if (read == 0)
            {
                // A read pending when we close may end as end-of-stream rather than fail: it is our close all the same.
                return _closed ? throw new ConsoleClosedException($"{Description}: closed") : 0;
            }
            _replies.Clear();
            var data = _codec.Decode(buffer.Span[..read], _replies);
            if (_replies.Count > 0)
            {
                await WriteRawAsync(_replies.ToArray(), cancellationToken).ConfigureAwait(false);
            }
            if (data > 0)
            {
                return data;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        WriteRawAsync(TelnetCodec.Escape(data), cancellationToken);

    /// <inheritdoc />
    public ValueTask CloseAsync()
    {
        _closed = true;
        _stream.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => CloseAsync();

    private async ValueTask WriteRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await _writing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await Io(async () => { await _stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false); return 0; }).ConfigureAwait(false);
        }
        finally
        {
            _writing.Release();
        }
    }

    private async ValueTask<int> Io(Func<ValueTask<int>> operation)
    {
        if (_closed)
        {
            throw new ConsoleClosedException($"{Description}: closed");
        }
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            throw _closed
                ? new ConsoleClosedException($"{Description}: closed", e)
                : new ConsoleClosedException($"{Description}: connection lost: {e.Message}", e);
        }
    }
}
