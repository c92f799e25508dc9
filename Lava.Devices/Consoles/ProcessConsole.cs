using System.ComponentModel;
using System.Diagnostics;
using System.Threading.Channels;

namespace Lava.Devices.Consoles;

/// <summary>
/// A console on a child process's stdio: QEMU's serial console on stdio, or any <c>connection_command</c> that is not
/// plain telnet (LAVA runs it without a shell, argv split as a shell would). What the process prints on stdout and
/// stderr is read as one stream, as LAVA sees both on its pseudo-terminal; writes go to its stdin. Closing kills the
/// process and every process it started. Made by <see cref="Start"/>.
/// </summary>
public sealed class ProcessConsole : IConsoleConnection
{
    private readonly Process _process;
    private readonly Stream _stdin;
    private readonly Channel<byte[]> _output = Channel.CreateBounded<byte[]>(64); // the pumps wait for a slow reader
    private readonly Task _pumps;
    private ReadOnlyMemory<byte> _pending;
    private volatile bool _closed;

    private ProcessConsole(Process process, string description)
    {
        _process = process;
        _stdin = process.StandardInput.BaseStream;
        Description = description;
        Exited = WaitForExitCodeAsync(process);
        _pumps = Task.WhenAll(Pump(process.StandardOutput.BaseStream), Pump(process.StandardError.BaseStream))
            .ContinueWith(_ => _output.Writer.TryComplete(), TaskScheduler.Default);
    }

    /// <inheritdoc />
    public string Description { get; }

    /// <summary>The process's exit code, once it has exited (LAVA fails the connection when it exits at once with non-zero).</summary>
    public Task<int> Exited { get; }

    /// <summary>
    /// Starts <paramref name="arguments"/> (the program, then its arguments; no shell). Throws
    /// <see cref="ConsoleClosedException"/> when the program cannot be started (not found, not executable).
    /// </summary>
    public static ProcessConsole Start(IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentOutOfRangeException.ThrowIfZero(arguments.Count);
        var start = new ProcessStartInfo(arguments[0], arguments.Skip(1))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var description = string.Join(' ', arguments);
        try
        {
            var process = Process.Start(start) ?? throw new ConsoleClosedException($"{description}: did not start");
            return new ProcessConsole(process, description);
        }
        catch (Win32Exception e)
        {
            throw new ConsoleClosedException($"{description}: cannot start: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        ThrowIfClosed();
        if (_pending.IsEmpty)
        {
            if (!await _output.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                ThrowIfClosed();
                return 0;
            }
            _pending = await _output.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        var count = Math.Min(buffer.Length, _pending.Length);
        _pending[..count].CopyTo(buffer);
        _pending = _pending[count..];
        return count;
    }

    /// <inheritdoc />
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ThrowIfClosed();
        try
        {
            await _stdin.WriteAsync(data, cancellationToken).ConfigureAwait(false);
            await _stdin.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            throw new ConsoleClosedException($"{Description}: stdin closed: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public async ValueTask CloseAsync()
    {
        if (_closed)
        {
            return;
        }
        _closed = true;
        _output.Writer.TryComplete();
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It had already exited.
        }
        await Exited.ConfigureAwait(false);
        await _pumps.ConfigureAwait(false);
        _process.Dispose();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => CloseAsync();

    private static async Task<int> WaitForExitCodeAsync(Process process)
    {
        await process.WaitForExitAsync().ConfigureAwait(false);
        return process.ExitCode;
    }

    private async Task Pump(Stream from)
    {
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                await _output.Writer.WriteAsync(buffer[..read]).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or ChannelClosedException)
        {
            // The process is gone or we closed: the reader sees the end of the stream.
        }
    }

    private void ThrowIfClosed()
    {
        if (_closed)
        {
            throw new ConsoleClosedException($"{Description}: closed");
        }
    }
}
