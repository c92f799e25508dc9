using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Lava.Actors.Jobs;
using Lava.Actors.Jobs.Definition;
using Lava.Actors.Jobs.ReadModels;
using Lava.Actors.Jobs.Scheduling;
using Lava.Actors.Jobs.Supervision;
using Lava.Actors.Lab;
using Lava.Actors.Lab.Store;
using Lava.Actors.Persistence;
using Lava.Actors.Wire;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Lava.Actors.Tests.Jobs.Scheduling;

/// <summary>
/// A scheduler on a real lab store and a real journal (SQLite files of its own per test, or PostgreSQL), with a
/// stand-in for the job supervisors' shard region that accepts every assignment and reports what it got to
/// <see cref="Region"/>, and time that only the test moves.
/// </summary>
public abstract class SchedulerTestKit : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    protected static readonly DateTimeOffset Start = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    protected const string HealthCheckJob = """
        job_name: health check
        visibility: public
        timeouts:
          job: {minutes: 10}
        actions:
        - boot:
            method: qemu
            media: tmpfs
            timeout: {minutes: 2}
        """;

    private readonly LabDatabase _labDatabase;
    private readonly string? _directory;

    /// <param name="overrides">Configuration over the test kit's (a test journal plugin, say); none by default.</param>
    protected SchedulerTestKit(LabDatabase labDatabase, LavaPersistenceOptions journal, ITestOutputHelper output, string? directory = null, Config? overrides = null)
        : base(overrides is null ? Configure(journal) : overrides.WithFallback(Configure(journal)), output: output)
    {
        (_labDatabase, _directory) = (labDatabase, directory);
        Region = CreateTestProbe("region");
        RegionStandIn = Sys.ActorOf(Akka.Actor.Props.Create(() => new RegionStandInActor(Region.Ref, Refused)), "region");
        ActorRegistry.For(Sys).Register<JobSupervisorRegion>(RegionStandIn);
    }

    /// <summary>Everything the scheduler sends to the region arrives here, in order.</summary>
    protected Akka.TestKit.TestProbe Region { get; }

    protected IActorRef RegionStandIn { get; }

    /// <summary>Jobs whose supervisors refuse their assignment.</summary>
    protected ConcurrentDictionary<long, bool> Refused { get; } = new();

    protected LabStore Lab { get; private set; } = null!;

    protected FakeTimeProvider Time { get; } = new(Start);

    protected QueuedJobs Queued { get; } = new();

    protected JobIds Ids { get; } = new(1_000_000);

    protected SchedulerSettings Settings { get; set; } = new(TimeSpan.FromHours(1), 500);

    public async Task InitializeAsync() => Lab = await LabStore.OpenAsync(_labDatabase);

    public Task DisposeAsync() => Task.CompletedTask;

    protected IActorRef StartScheduler() => Sys.ActorOf(SchedulerSingleton.Props(Settings, Lab, Lab, Queued, Ids, Time));

    protected async Task StopAsync(IActorRef scheduler)
    {
        Watch(scheduler);
        scheduler.Tell(SchedulerSingleton.StopScheduling.Instance);
        await ExpectTerminatedAsync(scheduler);
    }

    protected async Task WorkerAsync(string name, WorkerState state = WorkerState.Online, WorkerHealth health = WorkerHealth.Active, int jobLimit = 0)
    {
        Assert.True(await Lab.TryAddAsync(new Worker(name, "", WorkerState.Offline, health, true, false, "", null, jobLimit)));
        await Lab.SetStateAsync(name, state, null);
    }

    protected async Task TypeAsync(string name, string healthCheck = "", int frequency = 24, HealthDenominator per = HealthDenominator.Hours, bool disabled = false) =>
        Assert.True(await Lab.TryAddDeviceTypeAsync(new DeviceType(name, healthCheck, frequency, per, disabled)));

    protected const string QemuDictionary = "{% extends 'qemu.jinja2' %}";

    protected Task DeviceAsync(string hostname, string type, string worker, DeviceHealth health = DeviceHealth.Good, params string[] tags) =>
        DeviceAsync(hostname, type, worker, QemuDictionary, health, tags);

    protected async Task DeviceAsync(string hostname, string type, string worker, string dictionary, DeviceHealth health = DeviceHealth.Good, params string[] tags)
    {
        Assert.True(await Lab.TryAddDeviceAsync(new Device(hostname, type, worker, "", dictionary, DeviceState.Idle, health)));
        foreach (var tag in tags) await Lab.AddDeviceTagAsync(hostname, tag);
    }

    protected static JobSpec Job(long id, string type = "qemu", int priority = 50, DateTimeOffset? submitted = null, string[]? tags = null,
        string? device = null, JobGroup? group = null, TimeSpan? queueTimeout = null) =>
        new(id, "alice", submitted ?? Start.AddSeconds(id), $"job {id}", type, tags ?? [], priority, JobVisibility.Public, false, device,
            "job_name: test\n", "job_name: test\n", group, TimeSpan.FromMinutes(30), queueTimeout, null);

    /// <summary>The next assignment the scheduler sends, skipping nothing: any other message first fails the test.</summary>
    protected async Task<AssignDevice> AssignedAsync() => await Region.ExpectMsgAsync<AssignDevice>(TimeSpan.FromSeconds(20));

    protected static DeviceReleased Released(AssignDevice a, JobHealth health = JobHealth.Complete, string errorType = "", bool healthCheck = false) =>
        new(a.JobId, a.Device, health, errorType, healthCheck);

    protected async Task<DeviceHealth> HealthAsync(string device) => (await Lab.FindDeviceAsync(device))!.Health;

    protected async Task AwaitHealthAsync(string device, DeviceHealth expected) =>
        await AwaitAssertAsync(async () => Assert.Equal(expected, await HealthAsync(device)), TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(50));

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (_directory is null) return;
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>A SQLite lab store and journal in a new temporary directory.</summary>
    protected static (LabDatabase Lab, LavaPersistenceOptions Journal, string Directory) SqliteStores()
    {
        var directory = Directory.CreateTempSubdirectory("lava-scheduler-").FullName;
        return (LabDatabase.Sqlite(Path.Combine(directory, "lava.db")),
            new LavaPersistenceOptions(PersistenceProvider.Sqlite, $"Data Source={Path.Combine(directory, "journal.db")}") { AutoInitialize = true },
            directory);
    }

    private static Config Configure(LavaPersistenceOptions journal)
    {
        LavaPersistence.PrepareStore(journal);
        return ConfigurationFactory.ParseString("""
                akka.test.single-expect-default = 20s
                akka.actor.serialize-messages = on
                """)
            .WithFallback(ConfigurationFactory.ParseString(LavaSerialization.Hocon + "\n" + LavaPersistence.Hocon(journal)));
    }

    /// <summary>The read models' queue as the scheduler finds it on start.</summary>
    protected sealed class QueuedJobs : IQueuedJobs
    {
        public List<JobSpec> Jobs { get; } = [];

        public Task<IReadOnlyList<long>> ListQueuedIdsAsync(CancellationToken cancellationToken = default)
        {
            lock (Jobs) return Task.FromResult<IReadOnlyList<long>>([.. Jobs.Select(j => j.Id)]);
        }

        public Task<IReadOnlyList<QueuedJob>> ListQueuedAsync(IReadOnlyCollection<long>? ids = null, CancellationToken cancellationToken = default)
        {
            lock (Jobs) return Task.FromResult<IReadOnlyList<QueuedJob>>([.. Jobs.Where(j => ids is null || ids.Contains(j.Id)).Select(QueuedJob.Of)]);
        }
    }

    /// <summary>Ids counted up from a start, as the lab store's allocator does.</summary>
    protected sealed class JobIds(long first) : IJobIds
    {
        private long _next = first;

        public Task<long> AllocateAsync(int count, CancellationToken cancellationToken = default) =>
            Task.FromResult(Interlocked.Add(ref _next, count) - count);
    }

    /// <summary>Stands for the shard region: tells <paramref name="observer"/> everything and answers as supervisors do.</summary>
    private sealed class RegionStandInActor : ReceiveActor
    {
        public RegionStandInActor(IActorRef observer, ConcurrentDictionary<long, bool> refused)
        {
            Receive<AssignDevice>(assign =>
            {
                observer.Forward(assign);
                Sender.Tell(refused.ContainsKey(assign.JobId)
                    ? new AssignmentRefused(assign.JobId, assign.Device, "finished")
                    : new AssignmentAccepted(assign.JobId, assign.Device));
            });
            Receive<SubmitJob>(submit =>
            {
                observer.Forward(submit);
                Sender.Tell(new JobAccepted(submit.JobId));
            });
            ReceiveAny(observer.Forward);
        }
    }
}
