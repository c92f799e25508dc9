using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lava.Kernel.Persistence.Sqlite;

/// <summary><see cref="ISnapshotStore"/> on one SQLite file with the PostgreSQL <c>snapshot_store</c> table shape.</summary>
public sealed class SqliteSnapshotStore : ISnapshotStore
{
    private readonly SqliteStore _store;
    private readonly EventRegistry _registry;

    /// <summary>
    /// Creates the store. The file is created on first use; with
    /// <see cref="PersistenceStorageSettings.AutoInitialize"/> the first operation also creates the tables.
    /// </summary>
    public SqliteSnapshotStore(PersistenceStorageSettings settings, EventRegistry registry, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _registry = registry;
        _store = new SqliteStore(settings, (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<SqliteSnapshotStore>());
    }

    /// <inheritdoc />
    public async Task<SelectedSnapshot?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        ArgumentNullException.ThrowIfNull(criteria);
        var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = Matching(connection, "SELECT sequence_nr, created_at, manifest, payload", persistenceId, criteria);
            command.CommandText += " ORDER BY sequence_nr DESC LIMIT 1";
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }
                var sequenceNr = reader.GetInt64(0);
                var snapshot = _registry.Deserialize(reader.GetString(2), (byte[])reader.GetValue(3), persistenceId, sequenceNr);
                var metadata = new SnapshotMetadata(persistenceId, sequenceNr, new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero));
                return new SelectedSnapshot(metadata, snapshot);
            }
        }
    }

    /// <inheritdoc />
    public async Task SaveAsync(SnapshotMetadata metadata, object snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(snapshot);
        var (manifest, bytes) = _registry.Serialize(snapshot);
        var timestamp = metadata.Timestamp == default ? TimeProvider.System.GetUtcNow() : metadata.Timestamp;
        var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = new SqliteCommand(
                $"INSERT INTO {_store.Names.Snapshot} (persistence_id, sequence_nr, created_at, manifest, payload, serializer_id) " +
                $"VALUES ($id, $nr, $at, $manifest, $payload, {EventRegistry.JsonSerializerId}) ON CONFLICT (persistence_id, sequence_nr) DO UPDATE " +
                "SET created_at = excluded.created_at, manifest = excluded.manifest, payload = excluded.payload, serializer_id = excluded.serializer_id",
                connection);
            command.Parameters.AddWithValue("$id", metadata.PersistenceId);
            command.Parameters.AddWithValue("$nr", metadata.SequenceNr);
            command.Parameters.AddWithValue("$at", timestamp.UtcTicks);
            command.Parameters.AddWithValue("$manifest", manifest);
            command.Parameters.AddWithValue("$payload", bytes);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task DeleteAsync(SnapshotMetadata metadata, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = new SqliteCommand($"DELETE FROM {_store.Names.Snapshot} WHERE persistence_id = $id AND sequence_nr = $nr", connection);
            command.Parameters.AddWithValue("$id", metadata.PersistenceId);
            command.Parameters.AddWithValue("$nr", metadata.SequenceNr);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        ArgumentNullException.ThrowIfNull(criteria);
        var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = Matching(connection, "DELETE", persistenceId, criteria);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Closes the pooled connections to the file.</summary>
    public ValueTask DisposeAsync()
    {
        _store.ClosePooledConnections();
        return ValueTask.CompletedTask;
    }

    private SqliteCommand Matching(SqliteConnection connection, string verb, string persistenceId, SnapshotSelectionCriteria criteria)
    {
        var command = new SqliteCommand(
            $"{verb} FROM {_store.Names.Snapshot} WHERE persistence_id = $id AND sequence_nr >= $minNr AND sequence_nr <= $maxNr " +
            "AND created_at >= $minAt AND created_at <= $maxAt",
            connection);
        command.Parameters.AddWithValue("$id", persistenceId);
        command.Parameters.AddWithValue("$minNr", criteria.MinSequenceNr);
        command.Parameters.AddWithValue("$maxNr", criteria.MaxSequenceNr);
        command.Parameters.AddWithValue("$minAt", criteria.MinTimestampTicks);
        command.Parameters.AddWithValue("$maxAt", criteria.MaxTimestampTicks);
        return command;
    }
}
