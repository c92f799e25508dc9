using System.Diagnostics;
using System.Text.Json;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence.Query;
using Akka.Persistence.Sql;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Lava.Bench.Journal;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Lava.Bench;

/// <summary>
/// Journal figures on Akka.Persistence.Sql, SQLite then PostgreSQL: 100 persistent actors appending 100,000 tagged
/// events at once (atomic writes of 10, each after the previous committed), the recovery of those actors, and a
/// projection's read of all those events by tag.
/// </summary>
internal sealed partial class KernelBench
{
    private const int JournalWriters = 100;
    private const int WritesPerWriter = 100;
    private const int EventsPerWrite = 10;
    private const int WarmupWriters = 10;
    private const int WarmupWrites = 10;
    private const long JournalEvents = (long)JournalWriters * WritesPerWriter * EventsPerWrite;
    private static readonly TimeSpan JournalDeadline = TimeSpan.FromMinutes(10);

    private async IAsyncEnumerable<Figure> RunJournalAsync()
    {
        var file = Path.Combine(Path.GetTempPath(), $"lava-bench-{Guid.NewGuid():N}.db");
        try
        {
            var sqlite = $"Data Source={file}";
            await ExecuteSqliteAsync(sqlite, "PRAGMA journal_mode=WAL"); // Lava's SQLite journal runs in WAL mode
            var config = JournalConfig(sqlite, "SQLite.MS", tableMapping: "sqlite");
            await foreach (var figure in MeasureJournalAsync("sqlite", config, afterAppend: () => Task.CompletedTask))
            {
                yield return figure;
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(file + suffix);
        }

        if (string.IsNullOrEmpty(postgres))
        {
            await Console.Error.WriteLineAsync(
                "kernel: journal figures on postgresql skipped: give --postgres CONNECTION or set LAVA_BENCH_POSTGRES or LAVA_TEST_POSTGRES");
            yield break;
        }

        var database = $"lava_bench_{Guid.NewGuid():N}"[..24];
        await ExecutePostgresAsync(postgres, $"CREATE DATABASE \"{database}\"");
        try
        {
            var connectionString = new NpgsqlConnectionStringBuilder(postgres) { Database = database }.ConnectionString;
            var config = JournalConfig(connectionString, "PostgreSQL.15", tableMapping: null);
            // Straight after 100,000 inserts the table has no statistics until autovacuum analyzes it, and the by-tag
            // page query (ordering range, LIKE on tags, LIMIT 500) is then planned as a bitmap scan of the whole range
            // and a sort: 23 ms a page instead of 0.3 ms. Analyzing measures the journal as it runs in service.
            await foreach (var figure in MeasureJournalAsync("postgresql", config, afterAppend: () => ExecutePostgresAsync(connectionString, "ANALYZE journal")))
            {
                yield return figure;
            }
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecutePostgresAsync(postgres, $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
        }
    }

    private async IAsyncEnumerable<Figure> MeasureJournalAsync(string provider, Config config, Func<Task> afterAppend)
    {
        var system = BenchSystem.Create(config);
        try
        {
            // Warm-up: table creation, JIT, connection pools and the query side's sequence tracking stay out of the timed runs.
            var warmup = await StartWritersAsync(system, "warmup", WarmupWriters);
            await WriteAsync(warmup, WarmupWrites);
            await StopAsync(warmup);
            await ReplayAsync(system, "warmup", WarmupWriters);
            await ReadByTagAsync(system, "warmup");

            var writers = await StartWritersAsync(system, "bench", JournalWriters);
            var watch = Stopwatch.StartNew();
            await WriteAsync(writers, WritesPerWriter);
            yield return new Figure(Name, $"journal_append_events_per_s_{provider}", JournalEvents / watch.Elapsed.TotalSeconds, "events/s");
            await StopAsync(writers);
            await afterAppend();

            watch.Restart();
            var replayed = await ReplayAsync(system, "bench", JournalWriters);
            var replayTime = watch.Elapsed;
            Expect(provider, "replayed", replayed);
            yield return new Figure(Name, $"journal_replay_events_per_s_{provider}", replayed / replayTime.TotalSeconds, "events/s");

            // The query side learns the journal's highest ordering by polling (journal-sequence-retrieval, 1 s), so a
            // read right after the appends also waits for that poll; this untimed read lets it catch up, as the
            // tracker has at a projection's rebuild on start.
            Expect(provider, "read by tag", await ReadByTagAsync(system, "bench"));
            watch.Restart();
            var read = await ReadByTagAsync(system, "bench");
            var readTime = watch.Elapsed;
            Expect(provider, "read by tag", read);
            yield return new Figure(Name, $"projection_events_per_s_{provider}", read / readTime.TotalSeconds, "events/s");
        }
        finally
        {
            await system.Terminate();
        }
    }

    /// <summary>Starts the writers and returns once each has recovered, so recovery stays out of the append time.</summary>
    private static async Task<IActorRef[]> StartWritersAsync(ActorSystem system, string run, int count)
    {
        var writers = Enumerable.Range(0, count).Select(i => system.ActorOf(JournalWriter.Props(run, $"{run}-{i}"))).ToArray();
        await Task.WhenAll(writers.Select(w => w.Ask<JournalWriter.Replayed>(JournalWriter.CountReplayed.Instance, JournalDeadline)));
        return writers;
    }

    private static Task WriteAsync(IActorRef[] writers, int writes) =>
        Task.WhenAll(writers.Select(w => w.Ask<JournalWriter.Written>(new JournalWriter.Write(writes, EventsPerWrite), JournalDeadline)));

    private static Task StopAsync(IActorRef[] writers) => Task.WhenAll(writers.Select(w => w.GracefulStop(JournalDeadline)));

    /// <summary>Recovers new incarnations of the run's writers, all at once, and returns the events they replayed.</summary>
    private static async Task<long> ReplayAsync(ActorSystem system, string run, int count)
    {
        var writers = Enumerable.Range(0, count).Select(i => system.ActorOf(JournalWriter.Props(run, $"{run}-{i}"))).ToArray();
        var replayed = await Task.WhenAll(writers.Select(w => w.Ask<JournalWriter.Replayed>(JournalWriter.CountReplayed.Instance, JournalDeadline)));
        await StopAsync(writers);
        return replayed.Sum(r => r.Events);
    }

    /// <summary>Reads every event tagged with the run, as a projection rebuilding from offset zero does.</summary>
    private static Task<long> ReadByTagAsync(ActorSystem system, string run) =>
        PersistenceQuery.Get(system)
            .ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier)
            .CurrentEventsByTag(run, Offset.NoOffset())
            .RunWith(Sink.Aggregate<EventEnvelope, long>(0, (n, _) => n + 1), system.Materializer())
            .WaitAsync(JournalDeadline);

    private static void Expect(string provider, string what, long events)
    {
        if (events != JournalEvents)
        {
            throw new InvalidOperationException($"{provider}: {what} {events} events of {JournalEvents} appended");
        }
    }

    /// <summary>Akka.Persistence.Sql's journal, query and snapshot plugins on one database, with CSV tags.</summary>
    private static Config JournalConfig(string connectionString, string providerName, string? tableMapping)
    {
        var connection = $"connection-string = {JsonSerializer.Serialize(connectionString)}\nprovider-name = {providerName}";
        var mapping = tableMapping is null ? "" : $"table-mapping = {tableMapping}";
        // PostgreSQL's multi-row inserts run markedly faster with parameters (akka-findings.md: 3.6k → 7.3k events/s).
        var inserts = providerName.StartsWith("PostgreSQL", StringComparison.Ordinal)
            ? "tagtable-asqueryable-insert-mode = parameterized\nprefer-parameters-on-multirow-insert = true"
            : "";
        return ConfigurationFactory.ParseString($$"""
            akka.actor {
              serializers.bench-json = "Lava.Bench.Journal.BenchEventSerializer, Lava.Bench"
              serialization-bindings { "Lava.Bench.Journal.BenchEvent, Lava.Bench" = bench-json }
            }
            akka.persistence {
              journal {
                plugin = akka.persistence.journal.sql
                sql {
                  {{connection}}
                  {{mapping}}
                  {{inserts}}
                  tag-write-mode = Csv
                  replay-batch-size = 10000
                  event-adapters.tagger = "Lava.Bench.Journal.BenchTagger, Lava.Bench"
                  event-adapter-bindings { "Lava.Bench.Journal.BenchEvent, Lava.Bench" = tagger }
                }
              }
              query.journal.sql {
                {{connection}}
                {{mapping}}
                write-plugin = akka.persistence.journal.sql
                tag-read-mode = Csv
                replay-batch-size = 10000
              }
              snapshot-store {
                plugin = akka.persistence.snapshot-store.sql
                sql {
                  {{connection}}
                  {{mapping}}
                }
              }
            }
            """).WithFallback(SqlPersistence.DefaultConfiguration);
    }

    private static async Task ExecuteSqliteAsync(string connectionString, string sql)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new SqliteCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task ExecutePostgresAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
