namespace Lava.Kernel.Persistence;

/// <summary>
/// Settings shared by the journal and the snapshot store of one provider. Names follow Akka.Persistence.PostgreSql
/// (<c>schema-name</c>, <c>table-name</c>, <c>metadata-table-name</c>, <c>auto-initialize</c>).
/// </summary>
/// <param name="ConnectionString">
/// Npgsql connection string for PostgreSQL (e.g. <c>Host=db;Port=5432;Username=lava;Database=lava</c>), or a
/// Microsoft.Data.Sqlite one for SQLite (e.g. <c>Data Source=/var/lib/lava/lava.db</c>).
/// </param>
public sealed record PersistenceStorageSettings(string ConnectionString)
{
    /// <summary>PostgreSQL schema holding the tables; <c>public</c> by default. SQLite has no schemas and ignores it.</summary>
    public string SchemaName { get; init; } = "public";

    /// <summary>Event table; <c>event_journal</c> by default.</summary>
    public string JournalTableName { get; init; } = "event_journal";

    /// <summary>Table keeping the highest sequence number of fully deleted streams; <c>metadata</c> by default.</summary>
    public string MetadataTableName { get; init; } = "metadata";

    /// <summary>Snapshot table; <c>snapshot_store</c> by default.</summary>
    public string SnapshotTableName { get; init; } = "snapshot_store";

    /// <summary>
    /// Table recording applied schema migrations; <c>schema_migrations</c> by default. Give each set of table
    /// names sharing one schema its own migrations table.
    /// </summary>
    public string MigrationsTableName { get; init; } = "schema_migrations";

    /// <summary>
    /// Creates the schema and tables on first use when missing (off by default, as in Akka). Safe when several
    /// processes start at once.
    /// </summary>
    public bool AutoInitialize { get; init; }

    /// <summary>
    /// Most events written in one transaction by the batching writer; 1000 by default. Larger batches raise
    /// throughput and latency of a single write.
    /// </summary>
    public int MaxBatchSize { get; init; } = 1000;

    /// <summary>Timeout of one SQL command, and SQLite's busy timeout; 30 s by default.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
