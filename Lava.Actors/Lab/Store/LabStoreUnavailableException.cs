using Npgsql;

namespace Lava.Actors.Lab.Store;

/// <summary>
/// The lab database cannot be reached (connection refused or lost, server shutting down or out of connections), so
/// the operation did not happen and may be retried later. The HTTP API answers it with 503.
/// </summary>
public sealed class LabStoreUnavailableException : Exception
{
    /// <summary>Wraps the driver's <paramref name="innerException"/>, naming <paramref name="database"/> in the message.</summary>
    public LabStoreUnavailableException(LabDatabase database, Exception innerException)
        : base($"the lab database ({database}) is unavailable: {innerException?.Message}", innerException)
    {
        ArgumentNullException.ThrowIfNull(database);
        Database = database;
    }

    /// <summary>The database that could not be reached.</summary>
    public LabDatabase Database { get; }

    /// <summary>
    /// True for the PostgreSQL failures that say nothing about the request, only that the server is out of reach:
    /// network and timeout failures (Npgsql's own exceptions), connection exceptions (SQLSTATE class 08), the
    /// server shutting down or starting (57P01-57P03), and too many connections (53300).
    /// </summary>
    internal static bool Means(Exception exception) => exception switch
    {
        PostgresException e => e.SqlState.StartsWith("08", StringComparison.Ordinal)
            || e.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
            || e.SqlState == PostgresErrorCodes.TooManyConnections,
        NpgsqlException => true,
        _ => false,
    };
}
