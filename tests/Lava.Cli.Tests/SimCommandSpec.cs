using System.Collections.Immutable;
using Lava.Devices.BoardSimulator;
using Xunit;

namespace Lava.Cli.Tests;

/// <summary><c>lava-cli sim</c> refusing a bad lab file, and <c>lava-cli sim-pdu</c> against a running simulated PDU.</summary>
public sealed class SimCommandSpec
{
    [Fact]
    public async Task Sim_must_refuse_a_bad_lab_file_naming_the_field_with_exit_2()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, "boards:\n- name: a\n  baud: fast\n");

            var run = await CliRun.RunAsync("sim", file);

            Assert.Equal(2, run.ExitCode);
            Assert.Equal($"{file}: boards[0].baud: expected a whole number, got 'fast'", run.Error.Trim());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Sim_pdu_must_exit_0_on_ok_1_on_an_error_answer_and_2_on_a_bad_address()
    {
        await using var board = SimulatedBoard.Start(new SimulatedBoardOptions { Name = "b1", BaudRate = 0 });
        await using var pdu = SimulatedPdu.Start(new SimulatedPduOptions
        {
            Name = "p1",
            Outlets = ImmutableDictionary<int, SimulatedBoard>.Empty.Add(2, board),
        });
        var address = $"127.0.0.1:{pdu.Port}";

        var on = await CliRun.RunAsync("sim-pdu", address, "on", "2");
        var unknown = await CliRun.RunAsync("sim-pdu", address, "off", "5");
        var bad = await CliRun.RunAsync("sim-pdu", "nowhere", "on", "2");

        Assert.Equal((0, "ok"), (on.ExitCode, on.Output.Trim()));
        Assert.True(board.IsPoweredOn);
        Assert.Equal((1, "error: unknown outlet '5' (outlets: 2)"), (unknown.ExitCode, unknown.Error.Trim()));
        Assert.Equal((2, "'nowhere' is not HOST:PORT"), (bad.ExitCode, bad.Error.Trim()));
    }
}
