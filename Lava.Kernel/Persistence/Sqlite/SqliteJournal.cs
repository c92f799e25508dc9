using Lava.Kernel.Persistence.Internal;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lava.Kernel.Persistence.Sqlite;

/// <summary>
/// <see cref="IJournal"/> on one SQLite file (WAL mode) with the PostgreSQL journal's table shape. Concurrent
/// writes are batched into one transaction; replay reads on its own connection and never waits for writers.
/// </summary>
public sealed class SqliteJournal : IJournal
{
    private readonly SqliteStore _store;
    private readonly EventRegistry _registry;
    private readonly BatchingJournalWriter _writer;

    /// <summary>
    /// Creates the journal. The file is created on first use; with
    /// <see cref="PersistenceStorageSettings.AutoInitialize"/> the first operation also creates the tables.
    /// </summary>
    public SqliteJournal(PersistenceStorageSettings settings, EventRegistry registry, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<SqliteJournal>();
        _registry = registry;
        _store = new SqliteStore(settings, logger);
        _writer = new BatchingJournalWriter(new WriteTarget(_store), settings.MaxBatchSize, logger);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<WriteResult>> WriteAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken = default) =>
        JournalWriteFront.WriteAsync(writes, _registry, _writer, cancellationToken);

    /// <inheritdoc />
    public async Task ReplayAsync(
        string persistenceId,
        long fromSequenceNr,
        long toSequenceNr,
        long max,
        Func<PersistentRepr, ValueTask> onReplayed,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        ArgumentNullException.ThrowIfNull(onReplayed);
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = new SqliteCommand(
                $"SELECT sequence_nr, created_at, manifest, payload FROM {_store.Names.Journal} " +
                "WHERE persistence_id = $id AND sequence_nr >= $from AND sequence_nr <= $to AND is_deleted = 0 " +
                "ORDER BY sequence_nr LIMIT $max",
                connection);
            command.Parameters.AddWithValue("$id", persistenceId);
            command.Parameters.AddWithValue("$from", fromSequenceNr);
            command.Parameters.AddWithValue("$to", toSequenceNr);
            command.Parameters.AddWithValue("$max", max);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var sequenceNr = reader.GetInt64(0);
                    var manifest = reader.GetString(2);
                    var payload = _registry.Deserialize(manifest, (byte[])reader.GetValue(3), persistenceId, sequenceNr);
                    var timestamp = new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero);
                    await onReplayed(new PersistentRepr(persistenceId, sequenceNr, payload, manifest, null, timestamp)).ConfigureAwait(false);
                }
            }
        }
    }

    /// <inheritdoc />
    public async Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr = 0, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await HighestAsync(connection, null, persistenceId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        ArgumentOutOfRangeException.ThrowIfNegative(toSequenceNr);
        var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var highest = await HighestAsync(connection, transaction, persistenceId, cancellationToken).ConfigureAwait(false);
                if (toSequenceNr > highest)
                {
                    throw new ArgumentOutOfRangeException(
                        nameof(toSequenceNr),
                        toSequenceNr,
                        $"Cannot delete events of '{persistenceId}' up to {toSequenceNr}: the highest sequence number is {highest}.");
                }
                var names = _store.Names;
                var sql = $"DELETE FROM {names.Journal} WHERE persistence_id = $id AND sequence_nr <= $to; " +
                          $"DELETE FROM {names.Metadata} WHERE persistence_id = $id AND sequence_nr <= $to;";
                if (highest > 0 && highest <= toSequenceNr)
                {
                    // Every event is gone: the metadata row is what keeps the highest sequence number from resetting.
                    sql += $" INSERT INTO {names.Metadata} (persistence_id, sequence_nr) VALUES ($id, $highest) ON CONFLICT DO NOTHING;";
                }
                using var command = new SqliteCommand(sql, connection, transaction);
                command.Parameters.AddWithValue("$id", persistenceId);
                command.Parameters.AddWithValue("$to", toSequenceNr);
                command.Parameters.AddWithValue("$highest", highest);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Drains queued writes, then closes the pooled connections to the file.</summary>
    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync().ConfigureAwait(false);
        _store.ClosePooledConnections();
    }

    private async Task<long> HighestAsync(SqliteConnection connection, SqliteTransaction? transaction, string persistenceId, CancellationToken cancellationToken)
    {
        using var command = new SqliteCommand(
            $"SELECT max(s) FROM (SELECT max(sequence_nr) AS s FROM {_store.Names.Journal} WHERE persistence_id = $id " +
            $"UNION ALL SELECT max(sequence_nr) FROM {_store.Names.Metadata} WHERE persistence_id = $id)",
            connection,
            transaction);
        command.Parameters.AddWithValue("$id", persistenceId);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long highest ? highest : 0;
    }

    /// <summary>Inserts a batch with one prepared statement inside one IMMEDIATE transaction.</summary>
    private sealed class WriteTarget(SqliteStore store) : IJournalWriteTarget
    {
        public async Task InsertAsync(IReadOnlyList<SerializedAtomicWrite> writes, CancellationToken cancellationToken)
        {
            var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    using var command = new SqliteCommand(
                        $"INSERT INTO {store.Names.Journal} (persistence_id, sequence_nr, is_deleted, created_at, manifest, payload, serializer_id) " +
                        $"VALUES ($id, $nr, 0, $at, $manifest, $payload, {EventRegistry.JsonSerializerId})",
                        connection,
                        transaction);
                    var id = command.Parameters.Add("$id", SqliteType.Text);
                    var nr = command.Parameters.Add("$nr", SqliteType.Integer);
                    var at = command.Parameters.Add("$at", SqliteType.Integer);
                    var manifest = command.Parameters.Add("$manifest", SqliteType.Text);
                    var payload = command.Parameters.Add("$payload", SqliteType.Blob);
                    foreach (var e in writes.SelectMany(w => w.Events))
                    {
                        (id.Value, nr.Value, at.Value, manifest.Value, payload.Value) = (e.PersistenceId, e.SequenceNr, e.CreatedAtTicks, e.Manifest, e.Payload);
                        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }

        public bool IsUniqueViolation(Exception error) => SqliteStore.IsUniqueViolation(error);

        public Exception Translate(Exception error) => error;
    }
}
