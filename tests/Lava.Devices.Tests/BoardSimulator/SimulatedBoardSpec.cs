using Lava.Devices.BoardSimulator;
using Xunit;

namespace Lava.Devices.Tests.BoardSimulator;

/// <summary>A simulated board over real TCP: U-Boot's countdown and prompt, the kernel log, login and a real shell.</summary>
public sealed class SimulatedBoardSpec
{
    // Unpaced output; a countdown long enough that a loaded machine still interrupts it in time.
    internal static SimulatedBoardOptions Fast(string name = "sim-01") =>
        new() { Name = name, BaudRate = 0, AutobootSeconds = 5 };

    /// <summary>Powers <paramref name="board"/> on with a console connected, interrupts autoboot and waits for the prompt.</summary>
    internal static async Task<ConsoleClient> ToBootloaderAsync(SimulatedBoard board)
    {
        var console = await ConsoleClient.ConnectAsync(board);
        await board.PowerOnAsync();
        await console.ExpectAsync("Hit any key to stop autoboot:  5");
        await console.SendAsync(" ");
        await console.ExpectAsync("=> ");
        return console;
    }

    /// <summary>Boots to the shell prompt, logging in as root without a password.</summary>
    internal static async Task<ConsoleClient> ToShellAsync(SimulatedBoard board)
    {
        var console = await ToBootloaderAsync(board);
        await console.SendAsync("boot\n");
        await console.ExpectAsync("login: ");
        await console.SendAsync("root\n");
        await console.ExpectAsync(board.Options.EffectiveShellPrompt);
        return console;
    }

    [Fact]
    public async Task Any_key_during_the_countdown_must_stop_autoboot_at_the_bootloader_prompt()
    {
        await using var board = SimulatedBoard.Start(Fast());
        await using var console = await ToBootloaderAsync(board);

        await console.SendAsync("version\n");
        var version = await console.ExpectAsync("=> ");

        Assert.Contains("U-Boot 2023.01", version, StringComparison.Ordinal);
        Assert.DoesNotContain("Starting kernel", version, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_command_must_be_answered_with_UBoots_error()
    {
        await using var board = SimulatedBoard.Start(Fast());
        await using var console = await ToBootloaderAsync(board);

        await console.SendAsync("frobnicate now\n");

        await console.ExpectAsync("frobnicate now\r\nUnknown command 'frobnicate' - try 'help'\r\n=> ");
    }

    [Fact]
    public async Task Setenv_printenv_and_tftp_must_use_the_environment()
    {
        await using var board = SimulatedBoard.Start(Fast());
        await using var console = await ToBootloaderAsync(board);

        await console.SendAsync("setenv serverip 10.9.8.7; setenv loadk 'tftp ${kernel_addr_r} zImage'\n");
        await console.ExpectAsync("=> ");
        await console.SendAsync("printenv serverip loadk; run loadk\n");
        var output = await console.ExpectAsync("=> ");

        Assert.Contains("serverip=10.9.8.7\r\n", output, StringComparison.Ordinal);
        Assert.Contains("loadk=tftp ${kernel_addr_r} zImage\r\n", output, StringComparison.Ordinal);
        Assert.Contains("TFTP from server 10.9.8.7", output, StringComparison.Ordinal);
        Assert.Contains("Filename 'zImage'.\r\nLoad address: 0x40480000", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Boot_must_reach_login_and_the_shell_must_really_run_commands()
    {
        await using var board = SimulatedBoard.Start(Fast());
        await using var console = await ToBootloaderAsync(board);

        await console.SendAsync("setenv bootargs console=ttyS0,115200 lava=yes\nboot\n");
        var log = await console.ExpectAsync("sim-01 login: ");
        await console.SendAsync("root\n");
        await console.ExpectAsync("root@sim-01:~# ");
        await console.SendAsync("echo $((6*7)); basename \"$PWD\"\n");
        var reply = await console.ExpectAsync("root@sim-01:~# ");

        Assert.Contains("Starting kernel ...", log, StringComparison.Ordinal);
        Assert.Contains("] Linux version 6.1.0", log, StringComparison.Ordinal);
        Assert.Contains("Kernel command line: console=ttyS0,115200 lava=yes\r\n", log, StringComparison.Ordinal);
        Assert.Contains("Freeing unused kernel memory", log, StringComparison.Ordinal);
        Assert.Contains("\r\n42\r\nlava-sim-sim-01-", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Boot_log_bytes_must_add_every_numbered_filler_line_before_init_and_still_reach_login()
    {
        await using var board = SimulatedBoard.Start(Fast() with { AutobootSeconds = 0, BootLogBytes = 5_000 });
        await using var console = await ConsoleClient.ConnectAsync(board);

        await board.PowerOnAsync();

        await console.ExpectAsync("login: ");
        var text = System.Text.Encoding.UTF8.GetString(console.Received);
        var lines = KernelLogFiller.LinesFor(5_000);
        Assert.Equal(50, lines);
        for (var n = 0L; n < lines; n++)
        {
            Assert.Contains(KernelLogFiller.Line(n) + "\r\n", text, StringComparison.Ordinal);
        }
        Assert.DoesNotContain(KernelLogFiller.Line(lines), text, StringComparison.Ordinal);
        Assert.True(text.IndexOf(KernelLogFiller.Line(lines - 1), StringComparison.Ordinal) < text.IndexOf("Run /sbin/init", StringComparison.Ordinal));
        Assert.All(Enumerable.Range(0, 3).Select(i => KernelLogFiller.Line(i)), l => Assert.Equal(KernelLogFiller.LineLength, l.Length));
    }

    [Fact]
    public async Task The_countdown_running_out_must_boot_by_itself()
    {
        await using var board = SimulatedBoard.Start(Fast() with { AutobootSeconds = 1 });
        await using var console = await ConsoleClient.ConnectAsync(board);

        await board.PowerOnAsync();

        await console.ExpectAsync("Hit any key to stop autoboot:  1");
        await console.ExpectAsync("\b\b\b 0 \r\n## Flattened Device Tree");
        await console.ExpectAsync("login: ");
    }

    [Fact]
    public async Task A_password_must_be_asked_without_echo_and_a_wrong_one_refused()
    {
        await using var board = SimulatedBoard.Start(Fast() with { Username = "lava", Password = "s3cret", ShellPrompt = "lava-test: # " });
        await using var console = await ToBootloaderAsync(board);
        await console.SendAsync("boot\n");
        await console.ExpectAsync("login: ");

        await console.SendAsync("lava\n");
        await console.ExpectAsync("Password: ");
        await console.SendAsync("wrong\n");
        var refused = await console.ExpectAsync("login: ");
        await console.SendAsync("lava\n");
        await console.ExpectAsync("Password: ");
        await console.SendAsync("s3cret\n");
        await console.ExpectAsync("lava-test: # ");
        await console.SendAsync("echo \"$USER:$((6*7))\"\n");
        await console.ExpectAsync("\r\nlava:42\r\nlava-test: # ");

        Assert.Contains("Login incorrect", refused, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", System.Text.Encoding.Latin1.GetString(console.Received), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exit_must_bring_the_login_back_and_reboot_must_restart_the_bootloader()
    {
        await using var board = SimulatedBoard.Start(Fast());
        await using var console = await ToShellAsync(board);

        await console.SendAsync("exit\n");
        await console.ExpectAsync("sim-01 login: ");
        await console.SendAsync("root\n");
        await console.ExpectAsync("root@sim-01:~# ");
        await console.SendAsync("reboot\n");

        await console.ExpectAsync("reboot: Restarting system");
        await console.ExpectAsync("U-Boot SPL 2023.01");
        await console.ExpectAsync("Hit any key to stop autoboot");
        Assert.True(board.IsPoweredOn);
    }

    [Fact]
    public async Task A_telnet_client_must_be_answered_and_still_reach_the_prompt()
    {
        await using var board = SimulatedBoard.Start(Fast());
        await using var console = await ConsoleClient.ConnectAsync(board);
        await board.PowerOnAsync();
        await console.ExpectAsync("Hit any key to stop autoboot");

        // IAC DO ECHO, IAC WILL TERMINAL-TYPE, then a space: the option bytes must not reach U-Boot as keys.
        await console.SendAsync([255, 253, 1, 255, 251, 24, (byte)' ']);

        await console.ExpectAsync("=> ");
        var received = console.Received;
        Assert.True(Contains(received, [255, 251, 1]), "the board must offer to echo (IAC WILL ECHO)");
        Assert.True(Contains(received, [255, 254, 24]), "the board must refuse the terminal type (IAC DONT 24)");
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
