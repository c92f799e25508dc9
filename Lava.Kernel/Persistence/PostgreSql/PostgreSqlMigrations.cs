using Microsoft.Extensions.Logging;
using static Lava.Kernel.Persistence.PostgreSql.PostgreSqlCommands;

namespace Lava.Kernel.Persistence.PostgreSql;

/// <summary>
/// Creates the schema, tables and indexes (Akka.Persistence.PostgreSql's shape) and records each applied
/// version. One transaction under an advisory lock, so processes starting together apply each version once.
/// </summary>
internal static class PostgreSqlMigrations
{
    public static async Task ApplyAsync(PostgreSqlStore store, ILogger logger, CancellationToken cancellationToken)
    {
        var settings = store.Settings;
        var names = store.Names;
        var connection = await store.OpenWithoutMigrationAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await LockAsync(connection, transaction, AdvisoryLockKey($"lava-persistence:{settings.SchemaName}.{settings.MigrationsTableName}"), cancellationToken).ConfigureAwait(false);
                await CreateSchemaIfMissingAsync(connection, transaction, settings.SchemaName, names.Schema!, cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(
                    connection,
                    transaction,
                    $"CREATE TABLE IF NOT EXISTS {names.Migrations} (version INTEGER NOT NULL PRIMARY KEY, description VARCHAR(255) NOT NULL, applied_at BIGINT NOT NULL)",
                    cancellationToken).ConfigureAwait(false);
                var applied = await ScalarAsync(connection, transaction, $"SELECT coalesce(max(version), 0) FROM {names.Migrations}", cancellationToken).ConfigureAwait(false);

                foreach (var (version, description, sql) in Migrations(settings, names))
                {
                    if (version <= applied)
                    {
                        continue;
                    }
                    await ExecuteAsync(connection, transaction, sql, cancellationToken).ConfigureAwait(false);
                    await ExecuteAsync(
                        connection,
                        transaction,
                        $"INSERT INTO {names.Migrations} (version, description, applied_at) VALUES ($1, $2, $3)",
                        cancellationToken,
                        version, description, DateTime.UtcNow.Ticks).ConfigureAwait(false);
                    PersistenceLog.MigrationApplied(logger, version, description, store.Endpoint);
                }
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static IEnumerable<(int Version, string Description, string Sql)> Migrations(PersistenceStorageSettings s, Internal.SqlNames n)
    {
        yield return (1, "event_journal, metadata, snapshot_store", $"""
            CREATE TABLE IF NOT EXISTS {n.Journal} (
                ordering        BIGSERIAL     NOT NULL PRIMARY KEY,
                persistence_id  VARCHAR(255)  NOT NULL,
                sequence_nr     BIGINT        NOT NULL,
                is_deleted      BOOLEAN       NOT NULL,
                created_at      BIGINT        NOT NULL,
                manifest        VARCHAR(500)  NOT NULL,
                payload         BYTEA         NOT NULL,
                tags            VARCHAR(2000) NULL,
                serializer_id   INTEGER       NULL,
                CONSTRAINT "{s.JournalTableName}_uq" UNIQUE (persistence_id, sequence_nr)
            );
            CREATE TABLE IF NOT EXISTS {n.Metadata} (
                persistence_id  VARCHAR(255)  NOT NULL,
                sequence_nr     BIGINT        NOT NULL,
                CONSTRAINT "{s.MetadataTableName}_pk" PRIMARY KEY (persistence_id, sequence_nr)
            );
            CREATE TABLE IF NOT EXISTS {n.Snapshot} (
                persistence_id  VARCHAR(255)  NOT NULL,
                sequence_nr     BIGINT        NOT NULL,
                created_at      BIGINT        NOT NULL,
                manifest        VARCHAR(500)  NOT NULL,
                payload         BYTEA         NOT NULL,
                serializer_id   INTEGER       NULL,
                CONSTRAINT "{s.SnapshotTableName}_pk" PRIMARY KEY (persistence_id, sequence_nr)
            );
            CREATE INDEX IF NOT EXISTS "{s.SnapshotTableName}_sequence_nr_idx" ON {n.Snapshot} (sequence_nr);
            CREATE INDEX IF NOT EXISTS "{s.SnapshotTableName}_created_at_idx" ON {n.Snapshot} (created_at);
            """);
    }
}
