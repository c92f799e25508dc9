using Lava.Actors.Jobs;
using Lava.Actors.Jobs.Running;
using Lava.Actors.Jobs.Scheduling;
using Lava.Actors.Persistence;
using Lava.Actors.Tests.Persistence;
using Xunit;
using Xunit.Abstractions;

namespace Lava.Actors.Tests.Jobs.Supervision;

/// <summary>A job's supervisor on the PostgreSQL journal: a database for the class, a schema of its own per test.</summary>
public sealed class PostgreSqlJobSupervisorSpec : SupervisorTestKit, IClassFixture<PostgresTestDatabase>
{
    public PostgreSqlJobSupervisorSpec(PostgresTestDatabase database, ITestOutputHelper output) : this(database, TempDirectory(), output) { }

    private PostgreSqlJobSupervisorSpec(PostgresTestDatabase database, string dir, ITestOutputHelper output)
        : base(new LavaPersistenceOptions(PersistenceProvider.PostgreSql, database.ConnectionString) { SchemaName = $"jobs_{Guid.NewGuid():N}", AutoInitialize = true }, dir, output) { }

    [PostgresFact]
    public async Task A_restarted_supervisor_replays_the_job_and_its_worker_streams_on_to_the_end()
    {
        var supervisor = await RunAsync(1);
        supervisor.Tell(new JobLogChunk(1, 0, Lines(0, 3)), Agent);
        await Agent.ExpectMsgAsync(new JobProgressAck(1, 3, 0));

        supervisor = await RestartAsync(supervisor, 1);
        await Agent.ExpectMsgAsync<QueryJob>();
        Agent.Reply(new JobRunReport(1, Device, Worker, Running: true, Ended: false));
        Assert.Equal(3, (await Agent.FishForMessageAsync<RunJob>(m => m is RunJob)).NextLogLine);
        supervisor.Tell(new JobRunEnded(1, Device, "pass", "", "", 3, 0), Agent);

        await Agent.FishForMessageAsync(m => m is JobRunEndAck);
        Assert.Equal(JobHealth.Complete, (await Scheduler.ExpectMsgAsync<DeviceReleased>()).Health);
        Assert.Equal(Lines(0, 3), await Logs.ReadAsync(1, 0, null));
    }
}
