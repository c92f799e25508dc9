using System.Diagnostics;
using System.Globalization;
using Lava.Devices.Runs;
using Xunit;

namespace Lava.Devices.Tests.Runs;

/// <summary>Job runner processes: their own session and group, runner.pid, group signals, and survival of their starter.</summary>
public sealed class RunnerProcessSpec : IDisposable
{
    private readonly RunnerScripts _scripts = new();

    [Fact]
    public async Task A_runner_must_lead_its_own_session_and_process_group_and_be_named_in_runner_pid()
    {
        var directory = _scripts.Job(1);
        directory.Prepare(new RunInfo(1, "qemu01", "w1", 60, null), "actions: []\n", "{}\n");

        using var runner = RunnerProcess.Start(["/bin/sh", "-c", "echo started; exec sleep 600", "runner"], directory);

        var (pid, ticks) = directory.ReadPid()!.Value;
        Assert.Equal((runner.Pid, runner.StartTicks), (pid, ticks));
        // The shell that redirects the runner's output execs setsid a moment after the start.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (GroupAndSession(pid) != (pid, pid) || !File.ReadAllText(directory.RunnerLog).Contains("started", StringComparison.Ordinal))
            await Task.Delay(5, deadline.Token);
        Assert.NotEqual(GroupAndSession(Environment.ProcessId).Session, pid);
        Assert.True(runner.IsAlive());

        runner.Signal(RunnerProcess.SigTerm);

        await runner.WaitForExitAsync(deadline.Token);
        Assert.Equal("signal 15", runner.ExitDescription());
    }

    [Fact]
    public async Task A_runner_must_survive_the_SIGKILL_of_the_process_that_started_it_and_be_adopted()
    {
        var directory = _scripts.Job(2);
        directory.Prepare(new RunInfo(2, "qemu01", "w1", 60, null), "actions: []\n", "{}\n");
        // A launcher starting the runner as the worker does (sh, exec setsid), then waiting as a worker would.
        using var launcher = Process.Start("/bin/sh", ["-c",
            "cd \"$1\" && (exec setsid sh -c 'echo $$ > runner.pid.tmp && mv runner.pid.tmp runner.pid && exec sleep 600' </dev/null >>runner.log 2>&1 &) ; exec sleep 600",
            "launcher", directory.Path]);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!File.Exists(directory.PidFile)) await Task.Delay(10, deadline.Token);
        var pid = int.Parse((await File.ReadAllTextAsync(directory.PidFile, deadline.Token)).Trim(), CultureInfo.InvariantCulture);
        directory.WritePid(pid, RunnerProcess.ReadStartTicks(pid)!.Value);

        launcher.Kill();
        await launcher.WaitForExitAsync(deadline.Token);

        var adopted = RunnerProcess.Adopt(directory)!;
        Assert.True(adopted.IsAlive());
        adopted.Signal(RunnerProcess.SigKill);
        while (adopted.IsAlive()) await Task.Delay(10, deadline.Token);
        Assert.Equal("exit status unknown", adopted.ExitDescription());
    }

    [Fact]
    public void A_pid_reused_by_another_process_must_not_count_as_the_runner()
    {
        var directory = _scripts.Job(3);
        directory.Prepare(new RunInfo(3, "qemu01", "w1", 60, null), "actions: []\n", "{}\n");
        directory.WritePid(Environment.ProcessId, RunnerProcess.ReadStartTicks(Environment.ProcessId)!.Value + 1);

        Assert.False(RunnerProcess.Adopt(directory)!.IsAlive());
    }

    private static (int Group, int Session) GroupAndSession(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (int.Parse(fields[2], CultureInfo.InvariantCulture), int.Parse(fields[3], CultureInfo.InvariantCulture));
    }

    public void Dispose() => _scripts.Dispose();
}
