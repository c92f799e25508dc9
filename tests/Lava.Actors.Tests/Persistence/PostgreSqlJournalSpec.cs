using Lava.Actors.Persistence;
using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace Lava.Actors.Tests.Persistence;

/// <summary>The journal on PostgreSQL: a database for the class, a schema of its own per test.</summary>
public sealed class PostgreSqlJournalSpec : JournalSpec, IClassFixture<PostgresTestDatabase>
{
    private readonly PostgresTestDatabase _database;
    private readonly string _schema;

    public PostgreSqlJournalSpec(PostgresTestDatabase database, ITestOutputHelper output)
        : base(NewStore(database, out var schema), output) => (_database, _schema) = (database, schema);

    [PostgresFact]
    public Task Recovery() => A_new_incarnation_must_recover_exactly_the_committed_events_in_order();

    [PostgresFact]
    public Task Snapshots() => A_snapshot_must_round_trip_and_recovery_replay_only_the_events_after_it();

    [PostgresFact]
    public Task EventsByTag() => CurrentEventsByTag_must_return_the_tagged_events_of_every_id_in_write_order();

    [PostgresFact]
    public Task StoredJson() => The_stored_payload_must_be_the_events_json_under_its_manifest();

    protected override async Task<IReadOnlyList<JournalRow>> ReadRowsAsync(string persistenceId)
    {
        await using var connection = await _database.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT sequence_nr, manifest, serializer_id, convert_from(payload, 'UTF8'), tags FROM \"{_schema}\".event_journal WHERE persistence_id = $1 ORDER BY sequence_nr",
            connection);
        command.Parameters.Add(new NpgsqlParameter { Value = persistenceId });
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<JournalRow>();
        while (await reader.ReadAsync())
        {
            rows.Add(new JournalRow(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
        }
        return rows;
    }

    private static LavaPersistenceOptions NewStore(PostgresTestDatabase database, out string schema)
    {
        schema = $"journal_{Guid.NewGuid():N}";
        return new LavaPersistenceOptions(PersistenceProvider.PostgreSql, database.ConnectionString) { SchemaName = schema, AutoInitialize = true };
    }
}
