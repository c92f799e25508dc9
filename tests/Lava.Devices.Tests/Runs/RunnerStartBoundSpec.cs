using System.Globalization;
using Akka.Actor;
using Akka.TestKit;
using Lava.Actors.Jobs.Running;
using Lava.Devices.Actors;
using Xunit;

namespace Lava.Devices.Tests.Runs;

/// <summary>
/// <see cref="DeviceActorOptions.MaxStartingRunners"/>: more jobs than the bound handed over at once start at most the
/// bound of runners together, the others wait in their log, all of them run, and a waiting job canceled never starts.
/// </summary>
public sealed class RunnerStartBoundSpec() : Akka.TestKit.Xunit2.TestKit(TestTime.AkkaConfig)
{
    private const int Bound = 2;
    private const int Jobs = 6;

    // Each runner notes its start and the moment before its first line in the worker's data directory, and writes
    // nothing until the test lets it ("go").
    private const string Runner = """
        job=$(basename "$PWD")
        echo "start $job" >> ../../events
        while [ ! -e ../../go ]; do sleep 0.01; done
        echo "up $job" >> ../../events
        lines 0 20
        end_ pass "" ""
        """;

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly RunnerScripts _scripts = new();

    private string Events => Path.Combine(_scripts.DataDir, "events");

    [Fact]
    public async Task More_jobs_than_the_bound_must_start_at_most_the_bound_at_once_and_all_run_but_a_canceled_waiting_one()
    {
        var devices = Sys.ActorOf(DeviceActors.Props(_scripts.Options(Runner) with { MaxStartingRunners = Bound }));
        var supervisors = Enumerable.Range(1, Jobs).ToDictionary(job => (long)job, job => CreateTestProbe($"supervisor-{job}"));
        foreach (var (job, supervisor) in supervisors) devices.Tell(RunnerScripts.Run(job) with { Device = Device(job) }, supervisor.Ref);
        foreach (var supervisor in supervisors.Values) Assert.True((await supervisor.ExpectMsgAsync<JobRunReport>()).Running);

        // The bound's runners started and hold their turns (no line yet): every other job says in its log that it waits.
        await AwaitAssertAsync(() => Assert.Equal(Bound, ReadEvents().Count(e => e.Kind == "start")), Deadline);
        var started = ReadEvents().Select(e => e.Job).ToHashSet();
        var waiting = supervisors.Keys.Where(job => !started.Contains(job)).ToList();
        foreach (var job in waiting)
        {
            var line = await supervisors[job].ExpectMsgAsync<JobLogText>(Deadline);
            Assert.Contains("Waiting for a job runner", Assert.Single(line.Lines()), StringComparison.Ordinal);
        }
        Assert.Equal(Bound, ReadEvents().Count);

        var canceled = waiting[^1];
        devices.Tell(new StopJob(canceled, Device(canceled), "canceled by alice"), supervisors[canceled].Ref);
        var stored = new StoredJob();
        var end = await stored.CollectAsync(supervisors[canceled], devices, canceled);
        Assert.Equal(("fail", "Canceled"), (end.Result, end.ErrorType));
        Assert.Contains(stored.Lines.Values, l => l.Contains("Job canceled before its job runner started", StringComparison.Ordinal));

        await File.WriteAllTextAsync(Path.Combine(_scripts.DataDir, "go"), "");
        var ends = await Task.WhenAll(supervisors.Where(s => s.Key != canceled).Select(s => new StoredJob().CollectAsync(s.Value, devices, s.Key, within: Deadline)));
        Assert.All(ends, e => Assert.Equal(("pass", ""), (e.Result, e.ErrorType)));

        var events = ReadEvents();
        Assert.Equal(Jobs - 1, events.Count(e => e.Kind == "start"));
        Assert.DoesNotContain(events, e => e.Job == canceled);
        // Replayed in order: never more runners between their start and their first line than the bound.
        var starting = 0;
        foreach (var (kind, _) in events)
        {
            starting += kind == "start" ? 1 : -1;
            Assert.InRange(starting, 0, Bound);
        }
    }

    [Fact]
    public async Task A_job_waiting_for_its_turn_when_the_worker_stops_must_start_once_under_the_new_incarnation()
    {
        var options = _scripts.Options(Runner) with { MaxStartingRunners = 1 };
        var first = Sys.ActorOf(DeviceActors.Props(options));
        foreach (var job in new long[] { 1, 2 }) first.Tell(RunnerScripts.Run(job) with { Device = Device(job) }, TestActor);
        await ExpectMsgAsync<JobRunReport>();
        await ExpectMsgAsync<JobRunReport>();
        await AwaitAssertAsync(() => Assert.Equal("start", Assert.Single(ReadEvents()).Kind), Deadline);
        var started = ReadEvents()[0].Job;
        var waiting = await ExpectMsgAsync<JobLogText>(Deadline);
        Assert.Equal(3 - started, waiting.JobId);
        Assert.Contains("Waiting for a job runner", Assert.Single(waiting.Lines()), StringComparison.Ordinal);
        Watch(first);
        Sys.Stop(first);
        await FishForMessageAsync(m => m is Terminated t && t.ActorRef.Equals(first), Deadline);

        // The started job's runner lives on and is adopted; the waiting one, which had no runner yet, starts one now.
        var second = Sys.ActorOf(DeviceActors.Props(options));
        var supervisors = new Dictionary<long, TestProbe> { [1] = CreateTestProbe("supervisor-1"), [2] = CreateTestProbe("supervisor-2") };
        foreach (var (job, supervisor) in supervisors)
        {
            second.Tell(new QueryJob(job, Device(job)), supervisor.Ref);
            Assert.True((await supervisor.ExpectMsgAsync<JobRunReport>()).Running);
        }
        await AwaitAssertAsync(() => Assert.Equal(2, ReadEvents().Count(e => e.Kind == "start")), Deadline);
        await File.WriteAllTextAsync(Path.Combine(_scripts.DataDir, "go"), "");
        var ends = await Task.WhenAll(supervisors.Select(s => new StoredJob().CollectAsync(s.Value, second, s.Key, within: Deadline)));
        Assert.All(ends, e => Assert.Equal(("pass", ""), (e.Result, e.ErrorType)));
        Assert.Equal([("start", started), ("start", 3 - started)], ReadEvents().Where(e => e.Kind == "start"));
    }

    private static string Device(long job) => string.Create(CultureInfo.InvariantCulture, $"board-{job:D2}");

    private List<(string Kind, long Job)> ReadEvents() =>
        File.Exists(Events)
            ? [.. File.ReadAllLines(Events).Select(l => l.Split(' ')).Select(p => (p[0], long.Parse(p[1], CultureInfo.InvariantCulture)))]
            : [];

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _scripts.Dispose();
    }
}
