using System.Globalization;
using System.Text;

namespace Lava.Devices.BoardSimulator;

/// <summary>
/// The Linux part of one power cycle: a kernel boot log (with the hang and garbage faults), a getty asking for login
/// and password, then a real shell fed from the console. The shell's <c>exit</c> brings the login prompt back;
/// <c>reboot</c> and <c>poweroff</c> typed at the prompt are played by the board, never run on the host.
/// </summary>
internal sealed class LinuxConsole(SimulatedBoardOptions options, SerialLine line)
{
    private static readonly byte[][] GarbagePieces =
    [
        [0xFF], [0xFE], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0x80], [0xBF], [0xC3], [0xF8, 0x88],
        "\e["u8.ToArray(), "\e[31;1m"u8.ToArray(), "\e[?25l"u8.ToArray(), "\e]0;"u8.ToArray(), [0x1B], [0x00], [0x07],
    ];

    private const int BatchChars = 8192;

    private readonly Random _random = new();

    /// <summary>How a Linux run ends, short of a power cut.</summary>
    public enum Ending
    {
        /// <summary>The board restarts from its bootloader.</summary>
        Reboot,

        /// <summary>The board stays silent until it is powered off and on.</summary>
        PowerDown,
    }

    /// <summary>Boots the kernel with <paramref name="commandLine"/> and serves logins until a reboot or power-down.</summary>
    public async Task<Ending> RunAsync(string commandLine, CancellationToken ct)
    {
        var hangAfter = options.Faults.HangAfterKernelLines ?? long.MaxValue;
        var written = 0L;
        var batch = new StringBuilder();
        foreach (var logLine in KernelLog(commandLine))
        {
            if (logLine is null)
            {
                // The filler starts: what came before is out, and the board waits if told to.
                await line.WriteAsync(batch.ToString(), ct);
                batch.Clear();
                if (options.BeforeBootLogFiller is { } wait) await wait(ct);
                continue;
            }
            if (written == hangAfter)
            {
                await line.WriteAsync(batch.ToString(), ct);
                await Task.Delay(Timeout.Infinite, ct); // hung: only a power cut ends this
            }
            written++;
            batch.Append(logLine).Append('\n');
            // A long boot log goes out in pieces of a few kilobytes: one write per line would cost more than the line.
            if (options.Faults.GarbageInBootLog || batch.Length >= BatchChars)
            {
                await line.WriteAsync(batch.ToString(), ct);
                batch.Clear();
                if (options.Faults.GarbageInBootLog)
                {
                    await line.WriteAsync(Garbage(), ct);
                }
            }
        }
        await line.WriteAsync(batch.ToString(), ct);
        await line.WriteAsync($"\nDebian GNU/Linux 12 {options.Name} ttyS0\n\n", ct);
        while (true)
        {
            if (await LoginAsync(ct) && await RunShellAsync(ct) is { } ending)
            {
                return ending;
            }
        }
    }

    /// <summary>The kernel's lines; null where the filler of <see cref="SimulatedBoardOptions.BootLogBytes"/> starts.</summary>
    private IEnumerable<string?> KernelLog(string commandLine)
    {
        string[] messages =
        [
            "Booting Linux on physical CPU 0x0000000000 [0x410fd034]",
            "Linux version 6.1.0-sim (lava@simulator) (gcc (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT",
            $"Machine model: Lava simulated board {options.Name}",
            $"Kernel command line: {commandLine}",
            "Memory: 1012340K/1048576K available (9472K kernel code, 1228K rwdata, 3084K rodata, 2048K init)",
            "smp: Brought up 1 node, 4 CPUs",
            "Serial: 8250/16550 driver, 4 ports, IRQ sharing disabled",
            "mmc0: new high speed SDHC card at address 0001",
            "EXT4-fs (mmcblk0p2): mounted filesystem with ordered data mode. Quota mode: none.",
            "Freeing unused kernel memory: 2048K",
            "Run /sbin/init as init process",
        ];
        var usual = messages.Select((m, i) => string.Create(CultureInfo.InvariantCulture, $"[{i * 0.0913,12:F6}] {m}")).ToList();
        // The filler comes where a real kernel's driver messages would, before init starts.
        for (var i = 0; i < usual.Count; i++)
        {
            if (i == usual.Count - 2 && options.BootLogBytes > 0)
            {
                yield return null;
                for (var n = 0L; n < KernelLogFiller.LinesFor(options.BootLogBytes); n++)
                {
                    yield return KernelLogFiller.Line(n);
                }
            }
            yield return usual[i];
        }
    }

    private byte[] Garbage()
    {
        var burst = new List<byte>();
        for (var n = _random.Next(3, 7); n > 0; n--)
        {
            burst.AddRange(GarbagePieces[_random.Next(GarbagePieces.Length)]);
        }
        return [.. burst];
    }

    // True when the user gave the right name (and password); a getty answers anything else with "Login incorrect".
    private async Task<bool> LoginAsync(CancellationToken ct)
    {
        await line.WriteAsync($"{options.Name} {options.LoginPrompt} ", ct);
        var user = await line.ReadLineAsync(echo: true, ct);
        if (string.IsNullOrWhiteSpace(user))
        {
            return false;
        }
        var passwordOk = true;
        if (options.Password is not null)
        {
            await line.WriteAsync($"{options.PasswordPrompt} ", ct);
            passwordOk = await line.ReadLineAsync(echo: false, ct) == options.Password;
        }
        if (user.Trim() == options.Username && passwordOk)
        {
            return true;
        }
        await line.WriteAsync("\nLogin incorrect\n", ct);
        return false;
    }

    // Null when the shell exited (back to the login prompt), else how the board goes on.
    private async Task<Ending?> RunShellAsync(CancellationToken ct)
    {
        using var shell = SimulatedShell.Start(options);
        using var session = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var output = PumpOutputAsync(shell, session.Token);
        var input = FeedInputAsync(shell, session.Token);
        await Task.WhenAny(output, input);
        await session.CancelAsync();
        shell.Dispose(); // killing it ends its output with EOF, whether or not a pipe read honours cancellation
        try
        {
            await Task.WhenAll(output, input);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // the other side of the session ended it: a cancelled read, or a write to a shell that has exited
            ct.ThrowIfCancellationRequested();
        }
        return input.IsCompletedSuccessfully ? input.Result : null;
    }

    private async Task PumpOutputAsync(SimulatedShell shell, CancellationToken ct)
    {
        var buffer = new byte[4096];
        var translated = new List<byte>(8192);
        int n;
        while ((n = await shell.Output.ReadAsync(buffer, ct)) > 0)
        {
            translated.Clear();
            foreach (var b in buffer.AsSpan(0, n))
            {
                if (b == (byte)'\n')
                {
                    translated.Add((byte)'\r'); // a tty's onlcr: LAVA's patterns expect CR LF
                }
                translated.Add(b);
            }
            await line.WriteAsync(translated.ToArray(), ct);
        }
    }

    private async Task<Ending> FeedInputAsync(SimulatedShell shell, CancellationToken ct)
    {
        while (true)
        {
            var typed = await line.ReadLineAsync(echo: true, ct);
            var verb = typed?.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            switch (verb)
            {
                case "reboot":
                case "shutdown" when typed!.Contains("-r", StringComparison.Ordinal):
                    await line.WriteAsync("The system is going down for reboot NOW!\n[  142.000000] reboot: Restarting system\n", ct);
                    return Ending.Reboot;
                case "poweroff" or "halt" or "shutdown":
                    await line.WriteAsync("The system is going down for poweroff NOW!\n[  142.000000] reboot: Power down\n", ct);
                    return Ending.PowerDown;
                default:
                    // Ctrl-C abandons the typed line; an empty one makes the shell print a fresh prompt.
                    await shell.SendLineAsync(typed ?? "", ct);
                    break;
            }
        }
    }
}
