using Microsoft.Extensions.Logging;
using Npgsql;
using static Lava.Kernel.Persistence.PostgreSql.PostgreSqlCommands;

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
                await LockAsync(connection, transaction, AdvisoryLockKey($"lava-lease-schema:{SchemaName}"), cancellationToken).ConfigureAwait(false);
                // Existing tables need no DDL at all, so a role with only DML rights on them works.
                using (var present = Command(connection, transaction, "SELECT to_regclass($1) IS NOT NULL AND to_regclass($2) IS NOT NULL", Lease, History))
                {
                    if (await present.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true)
                    {
                        return;
                    }
                }
                await CreateSchemaIfMissingAsync(connection, transaction, SchemaName, Quote(SchemaName), cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, transaction, $"""
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

    private static string Quote(string identifier) => $"\"{identifier.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
