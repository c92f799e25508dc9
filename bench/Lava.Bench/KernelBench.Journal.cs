using System.Diagnostics;
using System.Runtime.CompilerServices;
using Lava.Kernel.Persistence;
using Lava.Kernel.Persistence.PostgreSql;
using Lava.Kernel.Persistence.Sqlite;
using Npgsql;

namespace Lava.Bench;

/// <summary>Journal throughput, measured on the journal API itself (no actors).</summary>
public sealed partial class KernelBench
{
    private const int JournalWriters = 100;
    private const int WritesPerWriter = 200;
    private const int EventsPerWrite = 10;

    /// <summary>
    /// Appends 200,000 events from 100 concurrent writers (one persistence id each, atomic writes of 10 events,
    /// each writer awaiting its previous write as a persistent actor does), then replays them stream by stream.
    /// PostgreSQL figures need <c>LAVA_BENCH_POSTGRES</c> or <c>LAVA_TEST_POSTGRES</c> and are skipped without.
    /// </summary>
    public async IAsyncEnumerable<Figure> RunJournalAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var file = Path.Combine(Path.GetTempPath(), $"lava-bench-{Guid.NewGuid():N}.db");
        try
        {
            var sqlite = new PersistenceStorageSettings($"Data Source={file}") { AutoInitialize = true };
            await foreach (var figure in MeasureJournalAsync("sqlite", registry => new SqliteJournal(sqlite, registry), cancellationToken).ConfigureAwait(false))
            {
                yield return figure;
            }
        }
        finally
        {
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(file + suffix);
            }
        }

        var connectionString = Environment.GetEnvironmentVariable("LAVA_BENCH_POSTGRES") is { Length: > 0 } bench
            ? bench
            : Environment.GetEnvironmentVariable("LAVA_TEST_POSTGRES");
        if (string.IsNullOrEmpty(connectionString))
        {
            await Console.Error.WriteLineAsync(
                "kernel: journal_*_postgresql skipped: set LAVA_BENCH_POSTGRES (or LAVA_TEST_POSTGRES) to a PostgreSQL connection string").ConfigureAwait(false);
            yield break;
        }

        var schema = $"lava_bench_{Guid.NewGuid():N}"[..23];
        try
        {
            var postgres = new PersistenceStorageSettings(connectionString) { SchemaName = schema, AutoInitialize = true };
            await foreach (var figure in MeasureJournalAsync("postgresql", registry => new PostgreSqlJournal(postgres, registry), cancellationToken).ConfigureAwait(false))
            {
                yield return figure;
            }
        }
        finally
        {
            await DropSchemaAsync(connectionString, schema).ConfigureAwait(false);
        }
    }

    private static async IAsyncEnumerable<Figure> MeasureJournalAsync(
        string provider, Func<EventRegistry, IJournal> create, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var journal = create(new EventRegistry().Register<BenchEvent>("bench-event.v1"));
        await using (journal.ConfigureAwait(false))
        {
            // Warm-up: schema creation, JIT and connection pools stay out of the timed runs.
            await AppendAsync(journal, "warmup", writers: 10, writesPerWriter: 10, cancellationToken).ConfigureAwait(false);
            await ReplayAsync(journal, "warmup", writers: 10, cancellationToken).ConfigureAwait(false);

            var appended = Stopwatch.StartNew();
            var events = await AppendAsync(journal, "bench", JournalWriters, WritesPerWriter, cancellationToken).ConfigureAwait(false);
            yield return new Figure("kernel", $"journal_append_events_per_s_{provider}", events / appended.Elapsed.TotalSeconds, "events/s");

            var replayed = Stopwatch.StartNew();
            var read = await ReplayAsync(journal, "bench", JournalWriters, cancellationToken).ConfigureAwait(false);
            if (read != events)
            {
                throw new InvalidOperationException($"{provider}: replayed {read} events of {events} appended");
            }
            yield return new Figure("kernel", $"journal_replay_events_per_s_{provider}", read / replayed.Elapsed.TotalSeconds, "events/s");
        }
    }

    private static async Task<long> AppendAsync(IJournal journal, string prefix, int writers, int writesPerWriter, CancellationToken cancellationToken)
    {
        await Task.WhenAll(Enumerable.Range(0, writers).Select(async w =>
        {
            var pid = $"{prefix}-{w}";
            for (var i = 0; i < writesPerWriter; i++)
            {
                var first = (long)i * EventsPerWrite + 1;
                var write = new AtomicWrite([.. Enumerable.Range(0, EventsPerWrite).Select(k => new PersistentRepr(pid, first + k, new BenchEvent(pid, first + k, "job-42", "step finished")))]);
                var result = (await journal.WriteAsync([write], cancellationToken).ConfigureAwait(false))[0];
                if (!result.IsWritten)
                {
                    throw new InvalidOperationException($"writing {pid} at {first} failed", result.Error);
                }
            }
        })).ConfigureAwait(false);
        return (long)writers * writesPerWriter * EventsPerWrite;
    }

    private static async Task<long> ReplayAsync(IJournal journal, string prefix, int writers, CancellationToken cancellationToken)
    {
        long read = 0;
        for (var w = 0; w < writers; w++)
        {
            await journal.ReplayAsync($"{prefix}-{w}", 1, long.MaxValue, long.MaxValue, _ => { read++; return ValueTask.CompletedTask; }, cancellationToken)
                .ConfigureAwait(false);
        }
        return read;
    }

    private static async Task DropSchemaAsync(string connectionString, string schema)
    {
        var connection = new NpgsqlConnection(connectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync().ConfigureAwait(false);
            using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", connection);
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A typical small event: a few identifiers and a short text.</summary>
    private sealed record BenchEvent(string Source, long Index, string JobId, string Message);
}
