using System.Globalization;
using System.Text;

namespace Lava.Devices.BoardSimulator;

/// <summary>
/// The bootloader part of one power cycle: a U-Boot banner, the autoboot countdown that any key stops, then the
/// prompt with a handful of commands (environment, network loads as no-ops, boot). Returns the kernel command line
/// when a boot command runs or the countdown runs out; <c>reset</c> starts again from the banner.
/// </summary>
internal sealed class UBootConsole(SimulatedBoardOptions options, SerialLine line)
{
    private const string Version = "U-Boot 2023.01 (Jan 10 2023 - 10:00:00 +0000)";
    private const int MaxRunDepth = 8;

    private static readonly string[] Commands =
    [
        "boot", "bootm", "booti", "bootz", "dhcp", "echo", "help", "printenv", "reset", "run", "saveenv", "setenv",
        "tftp", "tftpboot", "version",
    ];

    private readonly SortedDictionary<string, string> _env = new(StringComparer.Ordinal)
    {
        ["arch"] = "arm",
        ["baudrate"] = options.EffectiveBaudRate > 0 ? options.EffectiveBaudRate.ToString(CultureInfo.InvariantCulture) : "115200",
        ["board"] = options.Name,
        ["bootargs"] = "console=ttyS0,115200 root=/dev/mmcblk0p2 rw rootwait",
        ["bootcmd"] = "booti ${kernel_addr_r} - ${fdt_addr_r}",
        ["bootdelay"] = options.AutobootSeconds.ToString(CultureInfo.InvariantCulture),
        ["ethaddr"] = "02:00:00:00:00:01",
        ["fdt_addr_r"] = "0x48000000",
        ["kernel_addr_r"] = "0x40480000",
        ["ramdisk_addr_r"] = "0x48100000",
        ["stderr"] = "serial",
        ["stdin"] = "serial",
        ["stdout"] = "serial",
        ["ver"] = Version,
    };

    private enum Outcome { Continue, Boot, Reset }

    /// <summary>Runs the bootloader until it starts the kernel; returns the kernel command line.</summary>
    public async Task<string> RunAsync(CancellationToken ct)
    {
        while (true)
        {
            await Say(Banner(), ct);
            var outcome = await AutobootAsync(ct) ? await RunLineAsync(_env["bootcmd"], 0, ct) : Outcome.Continue;
            while (outcome == Outcome.Continue)
            {
                await Say($"{options.BootloaderPrompt} ", ct);
                var typed = await line.ReadLineAsync(echo: true, ct);
                outcome = typed is null ? await Interrupted(ct) : await RunLineAsync(typed, 0, ct);
            }
            if (outcome == Outcome.Boot)
            {
                return _env.GetValueOrDefault("bootargs", "");
            }
        }
    }

    private string Banner() =>
        $"\n\nU-Boot SPL 2023.01 (Jan 10 2023 - 10:00:00 +0000)\nTrying to boot from MMC1\n\n\n{Version}\n\n" +
        $"CPU:   Simulated ARMv8 @ 1.2 GHz\nModel: Lava simulated board {options.Name}\nDRAM:  1 GiB\n" +
        "Core:  42 devices, 18 uclasses, devicetree: separate\nMMC:   mmc@1c0f000: 0\n" +
        "Loading Environment from MMC... OK\nIn:    serial\nOut:   serial\nErr:   serial\nNet:   eth0: ethernet@1c30000\n";

    // True when the countdown ran out (autoboot), false when a key stopped it; U-Boot rewrites the digit in place.
    private async Task<bool> AutobootAsync(CancellationToken ct)
    {
        if (options.AutobootSeconds <= 0)
        {
            return true;
        }
        await Say($"{options.InterruptPrompt}: {options.AutobootSeconds,2} ", ct);
        for (var left = options.AutobootSeconds; left > 0; left--)
        {
            if (await KeyWithinAsync(TimeSpan.FromSeconds(1), ct))
            {
                await Say("\b\b\b 0 \n", ct);
                return false;
            }
            await Say($"\b\b\b{left - 1,2} ", ct);
        }
        await Say("\n", ct);
        return true;
    }

    private async Task<bool> KeyWithinAsync(TimeSpan wait, CancellationToken ct)
    {
        using var tick = CancellationTokenSource.CreateLinkedTokenSource(ct);
        tick.CancelAfter(wait);
        try
        {
            await line.ReadByteAsync(tick.Token); // the key that stops autoboot is consumed, as U-Boot does
            return true;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task<Outcome> Interrupted(CancellationToken ct)
    {
        await Say("<INTERRUPT>\n", ct);
        return Outcome.Continue;
    }

    private async Task<Outcome> RunLineAsync(string text, int depth, CancellationToken ct)
    {
        foreach (var words in UBootCommandLine.Parse(text, _env))
        {
            var outcome = await RunAsync(words, depth, ct);
            if (outcome != Outcome.Continue)
            {
                return outcome;
            }
        }
        return Outcome.Continue;
    }

    private async Task<Outcome> RunAsync(IReadOnlyList<string> words, int depth, CancellationToken ct)
    {
        var args = words.Skip(1).ToArray();
        switch (words[0])
        {
            case "setenv":
                SetEnv(args);
                break;
            case "printenv":
                await Say(PrintEnv(args), ct);
                break;
            case "saveenv":
                await Say("Saving Environment to MMC... Writing to MMC(0)... OK\n", ct);
                break;
            case "echo":
                await Say(string.Join(' ', args) + "\n", ct);
                break;
            case "version":
                await Say($"{Version}\n\naarch64-linux-gnu-gcc (Debian 12.2.0-14) 12.2.0\nGNU ld (GNU Binutils for Debian) 2.40\n", ct);
                break;
            case "help" or "?":
                await Say(string.Concat(Commands.Select(c => $"{c,-10}- {c} command\n")), ct);
                break;
            case "dhcp":
                await Say(Dhcp(), ct);
                if (args.Length > 0)
                {
                    await Say(Tftp(args), ct);
                }
                break;
            case "tftp" or "tftpboot":
                await Say(Tftp(args), ct);
                break;
            case "boot":
                return depth < MaxRunDepth ? await RunLineAsync(_env.GetValueOrDefault("bootcmd", ""), depth + 1, ct) : Outcome.Continue;
            case "bootm" or "booti" or "bootz":
                await Say(BootImage(args), ct);
                return Outcome.Boot;
            case "run":
                return await RunVariablesAsync(args, depth, ct);
            case "reset":
                await Say("resetting ...\n", ct);
                return Outcome.Reset;
            default:
                await Say($"Unknown command '{words[0]}' - try 'help'\n", ct);
                break;
        }
        return Outcome.Continue;
    }

    private async Task<Outcome> RunVariablesAsync(string[] names, int depth, CancellationToken ct)
    {
        foreach (var name in names)
        {
            if (!_env.TryGetValue(name, out var script))
            {
                await Say($"## Error: \"{name}\" not defined\n", ct);
                return Outcome.Continue;
            }
            var outcome = depth < MaxRunDepth ? await RunLineAsync(script, depth + 1, ct) : Outcome.Continue;
            if (outcome != Outcome.Continue)
            {
                return outcome;
            }
        }
        return Outcome.Continue;
    }

    private void SetEnv(string[] args)
    {
        if (args.Length == 0)
        {
            return;
        }
        if (args.Length == 1)
        {
            _env.Remove(args[0]);
            return;
        }
        _env[args[0]] = string.Join(' ', args.Skip(1));
    }

    private string PrintEnv(string[] names)
    {
        if (names.Length == 0)
        {
            var all = new StringBuilder();
            foreach (var (name, value) in _env)
            {
                all.Append(name).Append('=').Append(value).Append('\n');
            }
            return all.Append(CultureInfo.InvariantCulture, $"\nEnvironment size: {all.Length}/65532 bytes\n").ToString();
        }
        return string.Concat(names.Select(n =>
            _env.TryGetValue(n, out var v) ? $"{n}={v}\n" : $"## Error: \"{n}\" not defined\n"));
    }

    private string Dhcp()
    {
        _env["ipaddr"] = "10.0.2.15";
        _env["serverip"] = _env.GetValueOrDefault("serverip", "10.0.2.2");
        _env["netmask"] = "255.255.255.0";
        return "ethernet@1c30000 Waiting for PHY auto negotiation to complete... done\n" +
               "BOOTP broadcast 1\nDHCP client bound to address 10.0.2.15 (4 ms)\n";
    }

    private string Tftp(string[] args)
    {
        var (address, file) = args.Length switch
        {
            0 => (_env["kernel_addr_r"], _env.GetValueOrDefault("bootfile", "Image")),
            1 => (_env["kernel_addr_r"], args[0]),
            _ => (args[0], args[1]),
        };
        _env["fileaddr"] = address.Replace("0x", "", StringComparison.Ordinal);
        _env["filesize"] = "100000";
        return $"Using ethernet@1c30000 device\nTFTP from server {_env.GetValueOrDefault("serverip", "10.0.2.2")}; " +
               $"our IP address is {_env.GetValueOrDefault("ipaddr", "10.0.2.15")}\nFilename '{file}'.\n" +
               $"Load address: {address}\nLoading: #################################################################\n" +
               "\t 12.5 MiB/s\ndone\nBytes transferred = 1048576 (100000 hex)\n";
    }

    private static string BootImage(string[] args)
    {
        var fdt = args.Length >= 3 ? args[2] : "0x48000000";
        return $"## Flattened Device Tree blob at {fdt.Replace("0x", "", StringComparison.Ordinal)}\n" +
               $"   Booting using the fdt blob at {fdt}\n   Loading Device Tree to 000000004fff6000, end 000000004ffff2d1 ... OK\n\n" +
               "Starting kernel ...\n\n";
    }

    private Task Say(string text, CancellationToken ct) => line.WriteAsync(text, ct);
}
