using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace Lava.Actors.Coordination;

/// <summary>The SQL plumbing of the lease: positional commands, advisory locks, quoting and the test for a broken connection.</summary>
internal static class LeaseSql
{
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
    public static async Task LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long key, CancellationToken ct)
    {
        using var command = Command(connection, transaction, "SELECT pg_advisory_xact_lock($1)", key);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
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

    public static string Quote(string identifier) => $"\"{identifier.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    /// <summary>
    /// True when <paramref name="error"/> means the server cannot be reached or dropped the connection (down,
    /// restarting, backend terminated): the pooled connections are then likely broken as well.
    /// </summary>
    public static bool IsConnectionFailure(Exception error) => error switch
    {
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal)
            || pg.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow,
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is SocketException or IOException or TimeoutException,
        SocketException or IOException or TimeoutException => true,
        _ => error.InnerException is { } inner && IsConnectionFailure(inner),
    };
}
