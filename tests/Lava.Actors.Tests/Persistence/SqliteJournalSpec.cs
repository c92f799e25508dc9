using Lava.Actors.Persistence;
using Microsoft.Data.Sqlite;
using Xunit;
using Xunit.Abstractions;

namespace Lava.Actors.Tests.Persistence;

/// <summary>The journal on a SQLite file of its own per test, in a temporary directory.</summary>
public sealed class SqliteJournalSpec : JournalSpec
{
    private readonly string _path;

    public SqliteJournalSpec(ITestOutputHelper output)
        : base(NewStore(out var path), output) => _path = path;

    [Fact]
    public Task Recovery() => A_new_incarnation_must_recover_exactly_the_committed_events_in_order();

    [Fact]
    public Task Snapshots() => A_snapshot_must_round_trip_and_recovery_replay_only_the_events_after_it();

    [Fact]
    public Task EventsByTag() => CurrentEventsByTag_must_return_the_tagged_events_of_every_id_in_write_order();

    [Fact]
    public Task StoredJson() => The_stored_payload_must_be_the_events_json_under_its_manifest();

    [Fact]
    public async Task The_file_must_be_in_write_ahead_logging_mode()
    {
        await using var connection = new SqliteConnection($"Data Source={_path}");
        await connection.OpenAsync();
        await using var command = new SqliteCommand("PRAGMA journal_mode", connection);

        Assert.Equal("wal", await command.ExecuteScalarAsync());
    }

    protected override async Task<IReadOnlyList<JournalRow>> ReadRowsAsync(string persistenceId)
    {
        await using var connection = new SqliteConnection($"Data Source={_path}");
        await connection.OpenAsync();
        await using var command = new SqliteCommand(
            "SELECT sequence_nr, manifest, serializer_id, CAST(payload AS TEXT), tags FROM event_journal WHERE persistence_id = $id ORDER BY sequence_nr",
            connection);
        command.Parameters.AddWithValue("$id", persistenceId);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<JournalRow>();
        while (await reader.ReadAsync())
        {
            rows.Add(new JournalRow(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
        }
        return rows;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        SqliteConnection.ClearAllPools();
        Directory.Delete(Path.GetDirectoryName(_path)!, recursive: true);
    }

    private static LavaPersistenceOptions NewStore(out string path)
    {
        var directory = Path.Combine(Path.GetTempPath(), "lava-journal-" + Guid.NewGuid().ToString("N"));
        path = Path.Combine(directory, "journal.db");
        return new LavaPersistenceOptions(PersistenceProvider.Sqlite, $"Data Source={path}") { AutoInitialize = true };
    }
}
