using System.Diagnostics;
using System.Text;
using Lava.Devices.BoardSimulator;
using Xunit;

namespace Lava.Devices.Tests.BoardSimulator;

/// <summary>Each fault knob of a simulated board, as a console client sees it.</summary>
public sealed class BoardFaultsSpec
{
    private static SimulatedBoardOptions With(BoardFaults faults) => SimulatedBoardSpec.Fast() with { Faults = faults };

    [Fact]
    public async Task A_hanging_kernel_must_stop_after_the_given_number_of_lines()
    {
        await using var board = SimulatedBoard.Start(With(new BoardFaults { HangAfterKernelLines = 3 }));
        await using var console = await SimulatedBoardSpec.ToBootloaderAsync(board);

        await console.SendAsync("boot\n");
        await console.ExpectAsync("Starting kernel ...");
        var shown = await console.ExpectAsync("Machine model: Lava simulated board sim-01\r\n");
        await console.SendAsync("\n");

        await console.ExpectSilenceAsync(TimeSpan.FromMilliseconds(500));
        Assert.Equal(3, shown.Split("] ").Length - 1);
        Assert.Contains("Linux version", shown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Garbage_must_be_injected_into_the_boot_log_and_the_board_must_still_reach_login()
    {
        await using var board = SimulatedBoard.Start(With(new BoardFaults { GarbageInBootLog = true }));
        await using var console = await SimulatedBoardSpec.ToBootloaderAsync(board);

        await console.SendAsync("boot\n");
        await console.ExpectAsync("Starting kernel ...");
        var log = Encoding.Latin1.GetBytes(await console.ExpectAsync("login: "));

        var strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        var invalidUtf8 = Record.Exception(() => strict.GetString(log)) is DecoderFallbackException;
        Assert.True(invalidUtf8 || log.Contains((byte)0x1B), "the boot log must hold invalid UTF-8 or escape bytes");
    }

    [Fact]
    public async Task A_slow_console_must_take_at_least_the_line_time_of_its_baud_rate()
    {
        const int baud = 2400;
        await using var board = SimulatedBoard.Start(With(new BoardFaults { SlowConsoleBaud = baud }));
        await using var console = await ConsoleClient.ConnectAsync(board);

        var clock = Stopwatch.StartNew();
        await board.PowerOnAsync();
        var banner = await console.ExpectAsync("Hit any key to stop autoboot");
        clock.Stop();

        // A lower bound only: 10 bits a byte cannot cross a 2400-baud line faster (the first slice leaves at once).
        var lineTime = TimeSpan.FromSeconds((banner.Length - baud / 1000) * 10.0 / baud);
        Assert.True(clock.Elapsed >= lineTime, $"{banner.Length} bytes at {baud} baud took {clock.Elapsed}, under the {lineTime} of line time");
    }

    [Fact]
    public async Task A_dropping_console_must_close_each_connection_after_the_given_bytes()
    {
        await using var board = SimulatedBoard.Start(With(new BoardFaults { DropConnectionAfterBytes = 100 }));
        await using var first = await ConsoleClient.ConnectAsync(board);
        await board.PowerOnAsync();

        Assert.Equal(100, await first.ExpectClosedAsync());

        // The countdown is still running: a reconnected console stops it and asks for more than 100 bytes of help.
        await using var second = await ConsoleClient.ConnectAsync(board);
        await second.SendAsync(" \nhelp\n");
        Assert.Equal(100, await second.ExpectClosedAsync());
        Assert.True(board.IsPoweredOn);
    }
}
