using System.Runtime.CompilerServices;
using Akka.Hosting;
using Akka.Persistence.Sql.Config;
using LinqToDB;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Lava.Actors.Persistence;

/// <summary>
/// The journal, snapshot store and query journal of Lava on Akka.Persistence.Sql, for SQLite or PostgreSQL.
/// Events and snapshots are written by <c>LavaJsonSerializer</c> through its <c>ILavaWireMessage</c> binding
/// (add <c>WithLavaSerialization</c> or <c>LavaSerialization.Hocon</c> too); <see cref="ITaggedEvent"/>s are tagged
/// by <see cref="EventTagger"/>, with the tags in the journal's CSV column; read models use
/// <c>PersistenceQuery.Get(system).ReadJournalFor&lt;SqlReadJournal&gt;(SqlReadJournal.Identifier)</c>.
/// </summary>
/// <remarks>
/// The configuration is HOCON, not Akka.Persistence.Sql.Hosting's option objects: those cannot express
/// <c>replay-batch-size</c>, <c>tagtable-asqueryable-insert-mode</c> or <c>prefer-parameters-on-multirow-insert</c>,
/// and plain actor systems (bench, tools) need the very same configuration.
/// </remarks>
public static class LavaPersistence
{
    /// <summary>The journal plugin's path.</summary>
    public const string JournalPluginId = "akka.persistence.journal.sql";

    /// <summary>The snapshot store plugin's path.</summary>
    public const string SnapshotPluginId = "akka.persistence.snapshot-store.sql";

    private const string SqliteProvider = "SQLite.MS";

    // Replay of one id on PostgreSQL went from 29k to 45k events/s with 10,000 instead of the default 1,000.
    private const int ReplayBatchSize = 10_000;

    /// <summary>Configures persistence with <paramref name="options"/>, after <see cref="PrepareStore"/>.</summary>
    public static AkkaConfigurationBuilder WithLavaPersistence(this AkkaConfigurationBuilder builder, LavaPersistenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        PrepareStore(options);
        if (options.Provider == PersistenceProvider.Sqlite)
        {
            // Every connection the journal, the snapshot store and the read journal open waits for the write lock in
            // SQLite (see SqliteBusyWait); these options replace the HOCON connection string and provider, to the same.
            builder.AddSetup(new DataOptionsSetup(new DataOptions()
                .UseConnectionString(SqliteProvider, options.ConnectionString)
                .UseAfterConnectionOpened(SqliteBusyWait.Apply, SqliteBusyWait.ApplyAsync)));
        }
        return builder.AddHocon(Hocon(options), HoconAddMode.Prepend);
    }

    /// <summary>The whole persistence configuration as HOCON, for an <c>ActorSystem</c> built from configuration; call <see cref="PrepareStore"/> first.</summary>
    public static string Hocon(LavaPersistenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (provider, mapping, tuning) = options.Provider switch
        {
            // Rows as parameters, not as SQL text: the payloads were written out as hex literals into a fresh statement
            // per batch (a tenth of what the master allocated in a burst of REST submissions).
            PersistenceProvider.Sqlite => (SqliteProvider, "sqlite", "prefer-parameters-on-multirow-insert = true"),
            // Doubles tagged appends (3.6k to 7.3k events/s measured).
            PersistenceProvider.PostgreSql => ("PostgreSQL.15", "postgresql", """
                tagtable-asqueryable-insert-mode = parameterized
                prefer-parameters-on-multirow-insert = true
                """),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Provider, "unknown provider"),
        };
        // Microsoft.Data.Sqlite opens every transaction but a read-uncommitted one with BEGIN IMMEDIATE, which takes the
        // file's write lock: reads (the read journal's polls, replays) then queue with the writers, and a connection that
        // finds the lock taken sleeps 150 ms. Read-uncommitted gives a deferred BEGIN: in WAL mode, a consistent snapshot.
        var readIsolation = options.Provider == PersistenceProvider.Sqlite ? "read-isolation-level = read-uncommitted" : "";
        // Both mappings name the same columns (event_journal: payload, manifest, serializer_id, tags).
        var schema = options.Provider == PersistenceProvider.PostgreSql ? $"{mapping}.schema-name = {HoconText.Quote(options.SchemaName ?? "public")}" : "";
        var connection = $"""
            connection-string = {HoconText.Quote(options.ConnectionString)}
            provider-name = {provider}
            table-mapping = {mapping}
            {schema}
            """;
        var autoInitialize = options.AutoInitialize ? "on" : "off";
        // Each class is named here: the plugins' reference configuration is only a fallback once they run.
        // Tags live in the journal's CSV column: with the tag table, 1.5.73's tag queries scan the whole table per row.
        return $$"""
            akka.persistence {
              journal {
                plugin = "{{JournalPluginId}}"
                sql {
                  class = "Akka.Persistence.Sql.Journal.SqlWriteJournal, Akka.Persistence.Sql"
                  {{connection}}
                  auto-initialize = {{autoInitialize}}
                  {{readIsolation}}
                  tag-write-mode = Csv
                  replay-batch-size = {{ReplayBatchSize}}
                  {{tuning}}
                  event-adapters { lava-tagger = "Lava.Actors.Persistence.EventTagger, Lava.Actors" }
                  event-adapter-bindings { "Lava.Actors.Persistence.ITaggedEvent, Lava.Actors" = lava-tagger }
                }
              }
              snapshot-store {
                plugin = "{{SnapshotPluginId}}"
                sql {
                  class = "Akka.Persistence.Sql.Snapshot.SqlSnapshotStore, Akka.Persistence.Sql"
                  {{connection}}
                  {{readIsolation}}
                  auto-initialize = {{autoInitialize}}
                }
              }
              query.journal.sql {
                class = "Akka.Persistence.Sql.Query.SqlReadJournalProvider, Akka.Persistence.Sql"
                {{connection}}
                {{readIsolation}}
                write-plugin = "{{JournalPluginId}}"
                tag-read-mode = Csv
                replay-batch-size = {{ReplayBatchSize}}
                # A read of the journal (the jobs projection's, once a write is announced) returns events up to the
                # highest ordering a lookup refreshes every 100 ms, and asks for it again every 20 ms until that
                # covers the events in the database: job lists follow a write within about 0.1 s, not 1-2 s.
                refresh-interval = 20ms
                journal-sequence-retrieval.query-delay = 100ms
              }
            }
            """;
    }

    /// <summary>
    /// Readies the database before the journal opens it: a SQLite file is created with its directory and switched to
    /// write-ahead logging (a lasting property of the file: appends went from 900 to 2,300 events/s); with
    /// <see cref="LavaPersistenceOptions.AutoInitialize"/>, a missing PostgreSQL schema is created, which the journal
    /// does not do itself.
    /// </summary>
    public static void PrepareStore(LavaPersistenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        switch (options.Provider)
        {
            case PersistenceProvider.Sqlite:
                var file = new SqliteConnectionStringBuilder(options.ConnectionString).DataSource;
                if (Path.GetDirectoryName(Path.GetFullPath(file)) is { Length: > 0 } directory)
                {
                    Directory.CreateDirectory(directory);
                }
                using (var sqlite = new SqliteConnection(options.ConnectionString))
                {
                    sqlite.Open();
                    using var wal = sqlite.CreateCommand();
                    wal.CommandText = "PRAGMA journal_mode = WAL";
                    wal.ExecuteNonQuery();
                }
                break;
            case PersistenceProvider.PostgreSql when options.AutoInitialize && options.SchemaName is { } schemaName:
                CreatePostgreSqlSchema(options.ConnectionString, schemaName);
                break;
        }
    }

    // A method of its own: a SQLite store never loads Npgsql, which the JIT would load to compile a method naming it.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void CreatePostgreSqlSchema(string connectionString, string schemaName)
    {
        using var postgres = new NpgsqlConnection(connectionString);
        postgres.Open();
        using var create = postgres.CreateCommand();
        create.CommandText = $"CREATE SCHEMA IF NOT EXISTS \"{schemaName.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
        create.ExecuteNonQuery();
    }
}
