using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Lava.Kernel;

/// <summary>
/// The lease tables: <c>lava_lease</c> (one row per held name) and <c>lava_lease_history</c> (one row per
/// holding interval). Created idempotently in one transaction under an advisory lock, so processes starting
/// together do not race on the DDL.
/// </summary>
internal sealed class PostgreSqlLeaseSchema
{
    public PostgreSqlLeaseSchema(string schemaName)
    {
        SchemaName = schemaName;
        var schema = Quote(schemaName);
        Lease = $"{schema}.\"lava_lease\"";
        History = $"{schema}.\"lava_lease_history\"";
    }

    public string SchemaName { get; }

    /// <summary>The quoted lease table.</summary>
    public string Lease { get; }

    /// <summary>The quoted history table.</summary>
    public string History { get; }

    public async Task ApplyAsync(NpgsqlDataSource dataSource, string endpoint, ILogger logger, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock($1)", cancellationToken, LockKey($"lava-lease-schema:{SchemaName}")).ConfigureAwait(false);
                // Existing tables need no DDL at all, so a role with only DML rights on them works.
                using (var present = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL AND to_regclass($2) IS NOT NULL", connection))
                {
                    present.Parameters.Add(new NpgsqlParameter { Value = Lease });
                    present.Parameters.Add(new NpgsqlParameter { Value = History });
                    if (await present.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true)
                    {
                        return;
                    }
                }
                // CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege even when the schema exists: look first.
                using (var exists = new NpgsqlCommand("SELECT count(*) FROM pg_namespace WHERE nspname = $1", connection))
                {
                    exists.Parameters.Add(new NpgsqlParameter { Value = SchemaName });
                    if (Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) == 0)
                    {
                        await ExecuteAsync(connection, $"CREATE SCHEMA {Quote(SchemaName)}", cancellationToken).ConfigureAwait(false);
                    }
                }
                await ExecuteAsync(connection, $"""
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
                    """, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        CoordinationLog.SchemaReady(logger, Lease, History, endpoint);
    }

    /// <summary>A stable 64-bit advisory lock key (FNV-1a; string.GetHashCode is randomized per process).</summary>
    public static long LockKey(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }
        return unchecked((long)hash);
    }

    private static string Quote(string identifier) => $"\"{identifier.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] args)
    {
        using var command = new NpgsqlCommand(sql, connection);
        foreach (var arg in args)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = arg });
        }
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
