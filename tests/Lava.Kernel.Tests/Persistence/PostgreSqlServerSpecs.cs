using Lava.Kernel.Persistence;
using Lava.Kernel.Persistence.PostgreSql;
using Npgsql;
using Xunit;

namespace Lava.Kernel.Tests.Persistence;

/// <summary>Tests that stop the shared server run alone, after every parallel test class.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PostgresServerCollection
{
    public const string Name = "PostgreSQL server restarts";
}

[Collection(PostgresServerCollection.Name)]
public sealed class PostgreSqlServerSpec(PostgresSchemaFixture schema) : IClassFixture<PostgresSchemaFixture>
{
    [PostgresFact(NeedsServerControl = true)]
    public async Task PostgreSqlJournal_must_fail_clearly_while_the_server_is_down_and_recover_after_it_is_back()
    {
        var server = PostgresTestEnvironment.RequireServerControl();
        var builder = new NpgsqlConnectionStringBuilder(server.ConnectionString);
        var endpoint = $"{builder.Host}:{builder.Port}";
        var pid = $"pid-{Guid.NewGuid():N}";
        await using var journal = new PostgreSqlJournal(schema.Settings, TestEvents.Registry());
        await using var snapshots = new PostgreSqlSnapshotStore(schema.Settings, TestEvents.Registry());
        await WriteAsync(journal, pid, 1);
        Assert.Equal(1, await journal.ReadHighestSequenceNrAsync(pid));
        await snapshots.SaveAsync(new SnapshotMetadata(pid, 1, default), new CounterState(1, "before"));

        // A restart while idle breaks every pooled connection: none of them may be handed out afterwards.
        await server.StopAsync();
        await server.StartAsync();
        await WriteAsync(journal, pid, 2);
        Assert.Equal(2, await journal.ReadHighestSequenceNrAsync(pid));
        Assert.NotNull(await snapshots.LoadAsync(pid, SnapshotSelectionCriteria.Latest));

        await server.StopAsync();
        try
        {
            var write = await Assert.ThrowsAsync<PersistenceStoreUnavailableException>(() => journal.WriteAsync([Event(pid, 3)]));
            var read = await Assert.ThrowsAsync<PersistenceStoreUnavailableException>(() => journal.ReadHighestSequenceNrAsync(pid));
            var load = await Assert.ThrowsAsync<PersistenceStoreUnavailableException>(() => snapshots.LoadAsync(pid, SnapshotSelectionCriteria.Latest));
            Assert.All([write, read, load], e => Assert.Contains(endpoint, e.Message, StringComparison.Ordinal));
        }
        finally
        {
            await server.StartAsync();
        }

        await WriteAsync(journal, pid, 3);
        var replayed = new List<long>();
        await journal.ReplayAsync(pid, 1, long.MaxValue, long.MaxValue, r => { replayed.Add(r.SequenceNr); return ValueTask.CompletedTask; });
        Assert.Equal([1L, 2, 3], replayed);
        Assert.Equal(1, (await snapshots.LoadAsync(pid, SnapshotSelectionCriteria.Latest))?.Metadata.SequenceNr);
    }

    private static AtomicWrite Event(string pid, long sequenceNr) => new(new PersistentRepr(pid, sequenceNr, new Counted((int)sequenceNr)));

    private static async Task WriteAsync(IJournal journal, string pid, long sequenceNr)
    {
        var result = Assert.Single(await journal.WriteAsync([Event(pid, sequenceNr)]));
        Assert.True(result.IsWritten, $"writing {pid} #{sequenceNr} failed with {result.Error}");
    }
}

public sealed class PostgreSqlMigrationSpec
{
    [PostgresFact]
    public async Task PostgreSql_stores_must_migrate_the_schema_once_when_started_together()
    {
        var schema = $"lava_test_{Guid.NewGuid():N}"[..22];
        var settings = new PersistenceStorageSettings(PostgresTestEnvironment.RequireConnectionString()) { SchemaName = schema, AutoInitialize = true };
        var journals = Enumerable.Range(0, 4).Select(_ => new PostgreSqlJournal(settings, TestEvents.Registry())).ToList();
        var snapshots = new PostgreSqlSnapshotStore(settings, TestEvents.Registry());
        try
        {
            await Task.WhenAll(
                journals.Select(j => (Task)j.ReadHighestSequenceNrAsync("pid"))
                    .Append(snapshots.LoadAsync("pid", SnapshotSelectionCriteria.Latest)));

            await using var connection = await PostgresTestEnvironment.OpenAsync();
            await using var command = new NpgsqlCommand($"SELECT count(*) FROM \"{schema}\".schema_migrations", connection);
            Assert.Equal(1L, await command.ExecuteScalarAsync());
        }
        finally
        {
            foreach (var journal in journals)
            {
                await journal.DisposeAsync();
            }
            await snapshots.DisposeAsync();
            await PostgresTestEnvironment.ExecuteAsync($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
        }
    }
}
