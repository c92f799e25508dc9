using Lava.Kernel.Persistence.PostgreSql;
using Lava.Kernel.Persistence.Sqlite;
using Microsoft.Extensions.Logging;

namespace Lava.Kernel.Persistence;

/// <summary>Creates the journal and snapshot store of a provider chosen by name (the <c>plugin</c> setting).</summary>
public static class PersistenceProviders
{
    /// <summary>The embedded provider: one SQLite file.</summary>
    public const string Sqlite = "sqlite";

    /// <summary>The production provider: a PostgreSQL server.</summary>
    public const string PostgreSql = "postgresql";

    /// <summary>Creates the journal of provider <paramref name="kind"/> (<c>sqlite</c> or <c>postgresql</c>, case-insensitive).</summary>
    /// <exception cref="ArgumentException">The provider is unknown.</exception>
    public static IJournal CreateJournal(string kind, PersistenceStorageSettings settings, EventRegistry registry, ILoggerFactory? loggerFactory = null) =>
        Normalize(kind) switch
        {
            Sqlite => new SqliteJournal(settings, registry, loggerFactory),
            _ => new PostgreSqlJournal(settings, registry, loggerFactory),
        };

    /// <summary>Creates the snapshot store of provider <paramref name="kind"/> (<c>sqlite</c> or <c>postgresql</c>, case-insensitive).</summary>
    /// <exception cref="ArgumentException">The provider is unknown.</exception>
    public static ISnapshotStore CreateSnapshotStore(string kind, PersistenceStorageSettings settings, EventRegistry registry, ILoggerFactory? loggerFactory = null) =>
        Normalize(kind) switch
        {
            Sqlite => new SqliteSnapshotStore(settings, registry, loggerFactory),
            _ => new PostgreSqlSnapshotStore(settings, registry, loggerFactory),
        };

    private static string Normalize(string kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        var normalized = kind.Trim().ToLowerInvariant();
        return normalized is Sqlite or PostgreSql
            ? normalized
            : throw new ArgumentException($"Unknown persistence provider '{kind}': use '{Sqlite}' or '{PostgreSql}'.", nameof(kind));
    }
}
