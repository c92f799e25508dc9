using Microsoft.Data.Sqlite;

namespace Lava.Actors.Lab.Sqlite;

/// <summary>
/// <see cref="IWorkerRegistry"/> and <see cref="ITokenStore"/> on one SQLite file in WAL mode, the embedded default
/// for a single-machine lab. Each operation opens a pooled connection, so the store is safe to share between threads.
/// </summary>
public sealed class SqliteLabStore : IWorkerRegistry, ITokenStore
{
    private const string WorkerColumns = "hostname, description, state, health, enabled, token_revoked, token_hash, last_ping, job_limit";
    private const int SqliteConstraint = 19;

    private readonly string _connectionString;
    private readonly TimeProvider _time;

    private SqliteLabStore(string connectionString, TimeProvider time)
    {
        _connectionString = connectionString;
        _time = time;
    }

    /// <summary>
    /// Opens (creating when missing) the database at <paramref name="path"/> and applies pending migrations;
    /// concurrent openers of one file apply each migration once.
    /// </summary>
    public static async Task<SqliteLabStore> OpenAsync(string path, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();
        var store = new SqliteLabStore(connectionString, time ?? TimeProvider.System);
        await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
        return store;
    }

    /// <inheritdoc />
    public async Task<Worker?> FindAsync(string hostname, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hostname);
        var found = await QueryWorkersAsync($"SELECT {WorkerColumns} FROM workers WHERE hostname = $host", c => c.Parameters.AddWithValue("$host", hostname), cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Worker>> ListAsync(CancellationToken cancellationToken = default) =>
        QueryWorkersAsync($"SELECT {WorkerColumns} FROM workers ORDER BY hostname", _ => { }, cancellationToken);

    /// <inheritdoc />
    public async Task<bool> TryAddAsync(Worker worker, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(worker);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText =
            $"INSERT INTO workers ({WorkerColumns}, created_at) VALUES ($host, $description, $state, $health, $enabled, $revoked, $hash, $ping, $limit, $now)";
        command.Parameters.AddWithValue("$host", worker.Hostname);
        command.Parameters.AddWithValue("$description", worker.Description);
        command.Parameters.AddWithValue("$state", (int)worker.State);
        command.Parameters.AddWithValue("$health", (int)worker.Health);
        command.Parameters.AddWithValue("$enabled", worker.Enabled);
        command.Parameters.AddWithValue("$revoked", worker.TokenRevoked);
        command.Parameters.AddWithValue("$hash", worker.TokenHash);
        command.Parameters.AddWithValue("$ping", worker.LastPing is { } ping ? ping.ToUnixTimeMilliseconds() : DBNull.Value);
        command.Parameters.AddWithValue("$limit", worker.JobLimit);
        command.Parameters.AddWithValue("$now", _time.GetUtcNow().ToUnixTimeMilliseconds());
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SqliteConstraint)
        {
            // The primary key decides, so two concurrent adds of one hostname cannot both succeed.
            return false;
        }
    }

    /// <inheritdoc />
    public async Task<Worker?> UpdateAsync(string hostname, WorkerChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hostname);
        ArgumentNullException.ThrowIfNull(change);
        var updated = await QueryWorkersAsync(
            "UPDATE workers SET description = COALESCE($description, description), health = COALESCE($health, health), " +
            "enabled = COALESCE($enabled, enabled), token_revoked = COALESCE($revoked, token_revoked), token_hash = COALESCE($hash, token_hash) " +
            $"WHERE hostname = $host RETURNING {WorkerColumns}",
            c =>
            {
                c.Parameters.AddWithValue("$host", hostname);
                c.Parameters.AddWithValue("$description", (object?)change.Description ?? DBNull.Value);
                c.Parameters.AddWithValue("$health", change.Health is { } health ? (int)health : DBNull.Value);
                c.Parameters.AddWithValue("$enabled", change.Enabled is { } enabled ? enabled : DBNull.Value);
                c.Parameters.AddWithValue("$revoked", change.TokenRevoked is { } revoked ? revoked : DBNull.Value);
                c.Parameters.AddWithValue("$hash", (object?)change.TokenHash ?? DBNull.Value);
            },
            cancellationToken).ConfigureAwait(false);
        return updated.Count == 0 ? null : updated[0];
    }

    /// <inheritdoc />
    public async Task<Worker?> SetStateAsync(string hostname, WorkerState state, DateTimeOffset? lastPing, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hostname);
        var updated = await QueryWorkersAsync(
            $"UPDATE workers SET state = $state, last_ping = COALESCE($ping, last_ping) WHERE hostname = $host RETURNING {WorkerColumns}",
            c =>
            {
                c.Parameters.AddWithValue("$host", hostname);
                c.Parameters.AddWithValue("$state", (int)state);
                c.Parameters.AddWithValue("$ping", lastPing is { } ping ? ping.ToUnixTimeMilliseconds() : DBNull.Value);
            },
            cancellationToken).ConfigureAwait(false);
        return updated.Count == 0 ? null : updated[0];
    }

    /// <inheritdoc />
    public Task<ApiUser?> FindByTokenHashAsync(string tokenHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenHash);
        return QueryUserAsync(
            "SELECT u.username, u.is_superuser, u.is_active FROM api_tokens t JOIN users u ON u.username = t.username WHERE t.token_hash = $hash",
            "$hash",
            tokenHash,
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<ApiUser?> FindUserAsync(string username, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(username);
        return QueryUserAsync("SELECT username, is_superuser, is_active FROM users WHERE username = $name", "$name", username, cancellationToken);
    }

    /// <inheritdoc />
    public async Task AddTokenAsync(string username, bool isSuperuser, string tokenHash, string description, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(username);
        ArgumentException.ThrowIfNullOrEmpty(tokenHash);
        ArgumentNullException.ThrowIfNull(description);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        await using (var user = connection.CreateCommand())
        {
            user.CommandText = "INSERT INTO users (username, is_superuser, is_active, created_at) VALUES ($name, $super, 1, $now) ON CONFLICT (username) DO NOTHING";
            user.Parameters.AddWithValue("$name", username);
            user.Parameters.AddWithValue("$super", isSuperuser);
            user.Parameters.AddWithValue("$now", now);
            await user.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var token = connection.CreateCommand())
        {
            token.CommandText = "INSERT INTO api_tokens (token_hash, username, description, created_at) VALUES ($hash, $name, $description, $now) ON CONFLICT (token_hash) DO NOTHING";
            token.Parameters.AddWithValue("$hash", tokenHash);
            token.Parameters.AddWithValue("$name", username);
            token.Parameters.AddWithValue("$description", description);
            token.Parameters.AddWithValue("$now", now);
            await token.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA foreign_keys = ON";
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
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
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, LabSchema.CreateMigrationsTable, cancellationToken).ConfigureAwait(false);
        foreach (var (version, description, sql) in LabSchema.Migrations)
        {
            // IMMEDIATE takes the write lock first, so a concurrent opener waits and then sees the version applied.
            await using var transaction = connection.BeginTransaction(deferred: false);
            await using var check = connection.CreateCommand();
            check.Transaction = transaction;
            check.CommandText = "SELECT COUNT(*) FROM lab_schema_migrations WHERE version = $version";
            check.Parameters.AddWithValue("$version", version);
            if (Convert.ToInt64(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) > 0)
            {
                continue;
            }

            await ExecuteAsync(connection, transaction, sql, cancellationToken).ConfigureAwait(false);
            await using var record = connection.CreateCommand();
            record.Transaction = transaction;
            record.CommandText = "INSERT INTO lab_schema_migrations (version, description, applied_at) VALUES ($version, $description, $now)";
            record.Parameters.AddWithValue("$version", version);
            record.Parameters.AddWithValue("$description", description);
            record.Parameters.AddWithValue("$now", _time.GetUtcNow().ToUnixTimeMilliseconds());
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<Worker>> QueryWorkersAsync(string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var workers = new List<Worker>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            workers.Add(new Worker(
                Hostname: reader.GetString(0),
                Description: reader.GetString(1),
                State: (WorkerState)reader.GetInt32(2),
                Health: (WorkerHealth)reader.GetInt32(3),
                Enabled: reader.GetBoolean(4),
                TokenRevoked: reader.GetBoolean(5),
                TokenHash: reader.GetString(6),
                LastPing: reader.IsDBNull(7) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)),
                JobLimit: reader.GetInt32(8)));
        }

        return workers;
    }

    private async Task<ApiUser?> QueryUserAsync(string sql, string parameter, string value, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue(parameter, value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new ApiUser(reader.GetString(0), reader.GetBoolean(1), reader.GetBoolean(2))
            : null;
    }
}
