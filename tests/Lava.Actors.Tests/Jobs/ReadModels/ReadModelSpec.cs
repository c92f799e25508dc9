using System.Data.Common;
using Akka.Actor;
using Akka.Configuration;
using Dapper;
using Lava.Actors.Jobs;
using Lava.Actors.Jobs.Definition;
using Lava.Actors.Jobs.ReadModels;
using Lava.Actors.Jobs.Supervision;
using Lava.Actors.Lab;
using Lava.Actors.Lab.Store;
using Lava.Actors.Persistence;
using Lava.Actors.Wire;
using Xunit;
using Xunit.Abstractions;

namespace Lava.Actors.Tests.Jobs.ReadModels;

/// <summary>
/// The job read models on one engine: the journal and the lab tables in one database, as the master has them. The
/// specs of an engine derive from this and run each body.
/// </summary>
public abstract partial class ReadModelSpec(LabDatabase database, LavaPersistenceOptions journal, ITestOutputHelper output, string extraConfig = "")
    : Akka.TestKit.Xunit2.TestKit(Configure(journal, extraConfig), output: output)
{
    protected static readonly DateTimeOffset Start = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    // Fast restarts so the outage spec's catch-up happens within its deadline.
    protected static readonly JobProjectionSettings Settings = JobProjectionSettings.Default with { MinBackoff = TimeSpan.FromMilliseconds(200), MaxBackoff = TimeSpan.FromSeconds(1) };

    private LabStore? _store;

    protected LabDatabase Database { get; } = database;

    protected JobReadModel ReadModel => new(Database);

    protected async Task<LabStore> StoreAsync() => _store ??= await LabStore.OpenAsync(Database);

    protected static JobSpec Spec(long id, string submitter = "alice", JobVisibility? visibility = null, string deviceType = "qemu", int minutes = 0) => new(
        id,
        submitter,
        Start.AddMinutes(minutes == 0 ? id : minutes),
        $"job {id}",
        deviceType,
        ["x86"],
        50,
        visibility ?? JobVisibility.Public,
        false,
        null,
        "job_name: job\nmetadata:\n  source: https://example.org/lava\n  build: '42'\n",
        "job_name: job\n",
        null,
        TimeSpan.FromMinutes(30),
        null,
        null);

    protected async Task PersistAsync(params JobEvent[] events)
    {
        foreach (var group in events.GroupBy(e => e.JobId))
        {
            var log = Sys.ActorOf(JobEventLog.Props(group.Key));
            foreach (var e in group)
            {
                log.Tell(e, TestActor);
                await ExpectMsgAsync<JobEventLog.Persisted>();
            }

            Watch(log);
            Sys.Stop(log);
            await ExpectTerminatedAsync(log);
        }
    }

    protected async Task AddDeviceAsync(string hostname)
    {
        var store = await StoreAsync();
        await store.TryAddAsync(new Worker("w1", "", WorkerState.Online, WorkerHealth.Active, true, false, "", null, 1));
        await store.TryAddDeviceTypeAsync(DeviceType.Default("qemu"));
        Assert.True(await store.TryAddDeviceAsync(new Device(hostname, "qemu", "w1", "", "", DeviceState.Idle, DeviceHealth.Good)));
    }

    protected async Task<IActorRef> StartProjectionAsync(JobProjectionSettings? settings = null)
    {
        await StoreAsync(); // the tables exist before the projection writes them
        return Sys.ActorOf(JobsProjection.Props(Database, settings ?? Settings));
    }

    protected async Task StopAsync(IActorRef actor)
    {
        Watch(actor);
        Sys.Stop(actor);
        await ExpectTerminatedAsync(actor);
    }

    protected Task AwaitJobAsync(long id, Func<JobRow, bool> condition) =>
        AwaitAssertAsync(
            async () =>
            {
                var row = await ReadModel.FindAsync(id, new Viewer(null, true, []));
                Assert.True(row is not null && condition(row), $"job {id} is {row?.State}/{row?.Health}");
            },
            TimeSpan.FromSeconds(30),
            TimeSpan.FromMilliseconds(100));

    protected async Task<long> StoredOffsetAsync()
    {
        await using var connection = await Database.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long?>("SELECT last_ordering FROM projection_offsets WHERE name = 'jobs'") ?? 0;
    }

    protected async Task<string> DumpJobsAsync()
    {
        await using var connection = await Database.OpenConnectionAsync();
        var rows = await connection.QueryAsync(
            "SELECT id, display_id, submitter, device, worker, state, health, start_time, end_time, error_type, failure_comment, tags, visibility, spec FROM jobs ORDER BY id");
        var groups = await connection.QueryAsync("SELECT job_id, group_name FROM job_viewing_groups ORDER BY job_id, group_name");
        return string.Join("\n", rows.Select(r => string.Join("|", ((IDictionary<string, object?>)r).Values)))
            + "\n" + string.Join("\n", groups.Select(r => string.Join("|", ((IDictionary<string, object?>)r).Values)));
    }

    protected async Task ExecuteAsync(string sql)
    {
        await using DbConnection connection = await Database.OpenConnectionAsync();
        await connection.ExecuteAsync(sql);
    }

    private static Config Configure(LavaPersistenceOptions options, string extraConfig)
    {
        LavaPersistence.PrepareStore(options);
        return ConfigurationFactory.ParseString(extraConfig + "\nakka.test.single-expect-default = 20s")
            .WithFallback(ConfigurationFactory.ParseString(LavaSerialization.Hocon + "\n" + LavaPersistence.Hocon(options)));
    }
}
