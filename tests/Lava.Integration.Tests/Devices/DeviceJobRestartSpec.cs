using System.Text.Json;
using Lava.Devices.BoardSimulator;
using Xunit;
using Xunit.Abstractions;

namespace Lava.Integration.Tests.Devices;

/// <summary>
/// A running job outlives restarts: of the master (SIGKILL), of the worker (SIGTERM, and SIGKILL) and survives
/// neither the death of its own runner. Each fact has its own lab; the job prints numbered lines for a while so that
/// the restart falls in the middle of it, and every line must reach the master exactly once.
/// </summary>
public sealed class DeviceJobRestartSpec(ITestOutputHelper output)
{
    private const int Lines = 60;
    private const string Board = "sim-restart";

    [Fact]
    public async Task A_job_must_complete_with_every_line_once_when_the_master_is_killed_and_started_again()
    {
        await using var lab = await StartAsync();
        var id = await lab.SubmitAsync(BoardJobs.Smoke(Board, BoardJobs.Lines(Lines, 0.2)));
        await WaitForLineAsync(lab, id, 5);

        await lab.Master.Process.KillAsync();
        await lab.RestartMasterAsync();

        await AssertCompletedWithEveryLineOnceAsync(lab, id);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_job_must_complete_with_every_line_once_when_the_worker_restarts(bool kill)
    {
        await using var lab = await StartAsync();
        var id = await lab.SubmitAsync(BoardJobs.Smoke(Board, BoardJobs.Lines(Lines, 0.2)));
        await WaitForLineAsync(lab, id, 5);

        if (kill)
        {
            await lab.WorkerProcess.KillAsync();
        }
        else
        {
            lab.WorkerProcess.Terminate();
            Assert.Equal(0, await lab.WorkerProcess.WaitForExitAsync(LavaProcesses.Dilated(TimeSpan.FromSeconds(30))));
        }
        await lab.StartWorkerAsync();

        await AssertCompletedWithEveryLineOnceAsync(lab, id);
    }

    [Fact]
    public async Task A_killed_job_runner_must_end_its_job_Incomplete_and_its_device_must_pass_a_health_check_before_the_next_job()
    {
        await using var lab = await StartAsync(healthCheck: BoardJobs.Smoke(Board).Replace("job_name: smoke on", "job_name: health check of", StringComparison.Ordinal));
        var id = await lab.SubmitAsync(BoardJobs.Smoke(Board, BoardJobs.Lines(Lines, 0.2)));
        await WaitForLineAsync(lab, id, 3);

        lab.KillRunner(id);
        var job = await lab.WaitForEndAsync(id);
        Assert.Equal(("Incomplete", "Infrastructure"), (job.GetProperty("health").GetString(), job.GetProperty("error_type").GetString()));
        Assert.Contains("job runner died", job.GetProperty("failure_comment").GetString());

        var next = await lab.SubmitAsync(BoardJobs.Smoke(Board));
        var after = await lab.WaitForEndAsync(next);
        Assert.Equal("Complete", after.GetProperty("health").GetString());
        // The lab may have checked the new device once already; one check must come between the two jobs. The list
        // follows the journal a moment later, so it may not show the check's end yet.
        var killedEnd = job.GetProperty("end_time").GetDateTimeOffset();
        bool CheckedBetween(JsonElement c) =>
            c.GetProperty("health").GetString() == "Complete" && c.GetProperty("actual_device").GetString() == Board
            && c.GetProperty("start_time").GetDateTimeOffset() >= killedEnd
            && c.GetProperty("end_time").GetDateTimeOffset() <= after.GetProperty("start_time").GetDateTimeOffset();
        var until = DateTime.UtcNow + LavaProcesses.Dilated(TimeSpan.FromSeconds(10));
        List<JsonElement> checks;
        while (!(checks = [.. (await lab.JobsAsync()).Where(j => j.GetProperty("health_check").GetBoolean())]).Any(CheckedBetween) && DateTime.UtcNow < until)
        {
            await Task.Delay(100);
        }
        output.WriteLine(string.Join('\n', checks));
        Assert.Contains(checks, CheckedBetween);
        Assert.Equal("Good", await lab.DeviceHealthAsync(Board));
    }

    private static async Task<BoardLab> StartAsync(string? healthCheck = null)
    {
        var lab = await BoardLab.StartAsync([new SimulatedBoardOptions { Name = Board, AutobootSeconds = 1, BaudRate = 0 }], healthCheck);
        await lab.AddDeviceAsync(Board);
        return lab;
    }

    private static async Task WaitForLineAsync(BoardLab lab, long id, int line)
    {
        var text = $"line {line} of {Lines}";
        var until = DateTime.UtcNow + BoardLab.JobDeadline;
        while (!(await lab.LogAsync(id)).Any(r => BoardLab.Text(r.Msg).Contains(text, StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < until, $"job {id} never logged '{text}': {await lab.JobAsync(id)}\nworker:\n{lab.WorkerProcess.Output}");
            await Task.Delay(100);
        }
    }

    private async Task AssertCompletedWithEveryLineOnceAsync(BoardLab lab, long id)
    {
        var job = await lab.WaitForEndAsync(id);
        var log = await lab.LogAsync(id);
        output.WriteLine(job.ToString());
        foreach (var record in log) output.WriteLine($"{record.Dt:HH:mm:ss.fff} {record.Level}: {BoardLab.Text(record.Msg)}");
        output.WriteLine(lab.WorkerProcess.Output);
        Assert.True(job.GetProperty("health").GetString() == "Complete", $"job {id}: {job}");
        // The board echoes the command too; count the lines the loop printed, each a target line of its own.
        var printed = log.Where(r => r.Level == "target").Select(r => BoardLab.Text(r.Msg)).Where(t => t.StartsWith("line ", StringComparison.Ordinal)).ToList();
        Assert.Equal(Enumerable.Range(1, Lines).Select(i => $"line {i} of {Lines}"), printed);
        var tests = await lab.TestsAsync(id);
        Assert.Equal(BoardJobs.SmokeCases.Order(), tests.Where(t => t.Suite.EndsWith("_smoke", StringComparison.Ordinal)).Select(t => (t.Name, t.Result)).Order());
    }
}
