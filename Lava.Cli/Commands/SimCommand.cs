using System.CommandLine;
using System.Globalization;
using System.Net.Sockets;
using Lava.Devices.BoardSimulator;

namespace Lava.Cli.Commands;

/// <summary>
/// <c>lava-cli sim FILE</c>: runs the simulated boards and PDUs a lab file describes until Ctrl-C or SIGTERM;
/// <c>lava-cli sim-pdu HOST:PORT VERB OUTLET</c>: sends one command to a simulated PDU (exit 0 on <c>ok</c>).
/// </summary>
internal static class SimCommand
{
    private const string Caution =
        "For demos and tests only: a simulated board's shell runs as the user running the simulator, with no sandbox; " +
        "do not expose its ports beyond a machine you trust.";

    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "The lab file (YAML): boards, PDUs, faults. See examples/sim/lab.yaml." };
        var fast = new Option<bool>("--fast") { Description = "Send console output unpaced (ignore baud rates), for tests." };
        var sim = new Command("sim", "Run simulated U-Boot boards (TCP consoles, as ser2net serves them) and PDUs until Ctrl-C or SIGTERM. " + Caution);
        sim.Arguments.Add(file);
        sim.Options.Add(fast);
        sim.SetAction((parse, ct) =>
            RunAsync(parse.GetValue(file)!, parse.GetValue(fast), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
        return sim;
    }

    public static Command CreatePduClient()
    {
        var address = new Argument<string>("HOST:PORT") { Description = "Where the simulated PDU listens." };
        var verb = new Argument<string>("VERB") { Description = "on, off, reboot or status." };
        verb.AcceptOnlyFromAmong("on", "off", "reboot", "status");
        var outlet = new Argument<int>("OUTLET") { Description = "The outlet number." };
        var command = new Command("sim-pdu", "Send one command to a simulated PDU; exit 0 when it answers ok (usable as a device dictionary's power command).");
        command.Arguments.Add(address);
        command.Arguments.Add(verb);
        command.Arguments.Add(outlet);
        command.SetAction((parse, ct) => SendAsync(
            parse.GetValue(address)!, $"{parse.GetValue(verb)} {parse.GetValue(outlet).ToString(CultureInfo.InvariantCulture)}",
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
        return command;
    }

    private static async Task<int> RunAsync(string path, bool fast, TextWriter output, TextWriter error, CancellationToken ct)
    {
        SimulatorLab lab;
        try
        {
            lab = await SimulatorLab.StartAsync(SimulatorLabFile.Load(path), fast);
        }
        catch (SimulatorLabException e)
        {
            error.WriteLine(e.Message);
            return LavaCli.ExitInvalidInput;
        }
        await using (lab)
        {
            foreach (var line in lab.Describe())
            {
                output.WriteLine(line);
            }
            output.WriteLine("simulator running; Ctrl-C or SIGTERM stops it");
            await output.FlushAsync(ct);
            await WaitForStopAsync(ct);
        }
        return 0;
    }

    // System.CommandLine turns Ctrl-C and SIGTERM into this token, and waits a moment for the lab to power off.
    private static async Task WaitForStopAsync(CancellationToken ct)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException)
        {
            // asked to stop: the caller disposes the lab
        }
    }

    private static async Task<int> SendAsync(string address, string command, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var colon = address.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(address[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            error.WriteLine($"'{address}' is not HOST:PORT");
            return LavaCli.ExitInvalidInput;
        }
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(TimeSpan.FromSeconds(30));
            var answer = await PduClient.SendAsync(address[..colon], port, command, deadline.Token);
            (answer.StartsWith("ok", StringComparison.Ordinal) ? output : error).WriteLine(answer);
            return answer.StartsWith("ok", StringComparison.Ordinal) ? 0 : LavaCli.ExitApiError;
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            error.WriteLine($"PDU {address}: {e.Message}");
            return LavaCli.ExitApiError;
        }
    }
}
