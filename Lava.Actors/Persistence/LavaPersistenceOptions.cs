namespace Lava.Actors.Persistence;

/// <summary>The database engine of the journal and snapshot store.</summary>
public enum PersistenceProvider
{
    /// <summary>A SQLite file (one master, demos, tests).</summary>
    Sqlite,

    /// <summary>A PostgreSQL database (several masters).</summary>
    PostgreSql,
}

/// <summary>Where and how Lava's events and snapshots are stored; see <see cref="LavaPersistence"/>.</summary>
/// <param name="Provider">The engine.</param>
/// <param name="ConnectionString">A Microsoft.Data.Sqlite connection string (<c>Data Source=/var/lib/lava/journal.db</c>) or an Npgsql one.</param>
public sealed record LavaPersistenceOptions(PersistenceProvider Provider, string ConnectionString)
{
    /// <summary>PostgreSQL only: the schema of the tables; <c>public</c> when null. Ignored for SQLite.</summary>
    public string? SchemaName { get; init; }

    /// <summary>Creates the tables (and the PostgreSQL schema) when missing, at start; for demos and tests.</summary>
    public bool AutoInitialize { get; init; }
}
