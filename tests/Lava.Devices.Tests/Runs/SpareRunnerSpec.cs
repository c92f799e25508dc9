using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Lava.Actors.Jobs.Running;
using Lava.Devices.Actors;
using Lava.Devices.Pipeline;
using Lava.Devices.Runs;
using Xunit;

namespace Lava.Devices.Tests.Runs;

/// <summary>
/// Spare job runners: the worker's side (<see cref="SpareRunnerPool"/> in the device actors, with shell-script spares
/// that follow the hand-over protocol) and the runner's side (<see cref="SpareRunner"/>, <see cref="RunnerWarmUp"/>).
/// </summary>
public sealed class SpareRunnerSpec : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    // A runner script that, started with --spare DIR, says it is ready and waits for its job as the real one does.
    private const string Spare = """
        if [ "$1" = --spare ]; then
          trap : USR1
          echo $$ > "$2/ready.tmp" && mv "$2/ready.tmp" "$2/ready"
          while [ ! -s "$2/job" ]; do sleep 0.02; done
          job=$(cat "$2/job")
          rm -rf "$2"
          cd "$job"
        fi

        """;

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private readonly RunnerScripts _scripts = new();

    private string SparesRoot => SpareRunnerPool.Root(_scripts.DataDir);

    [Fact]
    public async Task A_job_handed_to_a_spare_must_run_in_it_and_stream_as_a_started_runner_does_and_a_new_spare_must_follow()
    {
        var devices = Sys.ActorOf(DeviceActors.Props(_scripts.Options(Spare + """
            echo $$ > pid-of-runner
            lines 0 300
            case_ boot 3
            end_ pass "" ""
            """) with { SpareRunners = 1 }));
        var first = await ReadySpareAsync();

        devices.Tell(RunnerScripts.Run(1), TestActor);

        Assert.True((await ExpectMsgAsync<JobRunReport>()).Running);
        var stored = new StoredJob();
        var ended = await stored.CollectAsync(this, devices, 1);
        Assert.Equal(("pass", 300L, 1L), (ended.Result, ended.LogLines, ended.TestCases));
        stored.AssertLines(300);
        var second = await ReadySpareAsync(except: first);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task A_handed_spare_must_be_named_in_the_jobs_runner_pid_with_its_start_time()
    {
        var devices = Sys.ActorOf(DeviceActors.Props(_scripts.Options(Spare + """
            echo $$ > pid-of-runner
            while [ ! -e finish ]; do sleep 0.02; done
            end_ pass "" ""
            """) with { SpareRunners = 1 }));
        var spare = await ReadySpareAsync();

        devices.Tell(RunnerScripts.Run(2), TestActor);

        await ExpectMsgAsync<JobRunReport>();
        var job = _scripts.Job(2);
        await AwaitAssertAsync(() => Assert.True(File.Exists(Path.Combine(job.Path, "pid-of-runner"))), Deadline);
        var ran = int.Parse(File.ReadAllText(Path.Combine(job.Path, "pid-of-runner")).Trim(), CultureInfo.InvariantCulture);
        Assert.Equal(spare, ran);
        Assert.Equal((spare, RunnerProcess.ReadStartTicks(spare)!.Value), job.ReadPid());
        File.WriteAllText(Path.Combine(job.Path, "finish"), "");
        Assert.Equal("pass", (await new StoredJob().CollectAsync(this, devices, 2)).Result);
    }

    [Fact]
    public async Task Stopping_the_device_actors_must_kill_the_unused_spares_and_remove_their_directories()
    {
        var devices = Sys.ActorOf(DeviceActors.Props(_scripts.Options(Spare + "end_ pass \"\" \"\"") with { SpareRunners = 2 }));
        await AwaitAssertAsync(() => Assert.Equal(2, ReadySpares().Count), Deadline);
        var pids = ReadySpares();

        await devices.GracefulStop(Deadline);

        await AwaitAssertAsync(() => Assert.All(pids, pid => Assert.Null(RunnerProcess.ReadStartTicks(pid))), Deadline);
        Assert.Empty(Directory.EnumerateDirectories(SparesRoot));
    }

    [Fact]
    public async Task A_worker_start_must_kill_the_spares_an_earlier_worker_left_waiting()
    {
        var options = _scripts.Options(Spare + "end_ pass \"\" \"\"");
        var directory = new JobDirectory(Path.Combine(SparesRoot, "left"));
        Directory.CreateDirectory(directory.Path);
        using var left = RunnerProcess.StartSpare(options.RunnerCommand, directory);
        await AwaitAssertAsync(() => Assert.True(File.Exists(Path.Combine(directory.Path, SpareRunner.ReadyFile))), Deadline);

        SpareRunnerPool.CleanUp(_scripts.DataDir);

        await AwaitAssertAsync(() => Assert.False(left.IsAlive()), Deadline);
        Assert.False(Directory.Exists(directory.Path));
    }

    [Fact]
    public async Task A_waiting_spare_must_return_the_job_it_is_handed_and_remove_its_directory()
    {
        var spare = Directory.CreateDirectory(Path.Combine(SparesRoot, "in-process")).FullName;
        var waiting = SpareRunner.WaitForJobAsync(spare, () => true, warmUp: null, CancellationToken.None);
        await AwaitAssertAsync(() => Assert.True(File.Exists(Path.Combine(spare, SpareRunner.ReadyFile))), Deadline);

        JobDirectory.WriteAtomic(Path.Combine(spare, SpareRunner.JobFile), "/some/job\n");

        Assert.Equal("/some/job", await waiting.WaitAsync(Deadline));
        // Removed beside the job, which does not wait for it.
        await AwaitAssertAsync(() => Assert.False(Directory.Exists(spare)), Deadline);
    }

    [Fact]
    public async Task A_waiting_spare_whose_worker_is_gone_must_give_up_and_remove_its_directory()
    {
        var spare = Directory.CreateDirectory(Path.Combine(SparesRoot, "orphan")).FullName;
        var workerAlive = true;
        var waiting = SpareRunner.WaitForJobAsync(spare, () => Volatile.Read(ref workerAlive), warmUp: null, CancellationToken.None);
        await AwaitAssertAsync(() => Assert.True(File.Exists(Path.Combine(spare, SpareRunner.ReadyFile))), Deadline);

        Volatile.Write(ref workerAlive, false);

        Assert.Null(await waiting.WaitAsync(Deadline));
        Assert.False(Directory.Exists(spare));
    }

    [Fact]
    public async Task A_spare_stopped_before_its_job_must_give_up()
    {
        var spare = Directory.CreateDirectory(Path.Combine(SparesRoot, "stopped")).FullName;
        using var stop = new CancellationTokenSource();
        var waiting = SpareRunner.WaitForJobAsync(spare, () => true, warmUp: null, stop.Token);
        await AwaitAssertAsync(() => Assert.True(File.Exists(Path.Combine(spare, SpareRunner.ReadyFile))), Deadline);

        await stop.CancelAsync();

        Assert.Null(await waiting.WaitAsync(Deadline));
    }

    [Fact]
    public async Task A_spare_nudged_while_warming_up_must_take_its_job_without_waiting_for_the_warm_up()
    {
        var spare = Directory.CreateDirectory(Path.Combine(SparesRoot, "warming")).FullName;
        var warmUpEnds = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var warmUp = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        // A warm-up that ends only when told to, canceled or not.
        var waiting = SpareRunner.WaitForJobAsync(spare, () => true, ct =>
        {
            warmUp.SetResult(ct);
            return warmUpEnds.Task;
        }, CancellationToken.None);
        var warming = await warmUp.Task.WaitAsync(Deadline);
        Assert.True(File.Exists(Path.Combine(spare, SpareRunner.ListeningFile)));
        Assert.False(File.Exists(Path.Combine(spare, SpareRunner.ReadyFile)));

        // What the worker does: the job's path, then SIGUSR1.
        JobDirectory.WriteAtomic(Path.Combine(spare, SpareRunner.JobFile), "/warming/job\n");
        using (var kill = System.Diagnostics.Process.Start("kill", ["-USR1", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();

        Assert.Equal("/warming/job", await waiting.WaitAsync(Deadline));
        Assert.True(warming.IsCancellationRequested, "the warm-up was not told to stop");
        Assert.False(warmUpEnds.Task.IsCompleted);
        warmUpEnds.SetResult();
    }

    [Fact]
    public async Task The_warm_up_job_must_pass_on_its_own_simulated_board_and_leave_nothing_behind()
    {
        var directory = Path.Combine(_scripts.DataDir, "warm-up");

        Assert.True(await RunnerWarmUp.RunAsync(directory, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.False(Directory.Exists(directory));
    }

    /// <summary>The pid of a spare that is ready (other than <paramref name="except"/>), once there is one.</summary>
    private async Task<int> ReadySpareAsync(int except = 0)
    {
        var found = 0;
        await AwaitAssertAsync(() =>
        {
            found = ReadySpares().FirstOrDefault(p => p != except);
            Assert.NotEqual(0, found);
        }, Deadline);
        return found;
    }

    private List<int> ReadySpares() => !Directory.Exists(SparesRoot) ? [] :
    [
        .. Directory.EnumerateDirectories(SparesRoot)
            .Select(d => Path.Combine(d, SpareRunner.ReadyFile))
            .Where(File.Exists)
            .Select(f => int.TryParse(File.ReadAllText(f).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0)
            .Where(p => p != 0),
    ];

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // Leave no spare behind.
            foreach (var pid in Directory.Exists(SparesRoot) ? Directory.EnumerateDirectories(SparesRoot).Select(d => new JobDirectory(d).ReadPid()?.Pid ?? 0).Where(p => p != 0) : [])
                using (Process.Start("kill", ["-9", "--", $"-{pid}"])) { }
            _scripts.Dispose();
        }
        base.Dispose(disposing);
    }
}
