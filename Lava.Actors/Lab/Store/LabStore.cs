using System.Data.Common;
using Dapper;

namespace Lava.Actors.Lab.Store;

/// <summary>
/// <see cref="IWorkerRegistry"/> and <see cref="ITokenStore"/> on SQLite or PostgreSQL with the same SQL. Each
/// operation takes a pooled connection, so one store is shared by the whole process. When PostgreSQL cannot be
/// reached, operations throw <see cref="LabStoreUnavailableException"/>.
/// </summary>
public sealed partial class LabStore : IWorkerRegistry, ITokenStore
{
    private const string WorkerColumns =
        "hostname AS Hostname, description AS Description, state AS State, health AS Health, enabled AS Enabled, revoked AS Revoked, " +
        "certificate_thumbprint AS CertificateThumbprint, last_ping AS LastPing, job_limit AS JobLimit";

    private readonly LabDatabase _database;
    private readonly TimeProvider _time;

    private LabStore(LabDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
    }

    /// <summary>
    /// Applies the pending migrations of <paramref name="database"/>, then returns the store. Processes that open
    /// one database at once (two masters) apply each migration once; reopening a migrated database changes nothing.
    /// </summary>
    /// <exception cref="LabStoreUnavailableException">PostgreSQL cannot be reached.</exception>
    public static async Task<LabStore> OpenAsync(LabDatabase database, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        await LabMigrator.MigrateAsync(database, cancellationToken).ConfigureAwait(false);
        return new LabStore(database, time ?? TimeProvider.System);
    }

    /// <inheritdoc />
    public Task<Worker?> FindAsync(string hostname, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hostname);
        return QueryWorkerAsync($"SELECT {WorkerColumns} FROM workers WHERE hostname = @hostname", new { hostname }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Worker>> ListAsync(CancellationToken cancellationToken = default) =>
        // Sorted here: ORDER BY follows the database's collation on PostgreSQL but compares bytes on SQLite.
        RunAsync<IReadOnlyList<Worker>>(
            async connection =>
            {
                var rows = await connection.QueryAsync<WorkerRow>(Command($"SELECT {WorkerColumns} FROM workers", null, cancellationToken)).ConfigureAwait(false);
                return [.. rows.Select(r => r.ToWorker()).OrderBy(w => w.Hostname, StringComparer.Ordinal)];
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> TryAddAsync(Worker worker, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(worker);
        var parameters = new
        {
            hostname = worker.Hostname,
            description = worker.Description,
            state = (int)worker.State,
            health = (int)worker.Health,
            enabled = worker.Enabled,
            revoked = worker.Revoked,
            thumbprint = worker.CertificateThumbprint,
            lastPing = worker.LastPing?.ToUnixTimeMilliseconds(),
            jobLimit = worker.JobLimit,
            now = _time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        // The primary key decides, so two concurrent adds of one hostname (even on two masters) cannot both succeed.
        return RunAsync(
            async connection => await connection.ExecuteAsync(Command(
                "INSERT INTO workers (hostname, description, state, health, enabled, revoked, certificate_thumbprint, last_ping, job_limit, created_at) " +
                "VALUES (@hostname, @description, @state, @health, @enabled, @revoked, @thumbprint, @lastPing, @jobLimit, @now) " +
                "ON CONFLICT (hostname) DO NOTHING",
                parameters,
                cancellationToken)).ConfigureAwait(false) == 1,
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<Worker?> UpdateAsync(string hostname, WorkerChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hostname);
        ArgumentNullException.ThrowIfNull(change);
        return QueryWorkerAsync(
            "UPDATE workers SET description = COALESCE(@description, description), health = COALESCE(@health, health), " +
            "enabled = COALESCE(@enabled, enabled), revoked = COALESCE(@revoked, revoked), " +
            "certificate_thumbprint = COALESCE(@thumbprint, certificate_thumbprint) " +
            $"WHERE hostname = @hostname RETURNING {WorkerColumns}",
            new
            {
                hostname,
                description = change.Description,
                health = (int?)change.Health,
                enabled = change.Enabled,
                revoked = change.Revoked,
                thumbprint = change.CertificateThumbprint,
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<Worker?> SetStateAsync(string hostname, WorkerState state, DateTimeOffset? lastPing, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hostname);
        return QueryWorkerAsync(
            $"UPDATE workers SET state = @state, last_ping = COALESCE(@lastPing, last_ping) WHERE hostname = @hostname RETURNING {WorkerColumns}",
            new { hostname, state = (int)state, lastPing = lastPing?.ToUnixTimeMilliseconds() },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<ApiUser?> FindByTokenHashAsync(string tokenHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenHash);
        return QueryUserAsync(
            "SELECT u.username AS Username, u.is_superuser AS IsSuperuser, u.is_active AS IsActive " +
            "FROM api_tokens t JOIN users u ON u.username = t.username WHERE t.token_hash = @tokenHash",
            new { tokenHash },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<ApiUser?> FindUserAsync(string username, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(username);
        return QueryUserAsync(
            "SELECT username AS Username, is_superuser AS IsSuperuser, is_active AS IsActive FROM users WHERE username = @username",
            new { username },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task AddTokenAsync(string username, bool isSuperuser, string tokenHash, string description, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(username);
        ArgumentException.ThrowIfNullOrEmpty(tokenHash);
        ArgumentNullException.ThrowIfNull(description);
        var parameters = new { username, isSuperuser, active = true, tokenHash, description, now = _time.GetUtcNow().ToUnixTimeMilliseconds() };
        return RunAsync(
            async connection =>
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await connection.ExecuteAsync(Command(
                    "INSERT INTO users (username, is_superuser, is_active, created_at) VALUES (@username, @isSuperuser, @active, @now) ON CONFLICT (username) DO NOTHING",
                    parameters,
                    cancellationToken,
                    transaction)).ConfigureAwait(false);
                await connection.ExecuteAsync(Command(
                    "INSERT INTO api_tokens (token_hash, username, description, created_at) VALUES (@tokenHash, @username, @description, @now) ON CONFLICT (token_hash) DO NOTHING",
                    parameters,
                    cancellationToken,
                    transaction)).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return true;
            },
            cancellationToken);
    }

    private static CommandDefinition Command(string sql, object? parameters, CancellationToken cancellationToken, DbTransaction? transaction = null) =>
        new(sql, parameters, transaction, cancellationToken: cancellationToken);

    private Task<Worker?> QueryWorkerAsync(string sql, object parameters, CancellationToken cancellationToken) =>
        RunAsync(
            async connection => (await connection.QuerySingleOrDefaultAsync<WorkerRow>(Command(sql, parameters, cancellationToken)).ConfigureAwait(false))?.ToWorker(),
            cancellationToken);

    private Task<ApiUser?> QueryUserAsync(string sql, object parameters, CancellationToken cancellationToken) =>
        RunAsync(
            async connection => (await connection.QuerySingleOrDefaultAsync<UserRow>(Command(sql, parameters, cancellationToken)).ConfigureAwait(false))?.ToUser(),
            cancellationToken);

    private async Task<T> RunAsync<T>(Func<DbConnection, Task<T>> operation, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await operation(connection).ConfigureAwait(false);
        }
        catch (Exception e) when (LabStoreUnavailableException.Means(e))
        {
            throw new LabStoreUnavailableException(_database, e);
        }
    }

    // Dapper converts SQLite's 64-bit integers into these members; PostgreSQL's types match them already.
    private sealed class WorkerRow
    {
        public string Hostname { get; init; } = "";

        public string Description { get; init; } = "";

        public int State { get; init; }

        public int Health { get; init; }

        public bool Enabled { get; init; }

        public bool Revoked { get; init; }

        public string CertificateThumbprint { get; init; } = "";

        public long? LastPing { get; init; }

        public int JobLimit { get; init; }

        public Worker ToWorker() => new(
            Hostname,
            Description,
            (WorkerState)State,
            (WorkerHealth)Health,
            Enabled,
            Revoked,
            CertificateThumbprint,
            LastPing is { } ping ? DateTimeOffset.FromUnixTimeMilliseconds(ping) : null,
            JobLimit);
    }

    private sealed class UserRow
    {
        public string Username { get; init; } = "";

        public bool IsSuperuser { get; init; }

        public bool IsActive { get; init; }

        public ApiUser ToUser() => new(Username, IsSuperuser, IsActive);
    }
}
