using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Lava.Kernel.Persistence.PostgreSql;

/// <summary><see cref="ISnapshotStore"/> on PostgreSQL with Akka.Persistence.PostgreSql's <c>snapshot_store</c> table.</summary>
public sealed class PostgreSqlSnapshotStore : ISnapshotStore
{
    private readonly PostgreSqlStore _store;
    private readonly EventRegistry _registry;

    /// <summary>
    /// Creates the store. Nothing connects until the first operation; with
    /// <see cref="PersistenceStorageSettings.AutoInitialize"/> the first operation also creates the tables.
    /// </summary>
    public PostgreSqlSnapshotStore(PersistenceStorageSettings settings, EventRegistry registry, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _registry = registry;
        _store = new PostgreSqlStore(
            settings, "lava-snapshots", (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<PostgreSqlSnapshotStore>());
    }

    /// <inheritdoc />
    public Task<SelectedSnapshot?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        ArgumentNullException.ThrowIfNull(criteria);
        return _store.RunAsync(async connection =>
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
                var snapshot = _registry.Deserialize(reader.GetString(2), reader.GetFieldValue<byte[]>(3), persistenceId, sequenceNr);
                var metadata = new SnapshotMetadata(persistenceId, sequenceNr, new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero));
                return new SelectedSnapshot(metadata, snapshot);
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task SaveAsync(SnapshotMetadata metadata, object snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(snapshot);
        var (manifest, bytes) = _registry.Serialize(snapshot);
        var timestamp = metadata.Timestamp == default ? TimeProvider.System.GetUtcNow() : metadata.Timestamp;
        return _store.RunAsync(async connection =>
        {
            using var command = new NpgsqlCommand(
                $"INSERT INTO {_store.Names.Snapshot} (persistence_id, sequence_nr, created_at, manifest, payload, serializer_id) " +
                $"VALUES ($1, $2, $3, $4, $5, {EventRegistry.JsonSerializerId}) ON CONFLICT (persistence_id, sequence_nr) DO UPDATE " +
                "SET created_at = excluded.created_at, manifest = excluded.manifest, payload = excluded.payload, serializer_id = excluded.serializer_id",
                connection)
            {
                Parameters =
                {
                    new NpgsqlParameter<string> { TypedValue = metadata.PersistenceId },
                    new NpgsqlParameter<long> { TypedValue = metadata.SequenceNr },
                    new NpgsqlParameter<long> { TypedValue = timestamp.UtcTicks },
                    new NpgsqlParameter<string> { TypedValue = manifest },
                    new NpgsqlParameter<byte[]> { TypedValue = bytes },
                },
            };
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteAsync(SnapshotMetadata metadata, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return _store.RunAsync(async connection =>
        {
            using var command = new NpgsqlCommand($"DELETE FROM {_store.Names.Snapshot} WHERE persistence_id = $1 AND sequence_nr = $2", connection)
            {
                Parameters =
                {
                    new NpgsqlParameter<string> { TypedValue = metadata.PersistenceId },
                    new NpgsqlParameter<long> { TypedValue = metadata.SequenceNr },
                },
            };
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        ArgumentNullException.ThrowIfNull(criteria);
        return _store.RunAsync(async connection =>
        {
            using var command = Matching(connection, "DELETE", persistenceId, criteria);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <summary>Closes every pooled connection.</summary>
    public ValueTask DisposeAsync() => _store.DisposeAsync();

    private NpgsqlCommand Matching(NpgsqlConnection connection, string verb, string persistenceId, SnapshotSelectionCriteria criteria) => new(
        $"{verb} FROM {_store.Names.Snapshot} WHERE persistence_id = $1 AND sequence_nr >= $2 AND sequence_nr <= $3 AND created_at >= $4 AND created_at <= $5",
        connection)
    {
        Parameters =
        {
            new NpgsqlParameter<string> { TypedValue = persistenceId },
            new NpgsqlParameter<long> { TypedValue = criteria.MinSequenceNr },
            new NpgsqlParameter<long> { TypedValue = criteria.MaxSequenceNr },
            new NpgsqlParameter<long> { TypedValue = criteria.MinTimestampTicks },
            new NpgsqlParameter<long> { TypedValue = criteria.MaxTimestampTicks },
        },
    };
}
