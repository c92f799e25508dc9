using System.Diagnostics;
using Lava.Kernel.Persistence.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using static Lava.Kernel.Persistence.PostgreSql.PostgreSqlCommands;

namespace Lava.Kernel;

/// <summary>
/// A lease kept as a row of <c>lava_lease</c> in PostgreSQL, whose clock is the only one that decides expiry.
/// Acquiring takes the row when it is absent, expired or already this owner's, and sets it to expire
/// <see cref="PostgreSqlLeaseSettings.HeartbeatTimeout"/> later; the holder renews every
/// <see cref="PostgreSqlLeaseSettings.HeartbeatInterval"/>. The holder never trusts the server's expiry: it keeps
/// its own deadline, the monotonic instant at which it sent its last successful renewal plus the time to live minus
/// <see cref="PostgreSqlLeaseSettings.SafetyMargin"/>. Since the server computed the expiry after that instant, the
/// local deadline always comes first, and a holder that cannot renew (server down, connection broken, row taken)
/// gives the lease up and calls its lost callback before any other owner can take the row. Every holding
/// interval is recorded in <c>lava_lease_history</c>.
/// </summary>
/// <remarks>
/// <see cref="DisposeAsync"/> stops renewing without releasing, as a crashed process would: the row then stays
/// until it expires. Call <see cref="ReleaseAsync"/> first for an immediate hand-over.
/// </remarks>
public sealed class PostgreSqlLease : ILease, IAsyncDisposable
{
    private const string ReleasedReason = "released";
    private const string ExpiredReason = "expired";

    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgreSqlLeaseSchema _schema;
    private readonly RetryingInitializer _initializer;
    private readonly ILogger _logger;
    private readonly long _lockKey;
    private readonly string _endpoint;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile Holding? _holding;
    private bool _disposed;

    /// <summary>Creates the lease <paramref name="name"/> for <paramref name="owner"/>; nothing is sent until <see cref="AcquireAsync"/>.</summary>
    /// <exception cref="Configuration.ConfigException">The settings cannot work.</exception>
    public PostgreSqlLease(string name, string owner, PostgreSqlLeaseSettings settings, ILoggerFactory? loggerFactory = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        Name = name;
        Owner = owner;
        Settings = settings;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<PostgreSqlLease>();
        _schema = new PostgreSqlLeaseSchema(settings.SchemaName);
        _lockKey = AdvisoryLockKey($"lava-lease:{settings.SchemaName}.{name}");

        var builder = new NpgsqlDataSourceBuilder(settings.ConnectionString);
        builder.ConnectionStringBuilder.ApplicationName ??= "lava-lease";
        _endpoint = Endpoint(builder.ConnectionStringBuilder);
        _dataSource = builder.Build();
        _initializer = new RetryingInitializer(ct => _schema.ApplyAsync(_dataSource, _endpoint, _logger, ct));
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public string Owner { get; }

    /// <summary>The settings this lease runs with.</summary>
    public PostgreSqlLeaseSettings Settings { get; }

    /// <summary>A lease named <paramref name="name"/> with the settings of <c>lava.coordination.lease.postgresql</c> in the system's configuration.</summary>
    public static PostgreSqlLease Create(ActorSystem system, string name, string owner)
    {
        ArgumentNullException.ThrowIfNull(system);
        return new PostgreSqlLease(name, owner, PostgreSqlLeaseSettings.Create(system.Config), system.LoggerFactory);
    }

    /// <inheritdoc />
    public async Task<bool> AcquireAsync(Action<Exception?> leaseLost, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(leaseLost);
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (CheckLease())
            {
                return true;
            }
            await StopHeartbeatAsync().ConfigureAwait(false);

            // Taken before the request leaves: the server computes the expiry later than this instant.
            var sent = Stopwatch.GetTimestamp();
            if (!await TakeAsync(ct).ConfigureAwait(false))
            {
                return false;
            }
            var holding = new Holding(leaseLost, sent + Ticks(Settings.LocalValidity));
            _holding = holding;
            holding.Heartbeat = Task.Run(() => HeartbeatAsync(holding, sent), CancellationToken.None);
            CoordinationLog.Acquired(_logger, Name, Owner);
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Stops renewing at once, then deletes the row when it is still this owner's and closes the holding
    /// interval in the history. True when the row was this owner's and not expired.
    /// </remarks>
    public async Task<bool> ReleaseAsync(CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            await StopHeartbeatAsync().ConfigureAwait(false);
            var released = await RunInLockAsync(async (connection, transaction) =>
            {
                using var delete = Command(connection, transaction,
                    $"DELETE FROM {_schema.Lease} WHERE name = $1 AND owner = $2 RETURNING expires_at, expires_at < clock_timestamp()",
                    Name, Owner);
                DateTime? expiresAt = null;
                var expired = false;
                await using (var reader = await delete.ExecuteReaderAsync(ct).ConfigureAwait(false))
                {
                    if (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        expiresAt = reader.GetDateTime(0);
                        expired = reader.GetBoolean(1);
                    }
                }
                if (expiresAt is null)
                {
                    return false;
                }
                await CloseHistoryAsync(connection, transaction, expired ? expiresAt : null, expired ? ExpiredReason : ReleasedReason, ct).ConfigureAwait(false);
                return !expired;
            }, ct).ConfigureAwait(false);
            if (released)
            {
                CoordinationLog.Released(_logger, Name, Owner);
            }
            return released;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public bool CheckLease() => _holding is { IsLost: false } holding && Stopwatch.GetTimestamp() < holding.Deadline;

    /// <summary>Stops renewing without releasing (the row expires after the time to live) and closes the connections.</summary>
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            await StopHeartbeatAsync().ConfigureAwait(false);
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Takes the row when it is absent, expired or this owner's; false when another owner holds it.</summary>
    private Task<bool> TakeAsync(CancellationToken ct) => RunInLockAsync(async (connection, transaction) =>
    {
        using var select = Command(connection, transaction,
            $"SELECT owner, expires_at, expires_at < clock_timestamp() FROM {_schema.Lease} WHERE name = $1", Name);
        string? holder = null;
        var expiresAt = default(DateTime);
        var expired = false;
        await using (var reader = await select.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            if (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                holder = reader.GetString(0);
                expiresAt = reader.GetDateTime(1);
                expired = reader.GetBoolean(2);
            }
        }

        if (holder == Owner && !expired)
        {
            return await RenewRowAsync(connection, transaction, ct).ConfigureAwait(false);
        }
        if (holder is not null && !expired)
        {
            return false;
        }
        if (holder is not null)
        {
            // The previous holder stopped renewing: its interval ended when its row expired.
            await CloseHistoryAsync(connection, transaction, expiresAt, ExpiredReason, ct).ConfigureAwait(false);
            using var delete = Command(connection, transaction, $"DELETE FROM {_schema.Lease} WHERE name = $1", Name);
            await delete.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        using var insert = Command(connection, transaction, $"""
            WITH taken AS (
                INSERT INTO {_schema.Lease} (name, owner, acquired_at, renewed_at, expires_at)
                SELECT $1, $2, now.t, now.t, now.t + $3 FROM (SELECT clock_timestamp() AS t) now
                RETURNING acquired_at)
            INSERT INTO {_schema.History} (name, owner, acquired_at) SELECT $1, $2, acquired_at FROM taken
            """, Name, Owner, Settings.HeartbeatTimeout);
        await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        return true;
    }, ct);

    /// <summary>Extends the row when it is still this owner's and not expired; false otherwise.</summary>
    private Task<bool> RenewAsync(CancellationToken ct) =>
        RunInLockAsync((connection, transaction) => RenewRowAsync(connection, transaction, ct), ct);

    private async Task<bool> RenewRowAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        using var update = Command(connection, transaction, $"""
            UPDATE {_schema.Lease} SET renewed_at = now.t, expires_at = now.t + $3
            FROM (SELECT clock_timestamp() AS t) now
            WHERE name = $1 AND owner = $2 AND expires_at >= now.t
            """, Name, Owner, Settings.HeartbeatTimeout);
        return await update.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
    }

    /// <summary>Ends this owner's open interval at <paramref name="releasedAt"/> (the server's clock when null).</summary>
    private async Task CloseHistoryAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, DateTime? releasedAt, string reason, CancellationToken ct)
    {
        using var close = Command(connection, transaction, $"""
            UPDATE {_schema.History} SET released_at = coalesce($2, clock_timestamp()), release_reason = $3
            WHERE name = $1 AND released_at IS NULL
            """, Name, releasedAt is { } at ? at : DBNull.Value, reason);
        close.Parameters[1].NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz;
        await close.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="work"/> in one transaction holding the advisory lock of this lease's name, so that changes to one name are serialized.</summary>
    private async Task<bool> RunInLockAsync(Func<NpgsqlConnection, NpgsqlTransaction, Task<bool>> work, CancellationToken ct)
    {
        try
        {
            await _initializer.EnsureAsync(ct).ConfigureAwait(false);
            var connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    await LockAsync(connection, transaction, _lockKey, ct).ConfigureAwait(false);
                    var result = await work(connection, transaction).ConfigureAwait(false);
                    await transaction.CommitAsync(ct).ConfigureAwait(false);
                    return result;
                }
            }
        }
        catch (Exception e) when (IsConnectionFailure(e))
        {
            // Idle pooled connections are likely broken as well (server restart, terminated backends).
            _dataSource.Clear();
            throw;
        }
    }

    private async Task HeartbeatAsync(Holding holding, long lastSent)
    {
        var stop = holding.Stop.Token;
        Exception? lastError = null;
        try
        {
            while (true)
            {
                var next = Math.Min(lastSent + Ticks(Settings.HeartbeatInterval), holding.Deadline);
                await Task.Delay(Elapsed(Stopwatch.GetTimestamp(), next), stop).ConfigureAwait(false);

                var sent = Stopwatch.GetTimestamp();
                if (sent >= holding.Deadline)
                {
                    Lose(holding, "no renewal succeeded before the local deadline", lastError);
                    return;
                }
                bool ours;
                try
                {
                    // Bounded by the deadline: a renewal hanging on a dead server must not delay giving up.
                    var renewal = RenewAsync(stop);
                    ObserveLater(renewal);
                    ours = await renewal.WaitAsync(Elapsed(sent, holding.Deadline), stop).ConfigureAwait(false);
                }
                catch (Exception e) when (!stop.IsCancellationRequested)
                {
                    lastError = e;
                    CoordinationLog.RenewFailed(_logger, e, Name, Owner);
                    lastSent = sent;
                    continue;
                }
                if (!ours)
                {
                    Lose(holding, "its row has been taken by another owner or has expired", null);
                    return;
                }
                lastError = null;
                holding.Deadline = sent + Ticks(Settings.LocalValidity);
                lastSent = sent;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private void Lose(Holding holding, string reason, Exception? error)
    {
        if (!holding.MarkLost())
        {
            return;
        }
        CoordinationLog.Lost(_logger, error, Name, Owner, reason);
        try
        {
            holding.LeaseLost(new LeaseLostException(Name, Owner, reason, error));
        }
        catch (Exception e)
        {
            CoordinationLog.CallbackFailed(_logger, e, Name, Owner);
        }
    }

    /// <summary>Ends the current holding without calling its lost callback: the caller gives the lease up itself.</summary>
    private async Task StopHeartbeatAsync()
    {
        if (_holding is not { } holding)
        {
            return;
        }
        _holding = null;
        holding.MarkLost();
        await holding.Stop.CancelAsync().ConfigureAwait(false);
        if (holding.Heartbeat is { } heartbeat)
        {
            await heartbeat.ConfigureAwait(false);
        }
        holding.Stop.Dispose();
    }

    private static void ObserveLater(Task task) =>
        _ = task.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    private static long Ticks(TimeSpan duration) => (long)(duration.TotalSeconds * Stopwatch.Frequency);

    private static TimeSpan Elapsed(long from, long to) => to <= from ? TimeSpan.Zero : Stopwatch.GetElapsedTime(from, to);

    /// <summary>One acquisition: its callback, its local deadline (a <see cref="Stopwatch"/> timestamp) and its renewal loop.</summary>
    private sealed class Holding(Action<Exception?> leaseLost, long deadline)
    {
        private long _deadline = deadline;
        private int _lost;

        public Action<Exception?> LeaseLost { get; } = leaseLost;

        public CancellationTokenSource Stop { get; } = new();

        public Task? Heartbeat { get; set; }

        public long Deadline
        {
            get => Interlocked.Read(ref _deadline);
            set => Interlocked.Exchange(ref _deadline, value);
        }

        public bool IsLost => Volatile.Read(ref _lost) != 0;

        /// <summary>True for the caller that marked it first.</summary>
        public bool MarkLost() => Interlocked.Exchange(ref _lost, 1) == 0;
    }
}
