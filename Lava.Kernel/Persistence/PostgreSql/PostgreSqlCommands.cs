using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace Lava.Kernel.Persistence.PostgreSql;

/// <summary>
/// What the PostgreSQL clients of the kernel (journal, snapshot store, lease) share: positional commands, advisory
/// locks, schema creation, the endpoint name and the test for a failed connection.
/// </summary>
internal static class PostgreSqlCommands
{
    /// <summary>Names the server of <paramref name="connection"/> in logs and errors, e.g. <c>PostgreSQL at 127.0.0.1:5432</c>.</summary>
    public static string Endpoint(NpgsqlConnectionStringBuilder connection) => $"PostgreSQL at {connection.Host}:{connection.Port}";

    /// <summary>A stable 64-bit advisory lock key for <paramref name="text"/> (FNV-1a; string.GetHashCode is randomized per process).</summary>
    public static long AdvisoryLockKey(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }
        return unchecked((long)hash);
    }

    /// <summary>Takes the advisory lock <paramref name="key"/> until the current transaction ends.</summary>
    public static Task LockAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long key, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock($1)", cancellationToken, key);

    /// <summary>
    /// Creates the schema <paramref name="schemaName"/> (spliced into SQL as <paramref name="quotedSchema"/>) when
    /// missing. CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege even when the schema exists: look first.
    /// </summary>
    public static async Task CreateSchemaIfMissingAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string schemaName, string quotedSchema, CancellationToken cancellationToken)
    {
        if (await ScalarAsync(connection, transaction, "SELECT count(*) FROM pg_namespace WHERE nspname = $1", cancellationToken, schemaName).ConfigureAwait(false) == 0)
        {
            await ExecuteAsync(connection, transaction, $"CREATE SCHEMA {quotedSchema}", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// True when <paramref name="error"/> means the server cannot be reached or dropped the connection (down,
    /// restarting, backend terminated): the pooled connections are then likely broken as well. An error already
    /// mapped to <see cref="PersistenceStoreUnavailableException"/> is not mapped again.
    /// </summary>
    public static bool IsConnectionFailure(Exception error) => error switch
    {
        PersistenceStoreUnavailableException => false,
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal)
            || pg.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow,
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is SocketException or IOException or TimeoutException,
        SocketException or IOException or TimeoutException => true,
        _ => error.InnerException is { } inner && IsConnectionFailure(inner),
    };

    /// <summary>Runs <paramref name="sql"/> with positional parameters <c>$1</c>, <c>$2</c>… taken from <paramref name="args"/>.</summary>
    public static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken, params object[] args)
    {
        using var command = Command(connection, transaction, sql, args);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs the query <paramref name="sql"/> and returns its single value as a number.</summary>
    public static async Task<long> ScalarAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken, params object[] args)
    {
        using var command = Command(connection, transaction, sql, args);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A command for <paramref name="sql"/> with positional parameters <c>$1</c>, <c>$2</c>… taken from <paramref name="args"/>.</summary>
    public static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params object[] args)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var arg in args)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = arg });
        }
        return command;
    }
}
