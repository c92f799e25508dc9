using Akka.Actor;
using Lava.Actors.Jobs;
using Lava.Actors.Lab;
using Lava.Actors.Lab.Store;
using Lava.Actors.Persistence;
using Lava.Actors.Tests.Lab;
using Lava.Actors.Tests.Persistence;
using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace Lava.Actors.Tests.Jobs.Scheduling;

/// <summary>The scheduler on the PostgreSQL lab store and journal (a database of its own, made from LAVA_TEST_POSTGRES).</summary>
public sealed class PostgreSqlSchedulerSpec : SchedulerTestKit
{
    private readonly string? _database;

    public PostgreSqlSchedulerSpec(ITestOutputHelper output)
        : this(NewDatabase(), output)
    {
    }

    private PostgreSqlSchedulerSpec(string? database, ITestOutputHelper output)
        : base(
            LabDatabase.PostgreSql(Connection(database)),
            new LavaPersistenceOptions(PersistenceProvider.PostgreSql, Connection(database)) { SchemaName = "journal", AutoInitialize = true },
            output) => _database = database;

    [PostgresFact]
    public async Task Bookings_health_and_recovery_must_work_on_postgresql()
    {
        await TypeAsync("qemu", HealthCheckJob);
        await WorkerAsync("w1");
        await DeviceAsync("qemu-01", "qemu", "w1", DeviceHealth.Unknown);
        Queued.Jobs.Add(Job(1));
        var scheduler = StartScheduler();
        await Region.ExpectMsgAsync<Lava.Actors.Jobs.Supervision.SubmitJob>();
        scheduler.Tell(Released(await AssignedAsync(), JobHealth.Complete, healthCheck: true));
        Assert.Equal(1L, (await AssignedAsync()).JobId);
        Assert.Equal(DeviceHealth.Good, await HealthAsync("qemu-01"));
        await StopAsync(scheduler);

        var restarted = StartScheduler();
        var again = await AssignedAsync();
        Assert.Equal((1L, "qemu-01"), (again.JobId, again.Device));
        restarted.Tell(new Lava.Actors.Jobs.Scheduling.JobQueued(Job(2)));
        restarted.Tell(Released(again));
        Assert.Equal(2L, (await AssignedAsync()).JobId);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (_database is null || PostgresTestDatabase.ServerConnectionString is not { } server) return;
        NpgsqlConnection.ClearAllPools();
        using var connection = new NpgsqlConnection(server);
        connection.Open();
        using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", connection);
        drop.ExecuteNonQuery();
    }

    private static string Connection(string? database) => database is null || PostgresTestDatabase.ServerConnectionString is not { } server
        ? "Host=127.0.0.1;Database=unset"
        : new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;

    /// <summary>A new database when a server is configured; null when the spec is skipped.</summary>
    private static string? NewDatabase()
    {
        if (PostgresTestDatabase.ServerConnectionString is not { } server) return null;
        var name = $"lava_scheduler_{Guid.NewGuid():N}";
        using var connection = new NpgsqlConnection(server);
        connection.Open();
        using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        create.ExecuteNonQuery();
        return name;
    }
}
