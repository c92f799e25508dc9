using System.Data.Common;

namespace Lava.Actors.Persistence;

/// <summary>
/// Makes a SQLite connection wait for another connection's write lock inside SQLite. Microsoft.Data.Sqlite sets no
/// busy timeout: a connection that finds the lock taken gets SQLITE_BUSY at once and the driver tries again after
/// sleeping 150 ms, so under concurrent writers (the journal, the projections, job ids) every collision cost a writer
/// 150 ms. SQLite's own busy handler retries within milliseconds.
/// </summary>
public static class SqliteBusyWait
{
    /// <summary>The longest SQLite waits for a lock before the driver's own retries take over.</summary>
    public const int Milliseconds = 30_000;

    private const string Pragma = "PRAGMA busy_timeout = 30000";

    /// <summary>Sets the busy timeout of the open <paramref name="connection"/>; it lasts while the pool keeps it.</summary>
    public static void Apply(DbConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        command.ExecuteNonQuery();
    }

    /// <summary>As <see cref="Apply"/>, for asynchronous openers.</summary>
    public static async Task ApplyAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
