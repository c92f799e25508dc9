using System.Net;
using System.Net.Sockets;

namespace Lava.Devices.BoardSimulator;

/// <summary>
/// A development board for demos and tests: its serial console is served on a TCP port the way ser2net serves a real
/// one (raw bytes; minimal telnet if the client speaks it). Powered on, it plays U-Boot (banner, interruptible
/// autoboot, a prompt), boots a Linux-like kernel log to a login prompt and, after login, runs a real <c>/bin/sh</c> in
/// a temporary directory, so that test definitions really run. Powered off, its console is silent and its shell is
/// killed. <see cref="SimulatedPdu"/> switches its power; the <see cref="BoardFaults"/> of its options misbehave on
/// purpose. The shell runs as the user who runs the simulator: this is no security boundary.
/// </summary>
public sealed class SimulatedBoard : IAsyncDisposable
{
    private static readonly TimeSpan ConsoleWait = TimeSpan.FromSeconds(2);
    private readonly TcpListener _listener;
    private readonly SerialLine _line;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _power = new(1, 1);
    private readonly Task _accepting;
    private CancellationTokenSource? _powered;
    private Task _running = Task.CompletedTask;

    private SimulatedBoard(SimulatedBoardOptions options)
    {
        Options = options;
        _line = new SerialLine(options.EffectiveBaudRate, options.Faults.DropConnectionAfterBytes);
        _listener = new TcpListener(IPAddress.Parse(options.Host), options.Port);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>What the board was started with.</summary>
    public SimulatedBoardOptions Options { get; }

    /// <summary>The board's name.</summary>
    public string Name => Options.Name;

    /// <summary>The TCP port its console listens on (the real one when the options asked for 0).</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Whether the board is powered.</summary>
    public bool IsPoweredOn => _powered is not null;

    /// <summary>Starts listening on the console port; the board is off until <see cref="PowerOnAsync"/>.</summary>
    /// <exception cref="SocketException">The port is taken or the address is not local.</exception>
    public static SimulatedBoard Start(SimulatedBoardOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new SimulatedBoard(options);
    }

    /// <summary>Applies power: the board boots from the start. Does nothing when it is already on.</summary>
    public async Task PowerOnAsync()
    {
        await _power.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_powered is not null)
            {
                return;
            }
            _powered = new CancellationTokenSource();
            _line.Listen(true);
            var token = _powered.Token;
            _running = Task.Run(() => RunAsync(token));
        }
        finally
        {
            _power.Release();
        }
    }

    /// <summary>Cuts power: the console goes silent at once and the shell, if any, is killed. Idempotent.</summary>
    public async Task PowerOffAsync()
    {
        await _power.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_powered is not { } powered)
            {
                return;
            }
            _line.Listen(false);
            await powered.CancelAsync().ConfigureAwait(false);
            try
            {
                await _running.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // the power cut ended the run: that is how a run ends
            }
            powered.Dispose();
            _powered = null;
        }
        finally
        {
            _power.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await PowerOffAsync().ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        try
        {
            await _accepting.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // the listener was stopped under the pending accept
        }
        _line.Dispose();
        _stopping.Dispose();
        _power.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stopping.Token).ConfigureAwait(false);
            client.NoDelay = true;
            _line.Attach(client);
        }
    }

    // One power cycle: bootloader, kernel, logins; a reboot starts again, a power-down waits for the power cut.
    private async Task RunAsync(CancellationToken powered)
    {
        await _line.WaitForConsoleAsync(ConsoleWait, powered).ConfigureAwait(false);
        while (true)
        {
            var commandLine = await new UBootConsole(Options, _line).RunAsync(powered).ConfigureAwait(false);
            var ending = await new LinuxConsole(Options, _line).RunAsync(commandLine, powered).ConfigureAwait(false);
            if (ending == LinuxConsole.Ending.PowerDown)
            {
                await Task.Delay(Timeout.Infinite, powered).ConfigureAwait(false);
            }
        }
    }
}
