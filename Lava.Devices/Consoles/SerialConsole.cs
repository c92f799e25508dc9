using System.IO.Ports;

namespace Lava.Devices.Consoles;

/// <summary>
/// A console on a local serial tty (a USB serial adapter, or one end of a pty pair), 8N1 without flow control at
/// <see cref="DefaultBaudRate"/> unless the device dictionary says otherwise (<c>baud_rate</c>). Made by
/// <see cref="Open"/>.
/// </summary>
public sealed class SerialConsole : IConsoleConnection
{
    /// <summary>The baud rate of almost every board's console, and LAVA's default.</summary>
    public const int DefaultBaudRate = 115200;

    private readonly SerialPort _port;
    private readonly Stream _stream;
    private volatile bool _closed;

    private SerialConsole(SerialPort port)
    {
        _port = port;
        _stream = port.BaseStream;
        Description = $"serial {port.PortName}@{port.BaudRate}";
    }

    /// <inheritdoc />
    public string Description { get; }

    /// <summary>
    /// Opens <paramref name="device"/> (e.g. <c>/dev/ttyUSB0</c>) at <paramref name="baudRate"/>. Throws
    /// <see cref="ConsoleClosedException"/> when the tty cannot be opened (missing, busy, no permission).
    /// </summary>
    public static SerialConsole Open(string device, int baudRate = DefaultBaudRate)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(device);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(baudRate);
        var port = new SerialPort(device, baudRate, Parity.None, 8, StopBits.One) { Handshake = Handshake.None };
        try
        {
            port.Open();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            port.Dispose();
            throw new ConsoleClosedException($"serial {device}: cannot open: {e.Message}", e);
        }
        return new SerialConsole(port);
    }

    /// <inheritdoc />
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        ThrowIfClosed();
        try
        {
            var read = await _stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            // A read pending when we close may end as end-of-stream rather than fail: it is our close all the same.
            if (read == 0) ThrowIfClosed();
            return read;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            throw Lost(e);
        }
    }

    /// <inheritdoc />
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ThrowIfClosed();
        try
        {
            await _stream.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            throw Lost(e);
        }
    }

    /// <inheritdoc />
    public ValueTask CloseAsync()
    {
        _closed = true;
        _port.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => CloseAsync();

    private ConsoleClosedException Lost(Exception e) =>
        _closed ? new($"{Description}: closed", e) : new($"{Description}: connection lost: {e.Message}", e);

    private void ThrowIfClosed()
    {
        if (_closed)
        {
            throw new ConsoleClosedException($"{Description}: closed");
        }
    }
}
