using System.Collections.Immutable;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Lava.Devices.BoardSimulator;
using Xunit;

namespace Lava.Devices.Tests.BoardSimulator;

/// <summary>The simulated PDU's line protocol over TCP, and what switching an outlet does to its board.</summary>
public sealed class SimulatedPduSpec
{
    private static SimulatedPdu PduFor(SimulatedBoard board, int outlet = 3) => SimulatedPdu.Start(new SimulatedPduOptions
    {
        Name = "pdu-01",
        Outlets = ImmutableDictionary<int, SimulatedBoard>.Empty.Add(outlet, board),
        RebootDelay = TimeSpan.FromMilliseconds(50),
    });

    private static Task<string> SendAsync(SimulatedPdu pdu, string command)
    {
        using var deadline = new CancellationTokenSource(ConsoleClient.Deadline);
        return PduClient.SendAsync("127.0.0.1", pdu.Port, command, deadline.Token);
    }

    [Fact]
    public async Task On_must_power_the_board_so_that_it_boots_from_the_start()
    {
        await using var board = SimulatedBoard.Start(SimulatedBoardSpec.Fast());
        await using var pdu = PduFor(board);
        await using var console = await ConsoleClient.ConnectAsync(board);

        Assert.Equal("ok off", await SendAsync(pdu, "status 3"));
        Assert.Equal("ok", await SendAsync(pdu, "on 3"));

        await console.ExpectAsync("U-Boot SPL 2023.01");
        await console.ExpectAsync("Hit any key to stop autoboot");
        Assert.Equal("ok on", await SendAsync(pdu, "status 3"));
    }

    [Fact]
    public async Task Off_must_silence_the_console_and_kill_the_shell()
    {
        await using var board = SimulatedBoard.Start(SimulatedBoardSpec.Fast());
        await using var pdu = PduFor(board);
        await using var console = await SimulatedBoardSpec.ToShellAsync(board);
        await console.SendAsync("echo shell-pid=$$\n");
        var reply = await console.ExpectAsync("root@sim-01:~# ");
        var pid = int.Parse(reply.Split("shell-pid=")[2].Split('\r')[0], CultureInfo.InvariantCulture);
        Assert.True(Directory.Exists($"/proc/{pid}"), $"the shell {pid} must run before the power cut");

        Assert.Equal("ok", await SendAsync(pdu, "off 3"));

        Assert.False(Directory.Exists($"/proc/{pid}"), $"the shell {pid} must be gone once off is answered");
        await console.SendAsync("echo still-here\n");
        await console.ExpectSilenceAsync(TimeSpan.FromMilliseconds(500));
        Assert.False(board.IsPoweredOn);
    }

    [Fact]
    public async Task Reboot_must_cut_the_power_and_boot_again()
    {
        await using var board = SimulatedBoard.Start(SimulatedBoardSpec.Fast());
        await using var pdu = PduFor(board);
        await using var console = await SimulatedBoardSpec.ToBootloaderAsync(board);

        Assert.Equal("ok", await SendAsync(pdu, "reboot 3"));

        await console.ExpectAsync("U-Boot SPL 2023.01");
        await console.ExpectAsync("Hit any key to stop autoboot");
    }

    [Fact]
    public async Task A_failing_outlet_must_answer_an_error_and_leave_the_board_off()
    {
        await using var board = SimulatedBoard.Start(SimulatedBoardSpec.Fast() with { Faults = new BoardFaults { FailPower = true } });
        await using var pdu = PduFor(board);

        var answer = await SendAsync(pdu, "on 3");

        Assert.Equal("error: outlet 3 (sim-01) failed to switch on", answer);
        Assert.False(board.IsPoweredOn);
    }

    [Theory]
    [InlineData("on 9", "error: unknown outlet '9' (outlets: 3)")]
    [InlineData("on three", "error: unknown outlet 'three' (outlets: 3)")]
    [InlineData("toggle 3", "error: unknown command 'toggle 3' (expected: on|off|reboot|status OUTLET)")]
    [InlineData("on", "error: unknown command 'on' (expected: on|off|reboot|status OUTLET)")]
    public async Task Bad_commands_must_be_answered_with_an_error(string command, string expected)
    {
        await using var board = SimulatedBoard.Start(SimulatedBoardSpec.Fast());
        await using var pdu = PduFor(board);

        Assert.Equal(expected, await SendAsync(pdu, command));
        Assert.False(board.IsPoweredOn);
    }

    [Fact]
    public async Task A_client_that_sends_and_leaves_without_reading_must_still_be_obeyed()
    {
        await using var board = SimulatedBoard.Start(SimulatedBoardSpec.Fast());
        await using var pdu = PduFor(board);
        await using var console = await ConsoleClient.ConnectAsync(board);

        // What `bash -c 'echo on 3 > /dev/tcp/127.0.0.1/PORT'` does.
        using (var client = new TcpClient())
        {
            await client.ConnectAsync("127.0.0.1", pdu.Port);
            await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes("on 3\n"));
        }

        await console.ExpectAsync("Hit any key to stop autoboot");
    }
}
