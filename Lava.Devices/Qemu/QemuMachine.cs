using System.Text;
using Lava.Devices.Consoles;

namespace Lava.Devices.Qemu;

/// <summary>
/// A running QEMU: a child process whose stdio is the guest's serial console (<see cref="Console"/>, for a
/// <see cref="ConsoleExpect"/>), its stderr kept in a file so that an early exit can say why. Made by
/// <see cref="Start"/>; <see cref="StopAsync"/> (or disposing, closing the console, or the stop token given to Start)
/// kills QEMU and every process it started. <see cref="Exited"/> tells when QEMU ended by itself.
/// </summary>
public sealed class QemuMachine : IAsyncDisposable
{
    private const int StderrTailBytes = 2048;

    private static readonly TimeSpan ExitAfterEndOfOutput = TimeSpan.FromSeconds(10);

    private readonly ProcessConsole _console;
    private readonly string _stderrPath;
    private readonly CancellationTokenRegistration _onStop;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _stopping;

    private QemuMachine(ProcessConsole console, QemuCommand command, string stderrPath, CancellationToken stop)
    {
        _console = console;
        _stderrPath = stderrPath;
        Command = command;
        Console = new MachineConsole(this);
        Exited = WatchAsync(console.Exited);
        _onStop = stop.Register(() => _ = StopAsync());
    }

    /// <summary>The command QEMU runs with.</summary>
    public QemuCommand Command { get; }

    /// <summary>
    /// The guest's serial console: what QEMU prints on stdout, and its stdin. Closing it stops the machine (a job's
    /// connection is closed at its end, and QEMU has no power-off of its own). When QEMU ended by itself, its end
    /// is a <see cref="ConsoleClosedException"/> saying why (<see cref="Exited"/>'s message: exit code, stderr).
    /// </summary>
    public IConsoleConnection Console { get; }

    /// <summary>
    /// Completes once QEMU has ended after <see cref="StopAsync"/>; faults with a <see cref="QemuException"/>
    /// (<c>Infrastructure</c>, naming the exit code and the tail of QEMU's stderr) when QEMU ended by itself: a bad
    /// option, a missing file, a crash, or the guest powering off. A boot that sees the console close awaits this
    /// to learn why.
    /// </summary>
    public Task Exited { get; }

    /// <summary>
    /// Starts <paramref name="command"/> with its stderr written to <paramref name="stderrPath"/> (in the job's
    /// directory). <paramref name="stop"/> (the job's cancel) kills it. Throws <see cref="QemuException"/>
    /// (<c>Infrastructure</c>) when the process cannot be started.
    /// </summary>
    public static QemuMachine Start(QemuCommand command, string stderrPath, CancellationToken stop = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentException.ThrowIfNullOrEmpty(stderrPath);
        // sh only sends stderr to the file, then becomes QEMU (exec): the child is QEMU itself, and a program that
        // cannot be found is reported by sh in that file with exit code 127.
        ProcessConsole console;
        try
        {
            console = ProcessConsole.Start(["/bin/sh", "-c", "exec 2>\"$0\"; exec \"$@\"", stderrPath, .. command.ArgumentVector]);
        }
        catch (ConsoleClosedException e)
        {
            throw QemuException.Infrastructure($"cannot start {command.Program}: {e.Message}");
        }
        return new QemuMachine(console, command, stderrPath, stop);
    }

    /// <summary>Kills QEMU and its process tree and waits until it is gone. Idempotent.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopping, 1) == 0)
        {
            try
            {
                await _console.CloseAsync().ConfigureAwait(false);
            }
            finally
            {
                _stopped.TrySetResult();
            }
        }
        await _stopped.Task.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _onStop.DisposeAsync().ConfigureAwait(false);
        await StopAsync().ConfigureAwait(false);
    }

    private async Task WatchAsync(Task<int> exited)
    {
        var code = await exited.ConfigureAwait(false);
        if (Volatile.Read(ref _stopping) == 1)
        {
            return;
        }
        var tail = StderrTail();
        throw QemuException.Infrastructure(
            $"{Command.Program} exited with code {code} before it was stopped" + (tail.Length > 0 ? $": {tail}" : " (nothing on stderr)"));
    }

    // Why the console ended without a stop: QEMU's exit, which follows its stdout's end closely.
    private async Task<string> EndReasonAsync()
    {
        try
        {
            await Exited.WaitAsync(ExitAfterEndOfOutput).ConfigureAwait(false);
        }
        catch (QemuException e)
        {
            return e.Message;
        }
        catch (TimeoutException)
        {
            // stdout closed but QEMU still runs: only its output is gone
        }
        return $"{Command.Program}: console closed by the far end";
    }

    private string StderrTail()
    {
        try
        {
            using var file = new FileStream(_stderrPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var start = Math.Max(0, file.Length - StderrTailBytes);
            file.Seek(start, SeekOrigin.Begin);
            var bytes = new byte[file.Length - start];
            file.ReadExactly(bytes);
            return Encoding.UTF8.GetString(bytes).Trim();
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>QEMU's stdio as the machine's console: closing stops the machine, an unasked end says why.</summary>
    private sealed class MachineConsole(QemuMachine machine) : IConsoleConnection
    {
        public string Description => $"{machine.Command.Program} (serial console on stdio)";

        public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            var read = await machine._console.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read == 0 && Volatile.Read(ref machine._stopping) == 0)
            {
                throw new ConsoleClosedException(await machine.EndReasonAsync().ConfigureAwait(false));
            }
            return read;
        }

        public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
            machine._console.WriteAsync(data, cancellationToken);

        public ValueTask CloseAsync() => new(machine.StopAsync());

        public ValueTask DisposeAsync() => CloseAsync();
    }
}
