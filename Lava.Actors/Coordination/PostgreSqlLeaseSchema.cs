using Npgsql;
using static Lava.Actors.Coordination.LeaseSql;

namespace Lava.Actors.Coordination;

/// <summary>
/// The lease tables: <c>lava_lease</c> (one row per held name) and <c>lava_lease_history</c> (one row per
/// holding interval). Created idempotently in one transaction under an advisory lock, so processes starting
/// together do not race on the DDL.
/// </summary>
internal sealed class PostgreSqlLeaseSchema(string schemaName)
{
    public string SchemaName { get; } = schemaName;

    /// <summary>The quoted lease table.</summary>
    public string Lease { get; } = $"{Quote(schemaName)}.\"lava_lease\"";

    /// <summary>The quoted history table.</summary>
    public string History { get; } = $"{Quote(schemaName)}.\"lava_lease_history\"";

    /// <summary>True when it created the tables, false when they were there.</summary>
    public async Task<bool> ApplyAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await LockAsync(connection, transaction, AdvisoryLockKey($"lava-lease-schema:{SchemaName}"), ct).ConfigureAwait(false);
                // Existing tables need no DDL at all, so a role with only DML rights on them works.
                using (var present = Command(connection, transaction, "SELECT to_regclass($1) IS NOT NULL AND to_regclass($2) IS NOT NULL", Lease, History))
                {
                    if (await present.ExecuteScalarAsync(ct).ConfigureAwait(false) is true)
                    {
                        return false;
                    }
                }
                // CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege even when the schema exists: look first.
                using (var schema = Command(connection, transaction, "SELECT count(*) FROM pg_namespace WHERE nspname = $1", SchemaName))
                {
                    if (Convert.ToInt64(await schema.ExecuteScalarAsync(ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) == 0)
                    {
                        using var create = Command(connection, transaction, $"CREATE SCHEMA {Quote(SchemaName)}");
                        await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                    }
                }
                using (var tables = Command(connection, transaction, $"""
                    CREATE TABLE IF NOT EXISTS {Lease} (
                        name         TEXT        NOT NULL PRIMARY KEY,
                        owner        TEXT        NOT NULL,
                        acquired_at  TIMESTAMPTZ NOT NULL,
                        renewed_at   TIMESTAMPTZ NOT NULL,
                        expires_at   TIMESTAMPTZ NOT NULL
                    );
                    CREATE TABLE IF NOT EXISTS {History} (
                        id              BIGSERIAL   NOT NULL PRIMARY KEY,
                        name            TEXT        NOT NULL,
                        owner           TEXT        NOT NULL,
                        acquired_at     TIMESTAMPTZ NOT NULL,
                        released_at     TIMESTAMPTZ NULL,
                        release_reason  TEXT        NULL
                    );
                    CREATE INDEX IF NOT EXISTS "lava_lease_history_name_idx" ON {History} (name, acquired_at);
                    """))
                {
                    await tables.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return true;
            }
        }
    }
}
