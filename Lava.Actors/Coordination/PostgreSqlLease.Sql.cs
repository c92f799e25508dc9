using Akka.Event;
using Npgsql;
using static Lava.Actors.Coordination.LeaseSql;

namespace Lava.Actors.Coordination;

/// <summary>The statements of the lease, each run in one transaction under the advisory lock of its name.</summary>
public sealed partial class PostgreSqlLease
{
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
            """, Name, Owner, _settings.HeartbeatTimeout);
        await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        return true;
    }, ct);

    private Task<bool> RenewAsync(CancellationToken ct) =>
        RunInLockAsync((connection, transaction) => RenewRowAsync(connection, transaction, ct), ct);

    /// <summary>Extends the row when it is still this owner's and not expired; false otherwise.</summary>
    private async Task<bool> RenewRowAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        using var update = Command(connection, transaction, $"""
            UPDATE {_schema.Lease} SET renewed_at = now.t, expires_at = now.t + $3
            FROM (SELECT clock_timestamp() AS t) now
            WHERE name = $1 AND owner = $2 AND expires_at >= now.t
            """, Name, Owner, _settings.HeartbeatTimeout);
        return await update.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
    }

    /// <summary>Ends the open interval of this name at <paramref name="releasedAt"/> (the server's clock when null).</summary>
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
            await EnsureSchemaAsync(ct).ConfigureAwait(false);
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

    /// <summary>Creates the tables once; a failed attempt (database down) is forgotten so the next call tries again.</summary>
    private Task EnsureSchemaAsync(CancellationToken ct)
    {
        lock (_initializing)
        {
            if (_initialized is null || _initialized.IsFaulted || _initialized.IsCanceled)
            {
                _initialized = CreateSchemaAsync(ct);
            }
            return _initialized;
        }
    }

    private async Task CreateSchemaAsync(CancellationToken ct)
    {
        if (await _schema.ApplyAsync(_dataSource, ct).ConfigureAwait(false))
        {
            _log.Info("Created the lease tables {0} and {1}", _schema.Lease, _schema.History);
        }
    }
}
