namespace Lava.Devices.Consoles;

/// <summary>
/// A device's console as a byte pipe: <see cref="TelnetConsole"/> (ser2net and any <c>telnet HOST PORT</c>),
/// <see cref="SerialConsole"/> (a local tty) and <see cref="ProcessConsole"/> (QEMU's stdio or any other
/// <c>connection_command</c>). One reader and one writer may use it at the same time. <see cref="ConsoleExpect"/>
/// runs prompts and commands on top of it.
/// </summary>
public interface IConsoleConnection : IAsyncDisposable
{
    /// <summary>What this connection reaches, for messages and logs (e.g. <c>telnet 127.0.0.1:7001</c>).</summary>
    string Description { get; }

    /// <summary>
    /// Reads what the device printed into <paramref name="buffer"/> as soon as anything is there; returns the count,
    /// or 0 once the far end has closed (EOF: the device, ser2net or the process is gone).
    /// Throws <see cref="ConsoleClosedException"/> after <see cref="CloseAsync"/> or when the link fails, and
    /// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires.
    /// </summary>
    ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>
    /// Writes <paramref name="data"/> to the device as is (a transport adds only its own framing, such as telnet's
    /// escaping). Throws <see cref="ConsoleClosedException"/> when the connection is closed or the link fails.
    /// </summary>
    ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Closes the connection; a pending read then ends with <see cref="ConsoleClosedException"/>. Idempotent.</summary>
    ValueTask CloseAsync();
}
