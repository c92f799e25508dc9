using Lava.Kernel.Persistence.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace Lava.Kernel.Persistence.PostgreSql;

/// <summary>
/// <see cref="IJournal"/> on PostgreSQL with Akka.Persistence.PostgreSql's tables (<c>event_journal</c>,
/// <c>metadata</c>). Concurrent writes are batched into one multi-row INSERT per transaction; reads use their
/// own pooled connections, so replay never waits behind the write queue.
/// </summary>
public sealed class PostgreSqlJournal : IJournal
{
    private readonly PostgreSqlStore _writes;
    private readonly PostgreSqlStore _reads;
    private readonly EventRegistry _registry;
    private readonly BatchingJournalWriter _writer;

    /// <summary>
    /// Creates the journal. Nothing connects until the first operation; with
    /// <see cref="PersistenceStorageSettings.AutoInitialize"/> the first operation also creates the tables.
    /// </summary>
    public PostgreSqlJournal(PersistenceStorageSettings settings, EventRegistry registry, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<PostgreSqlJournal>();
        _registry = registry;
        _writes = new PostgreSqlStore(settings, "lava-journal-writes", logger);
        _reads = new PostgreSqlStore(settings, "lava-journal-reads", logger);
        _writer = new BatchingJournalWriter(new WriteTarget(_writes), settings.MaxBatchSize, logger);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<WriteResult>> WriteAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken = default) =>
        JournalWriteFront.WriteAsync(writes, _registry, _writer, cancellationToken);

    /// <inheritdoc />
    public Task ReplayAsync(
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
        var names = _reads.Names;
        var delivered = false;
        return _reads.RunAsync(async connection =>
        {
            using var command = new NpgsqlCommand(
                $"SELECT sequence_nr, created_at, manifest, payload FROM {names.Journal} " +
                "WHERE persistence_id = $1 AND sequence_nr >= $2 AND sequence_nr <= $3 AND is_deleted = FALSE " +
                "ORDER BY sequence_nr LIMIT $4",
                connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = persistenceId });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = fromSequenceNr });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = toSequenceNr });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = max });
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var sequenceNr = reader.GetInt64(0);
                    var manifest = reader.GetString(2);
                    var payload = _registry.Deserialize(manifest, reader.GetFieldValue<byte[]>(3), persistenceId, sequenceNr);
                    var timestamp = new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero);
                    delivered = true;
                    await onReplayed(new PersistentRepr(persistenceId, sequenceNr, payload, manifest, null, timestamp)).ConfigureAwait(false);
                }
            }
            return true;
        }, cancellationToken, canRetry: () => !delivered);
    }

    /// <inheritdoc />
    public Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr = 0, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        return _reads.RunAsync(c => HighestAsync(c, null, persistenceId, cancellationToken), cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        ArgumentOutOfRangeException.ThrowIfNegative(toSequenceNr);
        var names = _writes.Names;
        return _writes.RunAsync(async connection =>
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
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
                using var batch = new NpgsqlBatch(connection, transaction)
                {
                    BatchCommands =
                    {
                        Statement($"DELETE FROM {names.Journal} WHERE persistence_id = $1 AND sequence_nr <= $2", persistenceId, toSequenceNr),
                        Statement($"DELETE FROM {names.Metadata} WHERE persistence_id = $1 AND sequence_nr <= $2", persistenceId, toSequenceNr),
                    },
                };
                if (highest > 0 && highest <= toSequenceNr)
                {
                    // Every event is gone: the metadata row is what keeps the highest sequence number from resetting.
                    batch.BatchCommands.Add(Statement(
                        $"INSERT INTO {names.Metadata} (persistence_id, sequence_nr) VALUES ($1, $2) ON CONFLICT DO NOTHING", persistenceId, highest));
                }
                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }, cancellationToken);
    }

    /// <summary>Drains queued writes, then closes every pooled connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync().ConfigureAwait(false);
        await _writes.DisposeAsync().ConfigureAwait(false);
        await _reads.DisposeAsync().ConfigureAwait(false);
    }

    private async Task<long> HighestAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string persistenceId, CancellationToken cancellationToken)
    {
        var names = _reads.Names;
        using var command = new NpgsqlCommand(
            $"SELECT max(s) FROM (SELECT max(sequence_nr) AS s FROM {names.Journal} WHERE persistence_id = $1 " +
            $"UNION ALL SELECT max(sequence_nr) FROM {names.Metadata} WHERE persistence_id = $1) AS u",
            connection,
            transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = persistenceId });
        var result = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return result is long highest ? highest : 0;
    }

    private static NpgsqlBatchCommand Statement(string sql, string persistenceId, long sequenceNr) => new(sql)
    {
        Parameters =
        {
            new NpgsqlParameter<string> { TypedValue = persistenceId },
            new NpgsqlParameter<long> { TypedValue = sequenceNr },
        },
    };

    /// <summary>Inserts a whole batch with one statement over parallel arrays (unnest), in one transaction.</summary>
    private sealed class WriteTarget(PostgreSqlStore store) : IJournalWriteTarget
    {
        public Task InsertAsync(IReadOnlyList<SerializedAtomicWrite> writes, CancellationToken cancellationToken)
        {
            var count = writes.Sum(w => w.Events.Count);
            var ids = new string[count];
            var sequenceNrs = new long[count];
            var createdAt = new long[count];
            var manifests = new string[count];
            var payloads = new byte[count][];
            var i = 0;
            foreach (var e in writes.SelectMany(w => w.Events))
            {
                (ids[i], sequenceNrs[i], createdAt[i], manifests[i], payloads[i]) = (e.PersistenceId, e.SequenceNr, e.CreatedAtTicks, e.Manifest, e.Payload);
                i++;
            }

            return InsertAsync(store, ids, sequenceNrs, createdAt, manifests, payloads, cancellationToken);
        }

        public bool IsUniqueViolation(Exception error) => error is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

        public Exception Translate(Exception error) => store.Translate(error);

        private static Task InsertAsync(
            PostgreSqlStore store, string[] ids, long[] sequenceNrs, long[] createdAt, string[] manifests, byte[][] payloads, CancellationToken cancellationToken) =>
            store.RunAsync(async connection =>
            {
                var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    using var command = new NpgsqlCommand(
                        $"INSERT INTO {store.Names.Journal} (persistence_id, sequence_nr, is_deleted, created_at, manifest, payload, serializer_id) " +
                        $"SELECT p, s, FALSE, c, m, d, {EventRegistry.JsonSerializerId} FROM unnest($1, $2, $3, $4, $5) AS t(p, s, c, m, d)",
                        connection,
                        transaction);
                    command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = ids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Varchar });
                    command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = sequenceNrs });
                    command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = createdAt });
                    command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = manifests, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Varchar });
                    command.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = payloads, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }
            }, cancellationToken);
    }
}
