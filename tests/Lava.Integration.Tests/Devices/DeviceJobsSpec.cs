using System.Text.Json;
using Lava.Devices.BoardSimulator;
using Xunit;
using Xunit.Abstractions;

namespace Lava.Integration.Tests.Devices;

/// <summary>One lab for <see cref="DeviceJobsSpec"/>: a board per fact, each on its own outlet, reached its own way.</summary>
public sealed class DeviceJobsLab : IAsyncLifetime
{
    internal BoardLab Lab { get; private set; } = null!;

    internal string Dir => Lab.Cluster.Dir;

    public async Task InitializeAsync()
    {
        SimulatedBoardOptions Board(string name, BoardFaults? faults = null) =>
            new() { Name = name, AutobootSeconds = 1, BaudRate = 0, Faults = faults ?? BoardFaults.None };
        Lab = await BoardLab.StartAsync([
            Board("sim-telnet"),
            Board("sim-ser2net"),
            Board("sim-tty"),
            Board("sim-hang", new BoardFaults { HangAfterKernelLines = 3 }),
            Board("sim-garbage", new BoardFaults { GarbageInBootLog = true }),
            Board("sim-cancel"),
            Board("sim-powerless", new BoardFaults { FailPower = true }),
        ]);
    }

    public async Task DisposeAsync() => await Lab.DisposeAsync();
}

/// <summary>
/// Jobs submitted over HTTP run on simulated boards by real processes (master, worker, job runners), through each
/// kind of console a lab uses, and end as LAVA ends them when a board misbehaves.
/// </summary>
public sealed class DeviceJobsSpec(DeviceJobsLab fixture, ITestOutputHelper output) : IClassFixture<DeviceJobsLab>
{
    private BoardLab Lab => fixture.Lab;

    [Fact]
    public async Task A_job_must_complete_on_a_board_reached_by_its_own_telnet_console()
    {
        await Lab.AddDeviceAsync("sim-telnet");

        await AssertSmokeCompletesAsync("sim-telnet");
    }

    [RequiresToolsFact("ser2net", "socat")]
    public async Task A_job_must_complete_on_a_board_behind_ser2net_in_front_of_a_pty()
    {
        var tty = await BridgeToPtyAsync("sim-ser2net");
        var port = LavaProcesses.FreeLoopbackPort();
        var config = Path.Combine(fixture.Dir, "ser2net.yaml");
        await File.WriteAllTextAsync(config, $"connection: &dut\n  accepter: telnet,tcp,127.0.0.1,{port}\n  connector: serialdev,{tty},115200n81,local\n");
        Lab.Own(Helper.Start("ser2net", "-n", "-d", "-c", config));
        await Lab.AddDeviceAsync("sim-ser2net", $"telnet 127.0.0.1 {port}");

        await AssertSmokeCompletesAsync("sim-ser2net");
    }

    [RequiresToolsFact("socat")]
    public async Task A_job_must_complete_on_a_board_on_a_local_tty()
    {
        var tty = await BridgeToPtyAsync("sim-tty");
        await Lab.AddDeviceAsync("sim-tty", $"picocom -b 115200 {tty}");

        await AssertSmokeCompletesAsync("sim-tty");
    }

    [Fact]
    public async Task A_board_hanging_in_its_boot_must_end_the_job_Incomplete_with_an_infrastructure_error()
    {
        await Lab.AddDeviceAsync("sim-hang");

        var job = await Lab.WaitForEndAsync(await Lab.SubmitAsync(BoardJobs.Smoke("sim-hang")));

        Assert.Equal(("Incomplete", "Infrastructure"), (job.GetProperty("health").GetString(), job.GetProperty("error_type").GetString()));
        Assert.Contains("auto-login-action timed out", job.GetProperty("failure_comment").GetString());
        Assert.False(Lab.Board("sim-hang").IsPoweredOn, "the job's end must power the board off");
    }

    [Fact]
    public async Task Garbage_on_a_console_must_be_logged_escaped_and_not_end_the_job()
    {
        await Lab.AddDeviceAsync("sim-garbage");

        var id = await AssertSmokeCompletesAsync("sim-garbage");

        var targets = (await Lab.LogAsync(id)).Where(r => r.Level == "target").Select(r => BoardLab.Text(r.Msg)).ToList();
        Assert.Contains(targets, t => t.Contains(@"\x", StringComparison.Ordinal));
        Assert.DoesNotContain(targets, t => t.Contains('\uFFFD') || t.Any(c => char.IsControl(c) && c != '\t'));
    }

    [Fact]
    public async Task Canceling_a_running_job_must_power_its_board_off_and_end_it_Canceled()
    {
        await Lab.AddDeviceAsync("sim-cancel");
        var id = await Lab.SubmitAsync(BoardJobs.Smoke("sim-cancel", BoardJobs.Lines(600, 0.2)));
        await WaitForLogAsync(id, "line 3 of 600");
        Assert.True(Lab.Board("sim-cancel").IsPoweredOn);

        await Lab.PostAsync($"jobs/{id}/cancel/", new { });
        var job = await Lab.WaitForEndAsync(id);

        Assert.Equal("Canceled", job.GetProperty("health").GetString());
        Assert.False(Lab.Board("sim-cancel").IsPoweredOn, "cancel must power the board off");
        Assert.Contains(await Lab.LogAsync(id), r => BoardLab.Text(r.Msg).Contains("off 6", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failing_power_command_must_end_the_job_Incomplete_with_an_infrastructure_error()
    {
        await Lab.AddDeviceAsync("sim-powerless");

        var job = await Lab.WaitForEndAsync(await Lab.SubmitAsync(BoardJobs.Smoke("sim-powerless")));

        Assert.Equal(("Incomplete", "Infrastructure"), (job.GetProperty("health").GetString(), job.GetProperty("error_type").GetString()));
        Assert.Contains("sim-pdu.sh reboot 7", job.GetProperty("failure_comment").GetString());
    }

    private async Task<long> AssertSmokeCompletesAsync(string board)
    {
        var id = await Lab.SubmitAsync(BoardJobs.Smoke(board));
        var job = await Lab.WaitForEndAsync(id);
        var tests = await Lab.TestsAsync(id);
        output.WriteLine(string.Join('\n', tests));
        Assert.True(job.GetProperty("health").GetString() == "Complete", $"job {id}: {job}");
        Assert.Equal(board, job.GetProperty("actual_device").GetString());
        Assert.Equal(BoardJobs.SmokeCases.Order(), tests.Where(t => t.Suite.EndsWith("_smoke", StringComparison.Ordinal)).Select(t => (t.Name, t.Result)).Order());
        Assert.Contains(tests, t => t is ("lava", "job", "pass"));
        return id;
    }

    private async Task WaitForLogAsync(long id, string text)
    {
        var until = DateTime.UtcNow + BoardLab.JobDeadline;
        while (!(await Lab.LogAsync(id)).Any(r => BoardLab.Text(r.Msg).Contains(text, StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < until, $"job {id} never logged '{text}': {await Lab.JobAsync(id)}");
            await Task.Delay(200);
        }
    }

    /// <summary>A pty whose other side is the board's TCP console, as a USB serial adapter is a board's cable.</summary>
    private async Task<string> BridgeToPtyAsync(string board)
    {
        var tty = Path.Combine(fixture.Dir, board + ".tty");
        Lab.Own(Helper.Start("socat", $"pty,raw,echo=0,link={tty}", $"tcp:127.0.0.1:{Lab.Board(board).Port}"));
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!File.Exists(tty))
        {
            Assert.True(DateTime.UtcNow < until, "socat made no pty");
            await Task.Delay(20);
        }
        return tty;
    }
}

/// <summary>Skips a fact when a tool is missing, with the reason, except under CI where the fact must run (and fail).</summary>
internal sealed class RequiresToolsFactAttribute : FactAttribute
{
    public RequiresToolsFactAttribute(params string[] tools)
    {
        var missing = tools.Where(t => !(Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, t)))).ToList();
        if (missing.Count > 0 && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = $"not installed: {string.Join(", ", missing)} (apt-get install -y {string.Join(' ', missing)})";
        }
    }
}
