using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Lava.Actors.Persistence;
using Lava.Actors.Wire;
using Lava.Bench.Journal;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Lava.Bench;

/// <summary>
/// Journal figures on Lava's persistence (<see cref="LavaPersistence"/>, <see cref="LavaSerialization"/>), SQLite then
/// PostgreSQL: 100 persistent actors appending 100,000 <see cref="WorkerPresenceChanged"/> events at once (atomic
/// writes of 10, each after the previous committed), the recovery of those actors, and a projection's read of all
/// those events by their tag.
/// </summary>
internal sealed partial class KernelBench
{
    private const int JournalWriters = 100;
    private const int WritesPerWriter = 100;
    private const int EventsPerWrite = 10;
    private const int WarmupWriters = 10;
    private const int WarmupWrites = 10;
    private const long JournalEvents = (long)JournalWriters * WritesPerWriter * EventsPerWrite;
    private const long WarmupEvents = (long)WarmupWriters * WarmupWrites * EventsPerWrite;
    private static readonly TimeSpan JournalDeadline = TimeSpan.FromMinutes(10);

    private async IAsyncEnumerable<Figure> RunJournalAsync()
    {
        var file = Path.Combine(Path.GetTempPath(), $"lava-bench-{Guid.NewGuid():N}.db");
        try
        {
            var options = new LavaPersistenceOptions(PersistenceProvider.Sqlite, $"Data Source={file}") { AutoInitialize = true };
            await foreach (var figure in MeasureJournalAsync("sqlite", options, afterAppend: () => Task.CompletedTask))
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
            var options = new LavaPersistenceOptions(PersistenceProvider.PostgreSql, connectionString) { AutoInitialize = true };
            // Straight after 100,000 inserts the table has no statistics until autovacuum analyzes it, and the by-tag
            // page query (ordering range, LIKE on tags, LIMIT 500) is then planned as a bitmap scan of the whole range
            // and a sort: 23 ms a page instead of 0.3 ms. Analyzing measures the journal as it runs in service.
            await foreach (var figure in MeasureJournalAsync("postgresql", options, afterAppend: () => ExecutePostgresAsync(connectionString, "ANALYZE event_journal")))
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

    private async IAsyncEnumerable<Figure> MeasureJournalAsync(string provider, LavaPersistenceOptions options, Func<Task> afterAppend)
    {
        LavaPersistence.PrepareStore(options);
        var system = BenchSystem.Create(ConfigurationFactory.ParseString(LavaSerialization.Hocon + "\n" + LavaPersistence.Hocon(options)));
        try
        {
            // Warm-up: table creation, JIT, connection pools and the query side's sequence tracking stay out of the timed runs.
            var warmup = await StartWritersAsync(system, "warmup", WarmupWriters);
            await WriteAsync(warmup, WarmupWrites);
            await StopAsync(warmup);
            await ReplayAsync(system, "warmup", WarmupWriters);
            Expect(provider, "read by tag", await ReadByTagAsync(system), WarmupEvents);

            var writers = await StartWritersAsync(system, "bench", JournalWriters);
            var watch = Stopwatch.StartNew();
            await WriteAsync(writers, WritesPerWriter);
            yield return new Figure(Name, $"journal_append_events_per_s_{provider}", JournalEvents / watch.Elapsed.TotalSeconds, "events/s");
            await StopAsync(writers);
            await afterAppend();

            watch.Restart();
            var replayed = await ReplayAsync(system, "bench", JournalWriters);
            var replayTime = watch.Elapsed;
            Expect(provider, "replayed", replayed, JournalEvents);
            yield return new Figure(Name, $"journal_replay_events_per_s_{provider}", replayed / replayTime.TotalSeconds, "events/s");

            // The query side learns the journal's highest ordering by polling (journal-sequence-retrieval, 1 s), so a
            // read right after the appends also waits for that poll; this untimed read lets it catch up, as the
            // tracker has at a projection's rebuild on start.
            // The tag's stream holds the warm-up's events too, as a projection reads every event of its tag.
            Expect(provider, "read by tag", await ReadByTagAsync(system), WarmupEvents + JournalEvents);
            watch.Restart();
            var read = await ReadByTagAsync(system);
            var readTime = watch.Elapsed;
            Expect(provider, "read by tag", read, WarmupEvents + JournalEvents);
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
        var writers = Enumerable.Range(0, count).Select(i => system.ActorOf(JournalWriter.Props($"{run}-{i}"))).ToArray();
        await Task.WhenAll(writers.Select(w => w.Ask<JournalWriter.Replayed>(JournalWriter.CountReplayed.Instance, JournalDeadline)));
        return writers;
    }

    private static Task WriteAsync(IActorRef[] writers, int writes) =>
        Task.WhenAll(writers.Select(w => w.Ask<JournalWriter.Written>(new JournalWriter.Write(writes, EventsPerWrite), JournalDeadline)));

    private static Task StopAsync(IActorRef[] writers) => Task.WhenAll(writers.Select(w => w.GracefulStop(JournalDeadline)));

    /// <summary>Recovers new incarnations of the run's writers, all at once, and returns the events they replayed.</summary>
    private static async Task<long> ReplayAsync(ActorSystem system, string run, int count)
    {
        var writers = Enumerable.Range(0, count).Select(i => system.ActorOf(JournalWriter.Props($"{run}-{i}"))).ToArray();
        var replayed = await Task.WhenAll(writers.Select(w => w.Ask<JournalWriter.Replayed>(JournalWriter.CountReplayed.Instance, JournalDeadline)));
        await StopAsync(writers);
        return replayed.Sum(r => r.Events);
    }

    /// <summary>Reads every presence event, as a projection rebuilding from offset zero does.</summary>
    private static Task<long> ReadByTagAsync(ActorSystem system) =>
        PersistenceQuery.Get(system)
            .ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier)
            .CurrentEventsByTag(WorkerPresenceChanged.Tag, Offset.NoOffset())
            .RunWith(Sink.Aggregate<EventEnvelope, long>(0, (n, _) => n + 1), system.Materializer())
            .WaitAsync(JournalDeadline);

    private static void Expect(string provider, string what, long events, long expected)
    {
        if (events != expected)
        {
            throw new InvalidOperationException($"{provider}: {what} {events} events, not the {expected} appended");
        }
    }

    private static async Task ExecutePostgresAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
