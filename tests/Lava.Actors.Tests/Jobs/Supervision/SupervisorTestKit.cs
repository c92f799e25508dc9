using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using Akka.TestKit;
using Lava.Actors.Jobs;
using Lava.Actors.Jobs.Logs;
using Lava.Actors.Jobs.Running;
using Lava.Actors.Jobs.Scheduling;
using Lava.Actors.Jobs.Supervision;
using Lava.Actors.Lab.Devices;
using Lava.Actors.Persistence;
using Lava.Actors.Wire;
using Microsoft.Data.Sqlite;
using Xunit;
using Xunit.Abstractions;

namespace Lava.Actors.Tests.Jobs.Supervision;

/// <summary>
/// Job supervisors on a real journal (a SQLite file of their own, or a PostgreSQL schema), so that stopping one and
/// starting another of the same id replays what was committed. The scheduler, the workers' agent, the shard region and
/// the shard (the parent that receives <see cref="Passivate"/>) are probes; logs go to a real <see cref="JobLogStore"/>.
/// </summary>
public abstract class SupervisorTestKit : Akka.TestKit.Xunit2.TestKit
{
    protected const string Device = "dut1";
    protected const string Worker = "w1";

    private readonly string _dir;

    protected SupervisorTestKit(LavaPersistenceOptions persistence, string dir, ITestOutputHelper output)
        : base(Configure(persistence), output: output)
    {
        _dir = dir;
        Devices = new LabDevices(dir);
        var types = Directory.CreateDirectory(Path.Combine(dir, "device-types")).FullName;
        File.WriteAllText(Path.Combine(types, "board.jinja2"), SupervisedJobs.BoardTemplate);
        Devices.Add(Device, SupervisedJobs.Dictionary, Worker);
        Scheduler = CreateTestProbe("scheduler");
        Agent = CreateTestProbe("agent");
        Region = CreateTestProbe("region");
        Shard = CreateTestProbe("shard");
        Agents.Agents[Worker] = Agent.Ref;
        Logs = new JobLogStore(Path.Combine(dir, "logs"));
        Services = new JobSupervisorServices(Logs, Results, Devices.Store, DeviceTemplates.ForLab(Path.Combine(dir, "devices"), types), Agents, TimeProvider.System);
    }

    protected TestProbe Scheduler { get; }
    protected TestProbe Agent { get; }
    protected TestProbe Region { get; }
    protected TestProbe Shard { get; }
    protected JobLogStore Logs { get; }
    protected RecordingResultsSink Results { get; } = new();
    protected LabDevices Devices { get; }
    protected ProbeAgents Agents { get; } = new();
    protected JobSupervisorServices Services { get; }

    protected JobSupervisorSettings Settings { get; set; } = new()
    {
        RunJobRetry = TimeSpan.FromMilliseconds(300),
        RunJobRetryMax = TimeSpan.FromMilliseconds(600),
        StopRetry = TimeSpan.FromMilliseconds(300),
        WorkerReportWindow = TimeSpan.FromSeconds(2),
        TimeoutGrace = TimeSpan.FromMilliseconds(500),
    };

    protected static string TempDirectory() => Directory.CreateTempSubdirectory("lava-supervisor-").FullName;

    protected static LavaPersistenceOptions Sqlite(string dir) =>
        new(PersistenceProvider.Sqlite, $"Data Source={Path.Combine(dir, "journal.db")}") { AutoInitialize = true };

    /// <summary>A supervisor of <paramref name="jobId"/>, child of the <see cref="Shard"/> probe as under sharding.</summary>
    protected IActorRef Start(long jobId)
    {
        var shard = Sys.ActorOf(Props.Create(() => new ShardStandIn(
            JobSupervisor.Props(jobId, Settings, Services, () => Scheduler.Ref, () => Region.Ref), Shard.Ref)));
        return shard.Ask<IActorRef>(ShardStandIn.GetEntity.Instance, RemainingOrDefault).GetAwaiter().GetResult();
    }

    /// <summary>Stops <paramref name="supervisor"/> as a master going down would, and starts the next incarnation.</summary>
    protected async Task<IActorRef> RestartAsync(IActorRef supervisor, long jobId)
    {
        Watch(supervisor);
        Sys.Stop(supervisor);
        await ExpectTerminatedAsync(supervisor);
        return Start(jobId);
    }

    protected async Task<IActorRef> SubmitAsync(long jobId, JobSpec? spec = null)
    {
        var supervisor = Start(jobId);
        spec ??= SupervisedJobs.Spec(jobId);
        supervisor.Tell(new SubmitJob(jobId, spec), TestActor);
        await ExpectMsgAsync(new JobAccepted(jobId));
        Assert.Equal(spec, (await Scheduler.ExpectMsgAsync<JobQueued>()).Spec);
        return supervisor;
    }

    /// <summary>Submitted, then assigned <see cref="Device"/>: returns the first <see cref="RunJob"/> the agent got.</summary>
    protected async Task<(IActorRef Supervisor, RunJob Run)> ScheduleAsync(long jobId, JobSpec? spec = null)
    {
        var supervisor = await SubmitAsync(jobId, spec);
        supervisor.Tell(new AssignDevice(jobId, Device, Worker), Scheduler);
        await Scheduler.ExpectMsgAsync(new AssignmentAccepted(jobId, Device));
        // An earlier job of the test left without a report sends its RunJob again meanwhile.
        return (supervisor, await Agent.FishForMessageAsync<RunJob>(r => r.JobId == jobId));
    }

    /// <summary>Scheduled, and the worker reported it running.</summary>
    protected async Task<IActorRef> RunAsync(long jobId, JobSpec? spec = null)
    {
        var (supervisor, _) = await ScheduleAsync(jobId, spec);
        supervisor.Tell(new JobRunReport(jobId, Device, Worker, Running: true, Ended: false), Agent);
        await AwaitStatusAsync(supervisor, s => s.State == JobState.Running);
        return supervisor;
    }

    protected async Task<JobStatus> StatusAsync(IActorRef supervisor) =>
        await supervisor.Ask<JobStatus>(new GetJobStatus(0), RemainingOrDefault);

    protected async Task<JobStatus> AwaitStatusAsync(IActorRef supervisor, Func<JobStatus, bool> condition)
    {
        JobStatus? last = null;
        await AwaitConditionAsync(async () => condition(last = await StatusAsync(supervisor)));
        return last!;
    }

    /// <summary>LAVA log lines <paramref name="first"/>..<paramref name="first"/>+<paramref name="count"/>-1, each naming its number.</summary>
    protected static IReadOnlyList<string> Lines(long first, int count) =>
        [.. Enumerable.Range(0, count).Select(i => LogLine.Format(LogRecord.Text(SupervisedJobs.Submitted, "info", $"line {first + i}")))];

    protected static IReadOnlyList<TestCaseResult> Cases(long first, int count) =>
        [.. Enumerable.Range(0, count).Select(i => new TestCaseResult("lava", $"case-{first + i}", "pass", null, null, null, null, SupervisedJobs.Submitted))];

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>
    /// Stands in for the shard: parent of one supervisor, it tells <c>passivations</c> of each <see cref="Passivate"/> and
    /// leaves the supervisor running, so that a spec can still ask it; it stops itself once the supervisor has.
    /// </summary>
    private sealed class ShardStandIn : ReceiveActor
    {
        public ShardStandIn(Props entity, IActorRef passivations)
        {
            var child = Context.Watch(Context.ActorOf(entity));
            Receive<GetEntity>(_ => Sender.Tell(child));
            Receive<Passivate>(p => passivations.Tell(p));
            Receive<Terminated>(_ => Context.Stop(Self));
        }

        public sealed record GetEntity
        {
            public static GetEntity Instance { get; } = new();
        }
    }

    private static Config Configure(LavaPersistenceOptions options)
    {
        LavaPersistence.PrepareStore(options);
        // The first write of a class creates the tables and warms linq2db up: seconds on a busy machine.
        return ConfigurationFactory.ParseString("akka.test.single-expect-default = 20s")
            .WithFallback(ConfigurationFactory.ParseString(LavaSerialization.Hocon + "\n" + LavaPersistence.Hocon(options)));
    }
}
