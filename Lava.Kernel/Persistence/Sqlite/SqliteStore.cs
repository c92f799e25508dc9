using Lava.Kernel.Persistence.Internal;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Lava.Kernel.Persistence.Sqlite;

/// <summary>
/// What the SQLite journal and snapshot store share: pooled connections to one database file in WAL mode
/// (readers never block the writer), with Microsoft.Data.Sqlite retrying SQLITE_BUSY up to the command
/// timeout, and the schema migration on first use.
/// </summary>
internal sealed class SqliteStore
{
    private readonly ILogger _logger;
    private readonly RetryingInitializer _initializer;
    private readonly string _connectionString;

    public SqliteStore(PersistenceStorageSettings settings, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Settings = settings;
        Names = SqlNames.For(settings, withSchema: false);
        _logger = logger;
        var builder = new SqliteConnectionStringBuilder(settings.ConnectionString)
        {
            DefaultTimeout = (int)Math.Ceiling(settings.CommandTimeout.TotalSeconds),
            Pooling = true,
        };
        _connectionString = builder.ConnectionString;
        Endpoint = $"SQLite database {builder.DataSource}";
        _initializer = new RetryingInitializer(MigrateAsync);
    }

    public PersistenceStorageSettings Settings { get; }

    public SqlNames Names { get; }

    public string Endpoint { get; }

    /// <summary>Opens a pooled connection, after the schema is migrated when auto-initialize is on.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (Settings.AutoInitialize)
        {
            await _initializer.EnsureAsync(cancellationToken).ConfigureAwait(false);
        }
        return await OpenRawAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes the pooled connections so the file is released (tests delete it; backups copy it).</summary>
    public void ClosePooledConnections()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    public static bool IsUniqueViolation(Exception error) =>
        error is SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 };

    private async Task<SqliteConnection> OpenRawAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenRawAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // WAL is a property of the file: set once, it holds for every later connection.
            await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL", cancellationToken).ConfigureAwait(false);

            // BEGIN IMMEDIATE takes the write lock first, so processes starting together apply each version once.
            var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await ExecuteAsync(
                    connection,
                    transaction,
                    $"CREATE TABLE IF NOT EXISTS {Names.Migrations} (version INTEGER NOT NULL PRIMARY KEY, description TEXT NOT NULL, applied_at INTEGER NOT NULL)",
                    cancellationToken).ConfigureAwait(false);
                using var query = new SqliteCommand($"SELECT coalesce(max(version), 0) FROM {Names.Migrations}", connection, transaction);
                var applied = Convert.ToInt64(await query.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
                foreach (var (version, description, sql) in Migrations())
                {
                    if (version <= applied)
                    {
                        continue;
                    }
                    await ExecuteAsync(connection, transaction, sql, cancellationToken).ConfigureAwait(false);
                    using var record = new SqliteCommand($"INSERT INTO {Names.Migrations} (version, description, applied_at) VALUES ($v, $d, $t)", connection, transaction);
                    record.Parameters.AddWithValue("$v", version);
                    record.Parameters.AddWithValue("$d", description);
                    record.Parameters.AddWithValue("$t", DateTime.UtcNow.Ticks);
                    await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    PersistenceLog.MigrationApplied(_logger, version, description, Endpoint);
                }
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The PostgreSQL schema in SQLite's types; index names carry the table name, as SQLite's are per file.</summary>
    private IEnumerable<(int Version, string Description, string Sql)> Migrations()
    {
        var s = Settings;
        yield return (1, "event_journal, metadata, snapshot_store", $"""
            CREATE TABLE IF NOT EXISTS {Names.Journal} (
                ordering        INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
                persistence_id  TEXT    NOT NULL,
                sequence_nr     INTEGER NOT NULL,
                is_deleted      INTEGER NOT NULL,
                created_at      INTEGER NOT NULL,
                manifest        TEXT    NOT NULL,
                payload         BLOB    NOT NULL,
                tags            TEXT    NULL,
                serializer_id   INTEGER NULL,
                CONSTRAINT "{s.JournalTableName}_uq" UNIQUE (persistence_id, sequence_nr)
            );
            CREATE TABLE IF NOT EXISTS {Names.Metadata} (
                persistence_id  TEXT    NOT NULL,
                sequence_nr     INTEGER NOT NULL,
                CONSTRAINT "{s.MetadataTableName}_pk" PRIMARY KEY (persistence_id, sequence_nr)
            );
            CREATE TABLE IF NOT EXISTS {Names.Snapshot} (
                persistence_id  TEXT    NOT NULL,
                sequence_nr     INTEGER NOT NULL,
                created_at      INTEGER NOT NULL,
                manifest        TEXT    NOT NULL,
                payload         BLOB    NOT NULL,
                serializer_id   INTEGER NULL,
                CONSTRAINT "{s.SnapshotTableName}_pk" PRIMARY KEY (persistence_id, sequence_nr)
            );
            CREATE INDEX IF NOT EXISTS "{s.SnapshotTableName}_sequence_nr_idx" ON {Names.Snapshot} (sequence_nr);
            CREATE INDEX IF NOT EXISTS "{s.SnapshotTableName}_created_at_idx" ON {Names.Snapshot} (created_at);
            """);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        using var command = new SqliteCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
