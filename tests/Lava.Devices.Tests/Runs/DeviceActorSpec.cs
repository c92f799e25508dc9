using System.Globalization;
using Akka.Actor;
using Lava.Actors.Jobs.Running;
using Lava.Devices.Actors;
using Lava.Devices.Runs;
using Xunit;

namespace Lava.Devices.Tests.Runs;

/// <summary>Device actors running shell-script job runners: streaming, resends, adoption after a restart, runner death and stops.</summary>
public sealed class DeviceActorSpec() : Akka.TestKit.Xunit2.TestKit(TestTime.AkkaConfig), IDisposable
{
    private readonly RunnerScripts _scripts = new();

    [Fact]
    public async Task A_job_must_stream_all_its_lines_and_results_and_end()
    {
        var devices = Sys.ActorOf(DeviceActors.Props(_scripts.Options("""
            lines 0 1300
            case_ boot 3
            case_ login 1200
            end_ pass "" ""
            """)));

        devices.Tell(RunnerScripts.Run(1), TestActor);

        var report = await ExpectMsgAsync<JobRunReport>();
        Assert.Equal((1L, RunnerScripts.DeviceName, RunnerScripts.Worker, true), (report.JobId, report.Device, report.Worker, report.Running));
        var stored = new StoredJob();
        var ended = await stored.CollectAsync(this, devices, 1);
        Assert.Equal(("pass", "", 1300L, 2L), (ended.Result, ended.ErrorType, ended.LogLines, ended.TestCases));
        stored.AssertLines(1300);
        Assert.Equal(("boot", 3L), (stored.Cases[0].Name, stored.Cases[0].LogLine!.Value));
        Assert.All(stored.LogChunks, c => Assert.InRange(c.Lines().Count, 1, 512));
        await AwaitAssertAsync(() => Assert.False(Directory.Exists(_scripts.Job(1).Path)), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Unacknowledged_data_must_be_sent_again_to_a_new_supervisor_without_loss_or_overlap()
    {
        var devices = Sys.ActorOf(DeviceActors.Props(_scripts.Options("""
            lines 0 1500
            case_ one 10
            end_ pass "" ""
            """, resend: TimeSpan.FromMinutes(5))));
        devices.Tell(RunnerScripts.Run(2), TestActor);
        await ExpectMsgAsync<JobRunReport>();
        // The first supervisor stores nothing and acknowledges nothing, up to the runner's end.
        await AwaitAssertAsync(() => Assert.True(File.Exists(Path.Combine(_scripts.Job(2).Path, "end.json"))), TimeSpan.FromSeconds(20));
        // The actor reads end.json on its next look at the spool.
        var watcher = CreateTestProbe("watcher");
        await AwaitAssertAsync(async () =>
        {
            devices.Tell(new QueryJob(2, RunnerScripts.DeviceName), watcher.Ref);
            Assert.True((await watcher.FishForMessageAsync<JobRunReport>(_ => true)).Ended);
        }, TimeSpan.FromSeconds(10));

        var second = CreateTestProbe("second-supervisor");
        devices.Tell(RunnerScripts.Run(2), second.Ref);

        var report = await second.ExpectMsgAsync<JobRunReport>();
        Assert.Equal((false, true), (report.Running, report.Ended));
        var stored = new StoredJob();
        var ended = await stored.CollectAsync(second, devices, 2);
        stored.AssertLines(1500);
        Assert.Equal((1500L, 1L), (ended.LogLines, ended.TestCases));
        // Chunks follow each other exactly: no gap, no line sent twice.
        var next = 0L;
        foreach (var chunk in stored.LogChunks)
        {
            Assert.Equal(next, chunk.FirstLine);
            next += chunk.Lines().Count;
        }
        Assert.Equal(1500L, next);
    }

    [Fact]
    public async Task A_supervisor_holding_fewer_lines_than_were_acknowledged_must_get_them_again()
    {
        var devices = Sys.ActorOf(DeviceActors.Props(_scripts.Options("""
            lines 0 1500
            case_ one 10
            end_ pass "" ""
            """, resend: TimeSpan.FromMinutes(5))));
        devices.Tell(RunnerScripts.Run(3), TestActor);
        await ExpectMsgAsync<JobRunReport>();
        // The first master stores and acknowledges everything, then dies before the end is acknowledged.
        var first = new StoredJob();
        await first.CollectAsync(this, devices, 3, answerEnd: false);

        // Another master's supervisor takes over with stores that hold none of it, asking only what happened.
        var second = CreateTestProbe("other-master");
        devices.Tell(new QueryJob(3, RunnerScripts.DeviceName), second.Ref);
        Assert.True((await second.ExpectMsgAsync<JobRunReport>()).Ended);
        var stored = new StoredJob();
        var ended = await stored.CollectAsync(second, devices, 3);
        stored.AssertLines(1500);
        Assert.Equal((1500L, 1L), (ended.LogLines, ended.TestCases));
        Assert.Single(stored.Cases);
    }

    [Fact]
    public async Task Lines_written_while_a_chunk_is_unacknowledged_must_wait_for_its_acknowledgement_and_go_as_one_chunk()
    {
        var devices = Sys.ActorOf(DeviceActors.Props(_scripts.Options("""
            line 0
            while [ ! -e more ]; do sleep 0.01; done
            lines 1 6
            while [ ! -e finish ]; do sleep 0.01; done
            end_ pass "" ""
            """, resend: TimeSpan.FromMinutes(5))));
        devices.Tell(RunnerScripts.Run(9), TestActor);
        await ExpectMsgAsync<JobRunReport>();
        Assert.Equal(0, (await ExpectMsgAsync<JobLogText>()).FirstLine);

        var job = _scripts.Job(9);
        await File.WriteAllTextAsync(Path.Combine(job.Path, "more"), "");
        await AwaitAssertAsync(() => Assert.Equal(6, File.ReadAllLines(job.OutputFile).Length), TimeSpan.FromSeconds(10));
        // The actor looks at the spool every 50 ms at most: it has seen the 5 new lines and holds them back.
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(500));
        devices.Tell(new JobProgressAck(9, 1, 0), TestActor);

        var chunk = await ExpectMsgAsync<JobLogText>();
        Assert.Equal((1L, 5), (chunk.FirstLine, chunk.Lines().Count));
        devices.Tell(new JobProgressAck(9, 6, 0), TestActor);
        await File.WriteAllTextAsync(Path.Combine(job.Path, "finish"), "");
        Assert.Equal(6, (await ExpectMsgAsync<JobRunEnded>(TimeSpan.FromSeconds(10))).LogLines);
        devices.Tell(new JobRunEndAck(9), TestActor);
    }

    [Fact]
    public async Task A_new_incarnation_must_adopt_a_running_runner_and_carry_on_from_the_acknowledged_line()
    {
        var options = _scripts.Options("""
            i=0
            while [ ! -e finish ]; do line $i; i=$((i+1)); sleep 0.01; done
            lines $i $((i+100))
            end_ pass "" ""
            """);
        var first = Sys.ActorOf(DeviceActors.Props(options));
        first.Tell(RunnerScripts.Run(3), TestActor);
        await ExpectMsgAsync<JobRunReport>();
        var stored = new StoredJob();
        // Store and acknowledge the first lines as the supervisor would, then lose the worker's actors.
        while (StoredJob.Prefix(stored.Lines) < 20)
        {
            var chunk = await ExpectMsgAsync<JobLogText>();
            var lines = chunk.Lines();
            for (var i = 0; i < lines.Count; i++) stored.Lines[chunk.FirstLine + i] = lines[i];
            first.Tell(new JobProgressAck(3, StoredJob.Prefix(stored.Lines), 0), TestActor);
        }
        Watch(first);
        Sys.Stop(first);
        await FishForMessageAsync(m => m is Terminated t && t.ActorRef.Equals(first), TimeSpan.FromSeconds(5));
        var pid = _scripts.Job(3).ReadPid()!.Value;
        Assert.NotNull(RunnerProcess.ReadStartTicks(pid.Pid));

        var second = Sys.ActorOf(DeviceActors.Props(options));
        var supervisor = CreateTestProbe("restarted-supervisor");
        second.Tell(new QueryJob(3, RunnerScripts.DeviceName), supervisor.Ref);
        var report = await supervisor.ExpectMsgAsync<JobRunReport>();
        Assert.True(report.Running);
        await File.WriteAllTextAsync(Path.Combine(_scripts.Job(3).Path, "finish"), "");

        var ended = await stored.CollectAsync(supervisor, second, 3);

        Assert.Equal("pass", ended.Result);
        stored.AssertLines((int)ended.LogLines);
        // At least the 20 lines stored before the restart, then the 100 written after "finish".
        Assert.InRange(ended.LogLines, 120, long.MaxValue);
    }

    [Fact]
    public async Task A_runner_killed_with_SIGKILL_must_end_the_job_with_an_infrastructure_error()
    {
        var devices = Sys.ActorOf(DeviceActors.Props(_scripts.Options("""
            line 0
            exec sleep 600
            """)));
        devices.Tell(RunnerScripts.Run(4), TestActor);
        await ExpectMsgAsync<JobRunReport>();
        await ExpectMsgAsync<JobLogText>(c => c.FirstLine == 0);

        var pid = _scripts.Job(4).ReadPid()!.Value.Pid;
        using (var kill = System.Diagnostics.Process.Start("kill", ["-9", pid.ToString(CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();

        var stored = new StoredJob();
        var ended = await stored.CollectAsync(this, devices, 4);
        Assert.Equal(("fail", "Infrastructure", "the job runner died (signal 9)"), (ended.Result, ended.ErrorType, ended.Errors));
        Assert.Contains("the job runner died (signal 9)", stored.Lines[ended.LogLines - 1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stop_must_SIGTERM_the_runner_which_ends_the_job_itself()
    {
        var powered = Path.Combine(_scripts.DataDir, "powered-off");
        var devices = Sys.ActorOf(DeviceActors.Props(_scripts.Options("""
            trap 'line stopped; end_ fail Canceled "stopped by the runner"; exit 0' TERM
            line 0
            while true; do sleep 0.05; done
            """)));
        devices.Tell(RunnerScripts.Run(5, $"commands:\n  power_off: touch {powered}\n"), TestActor);
        await ExpectMsgAsync<JobRunReport>();
        await ExpectMsgAsync<JobLogText>(c => c.FirstLine == 0);

        devices.Tell(new StopJob(5, RunnerScripts.DeviceName, "canceled by alice"), TestActor);

        var ended = await new StoredJob().CollectAsync(this, devices, 5);
        Assert.Equal(("fail", "Canceled", "stopped by the runner", 2L), (ended.Result, ended.ErrorType, ended.Errors, ended.LogLines));
        Assert.False(File.Exists(powered));
    }

    [Fact]
    public async Task Stop_must_SIGKILL_a_runner_ignoring_SIGTERM_and_power_the_device_off_itself()
    {
        var powered = Path.Combine(_scripts.DataDir, "powered-off");
        var devices = Sys.ActorOf(DeviceActors.Props(_scripts.Options("""
            trap '' TERM
            line 0
            while true; do sleep 0.05; done
            """)));
        devices.Tell(RunnerScripts.Run(6, $"commands:\n  power_off: [\"echo powering off\", \"touch {powered}\"]\n"), TestActor);
        await ExpectMsgAsync<JobRunReport>();
        await ExpectMsgAsync<JobLogText>(c => c.FirstLine == 0);
        var pid = _scripts.Job(6).ReadPid()!.Value.Pid;

        devices.Tell(new StopJob(6, RunnerScripts.DeviceName, "canceled by alice"), TestActor);

        var stored = new StoredJob();
        var ended = await stored.CollectAsync(this, devices, 6);
        Assert.Equal(("fail", "Canceled", "canceled by alice"), (ended.Result, ended.ErrorType, ended.Errors));
        Assert.True(File.Exists(powered));
        Assert.Null(ZombieOrAlive(pid));
        Assert.Contains(stored.Lines.Values, l => l.Contains("powering off", StringComparison.Ordinal));
        Assert.Contains("Job canceled: canceled by alice", stored.Lines[ended.LogLines - 1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_for_another_job_while_one_runs_must_be_refused()
    {
        var devices = Sys.ActorOf(DeviceActors.Props(_scripts.Options("""
            line 0
            exec sleep 600
            """)));
        devices.Tell(RunnerScripts.Run(7), TestActor);
        await ExpectMsgAsync<JobRunReport>(r => r.Running);

        devices.Tell(RunnerScripts.Run(8), TestActor);

        await FishForMessageAsync(m => m is JobRunReport { JobId: 8, Running: false, Ended: false }, TimeSpan.FromSeconds(5));
    }

    // A SIGKILLed child stays a zombie until .NET reaps it; either way it must not run on.
    private static string? ZombieOrAlive(int pid)
    {
        var stat = File.Exists($"/proc/{pid}/stat") ? File.ReadAllText($"/proc/{pid}/stat") : null;
        return stat is null || stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z') ? null : "alive";
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _scripts.Dispose();
    }
}
