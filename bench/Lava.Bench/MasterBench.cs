using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Akka.Actor;
using Akka.Configuration;
using Lava.Actors.Lab.Store;
using Lava.Actors.Persistence;
using Lava.Actors.Wire;
using Lava.Bench.Journal;
using Lava.Bench.Cluster;
using Microsoft.Data.Sqlite;

namespace Lava.Bench;

/// <summary>
/// The master as a real process on the embedded SQLite store. Submits 10,000 jobs over REST from 32 clients at once onto
/// a lab whose worker is away (<c>http_submits_per_s</c>: the gateway, LAVA's checks and the journal); adds the
/// journaled histories of finished jobs until the journal holds <see cref="RecoveryEvents"/> events; restarts the
/// master and times it from process start to serving every job in its list (<c>recovery_100k_events_s</c>), then
/// reads its resident memory once idle: the median of a reading a second for a minute, from 15 s after the recovery
/// (<c>master_idle_rss_mb</c>); last, how long a job submitted to the idle master takes to appear in the job list
/// (<c>submit_to_listed_ms_p50</c> and <c>_max</c>, of 20 jobs).
/// </summary>
internal sealed class MasterBench
{
    private const string Bench = "scheduler";
    private const int RecoveryEvents = 100_000;
    private const int Devices = 100;
    private const int Clients = 32;
    private const int Submissions = 10_000;
    private const int HistoryWindow = 500;
    // Idle memory is read once the master has settled after the recovery, then once a second for a minute: an idle
    // master's memory moves (its polls allocate, it gives memory back when quiet), so one reading would be luck.
    private static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(15);
    private const int IdleSamples = 60;
    private const int ListingSamples = 20;
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan RunDeadline = TimeSpan.FromMinutes(15);

    private const string Job = """
        device_type: qemu
        job_name: bench
        visibility: public
        timeouts:
          job:
            minutes: 10
        actions:
        - deploy:
            to: tmpfs
            images:
              kernel:
                url: file:///srv/vmlinuz
        - boot:
            method: qemu
            media: tmpfs

        """;

    public async IAsyncEnumerable<Figure> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var dir = Path.Combine(Path.GetTempPath(), "lava-bench-master-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var masterDll = ClusterBench.BuiltDll("Lava.Host.Master");
            var http = $"127.0.0.1:{ClusterBench.FreeLoopbackPort()}";
            var dataDir = Path.Combine(dir, "master");
            string[] masterArgs = ["--http", http, "--cluster", $"127.0.0.1:{ClusterBench.FreeLoopbackPort()}", "--data-dir", dataDir];
            var api = new Uri($"http://{http}/api/v0.2/");

            // REST submissions onto a lab whose worker is away: the gateway, the checks and the journal, nothing else.
            double seconds;
            await using (var master = NodeProcess.Start("master", masterDll, masterArgs))
            {
                await master.WaitForLineAsync(StartDeadline, "serving HTTP on");
                using var client = Client(api, dataDir);
                await SetUpLabAsync(client, cancellationToken);
                await SubmitAsync(client, 500, cancellationToken);
                var (masterCpu, benchCpu) = (master.CpuSeconds(), Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds);
                seconds = await SubmitAsync(client, Submissions, cancellationToken);
                await Console.Error.WriteLineAsync(FormattableString.Invariant(
                    $"submits: {seconds:0.00} s, CPU {master.CpuSeconds() - masterCpu:0.00} s in the master, {Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - benchCpu:0.00} s in the clients"));
                await WaitForJobsAsync(client, Submissions + 500, cancellationToken);
                master.Terminate();
                await master.WaitForExitAsync(StartDeadline);
            }
            yield return new Figure(Bench, "http_submits_per_s", Submissions / seconds, "jobs/s");
            // LAVA_BENCH_ONLY=submits: the REST submissions alone, which is what gateway work is judged by.
            if (Environment.GetEnvironmentVariable("LAVA_BENCH_ONLY") == "submits") yield break;

            // The history of finished jobs up to RecoveryEvents events, journaled as their supervisors would have.
            var jobs = await WriteHistoriesAsync(dataDir, cancellationToken);
            await using (var master = NodeProcess.Start("master", masterDll, masterArgs))
            {
                await master.WaitForLineAsync(StartDeadline, "serving HTTP on");
                using var client = Client(api, dataDir);
                await WaitForJobsAsync(client, jobs, cancellationToken);
                master.Terminate();
                await master.WaitForExitAsync(StartDeadline);
            }
            yield return new Figure(Bench, "recovery_journal_events", JournalEvents(dataDir), "events");

            await using var restarted = NodeProcess.Start("master", masterDll, masterArgs);
            var started = Stopwatch.GetTimestamp();
            using (var client = Client(api, dataDir))
            {
                await WaitForJobsAsync(client, jobs, cancellationToken);
            }
            yield return new Figure(Bench, "recovery_100k_events_s", Stopwatch.GetElapsedTime(started).TotalSeconds, "s");

            await Task.Delay(SettleTime, cancellationToken);
            var idle = new List<double>(IdleSamples);
            for (var i = 0; i < IdleSamples; i++)
            {
                idle.Add(restarted.ResidentMegabytes());
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
            idle.Sort();
            await Console.Error.WriteLineAsync(FormattableString.Invariant(
                $"idle master, {IdleSamples} readings a second apart: {idle[0]:0.0}-{idle[^1]:0.0} MiB, median {idle[IdleSamples / 2]:0.0}"));
            yield return new Figure(Bench, "master_idle_rss_mb", idle[IdleSamples / 2], "MiB");

            // What a user sees of the read models: a job submitted to the idle master, until the job list shows it.
            using (var client = Client(api, dataDir))
            {
                var listed = await ListingDelaysAsync(client, jobs, cancellationToken);
                yield return new Figure(Bench, "submit_to_listed_ms_p50", listed[listed.Count / 2], "ms");
                yield return new Figure(Bench, "submit_to_listed_ms_max", listed[^1], "ms");
            }
        }
        finally
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
                // A process killed a moment ago may still hold a file; the directory is temporary anyway.
            }
        }
    }

    /// <summary>Journals finished jobs' histories until the journal holds <see cref="RecoveryEvents"/> events.</summary>
    private static Task<long> WriteHistoriesAsync(string dataDir, CancellationToken cancellationToken) => WriteHistoriesAsync(
        dataDir, Math.Max(0, (RecoveryEvents - JournalEvents(dataDir) + JobHistoryWriter.EventsPerJob - 1) / JobHistoryWriter.EventsPerJob), cancellationToken);

    /// <summary>
    /// Journals <paramref name="count"/> finished jobs' histories into the stopped master's database, with ids after
    /// those the master allocated; returns how many jobs the master then has.
    /// </summary>
    internal static async Task<long> WriteHistoriesAsync(string dataDir, long count, CancellationToken cancellationToken)
    {
        var database = LabDatabase.Sqlite(Path.Combine(dataDir, "lava.db"));
        var first = Scalar(dataDir, "SELECT next_id FROM job_ids WHERE name = 'job'");
        var journal = new LavaPersistenceOptions(PersistenceProvider.Sqlite, database.ConnectionString);
        var system = BenchSystem.Create(ConfigurationFactory.ParseString(LavaSerialization.Hocon + "\n" + LavaPersistence.Hocon(journal)));
        try
        {
            for (var window = 0L; window < count; window += HistoryWindow)
            {
                var writes = Enumerable.Range(0, (int)Math.Min(HistoryWindow, count - window)).Select(i =>
                    system.ActorOf(JobHistoryWriter.Props(first + window + i)).Ask<JobHistoryWriter.Written>(JobHistoryWriter.Write.Instance, StartDeadline, cancellationToken));
                await Task.WhenAll(writes);
            }
        }
        finally
        {
            await system.Terminate();
        }
        Scalar(dataDir, $"UPDATE job_ids SET next_id = {first + count} WHERE name = 'job' RETURNING next_id");
        SqliteConnection.ClearAllPools();
        return first - 1 + count;
    }

    /// <summary>A worker (never started: jobs queue), a device type and <see cref="Devices"/> devices.</summary>
    private static async Task SetUpLabAsync(HttpClient client, CancellationToken cancellationToken)
    {
        Ok(await client.PostAsJsonAsync("workers/", new { hostname = "bench-worker" }, cancellationToken), "adding the worker").Dispose();
        Ok(await client.PostAsJsonAsync("devicetypes/", new { name = "qemu" }, cancellationToken), "adding the device type").Dispose();
        for (var i = 0; i < Devices; i++)
        {
            var hostname = $"qemu-{i:D3}";
            Ok(await client.PostAsJsonAsync("devices/", new { hostname, device_type = "qemu", worker_host = "bench-worker", health = "GOOD" }, cancellationToken),
                $"adding {hostname}").Dispose();
        }
    }

    /// <summary>Submits <paramref name="count"/> jobs from <see cref="Clients"/> clients at once; returns the seconds it took.</summary>
    private static async Task<double> SubmitAsync(HttpClient client, int count, CancellationToken cancellationToken)
    {
        var left = count;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async _ =>
        {
            while (Interlocked.Decrement(ref left) >= 0)
            {
                using var response = await client.PostAsJsonAsync("jobs/", new { definition = Job }, cancellationToken);
                Ok(response, "submitting a job");
            }
        }));
        return Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    /// <summary>
    /// Submits <see cref="ListingSamples"/> jobs one after the other to a master listing <paramref name="jobs"/> jobs,
    /// each once the last is listed, and returns the milliseconds from each submission's answer until the list counts
    /// it, sorted.
    /// </summary>
    private static async Task<List<double>> ListingDelaysAsync(HttpClient client, long jobs, CancellationToken cancellationToken)
    {
        var delays = new List<double>(ListingSamples);
        for (var i = 0; i < ListingSamples; i++)
        {
            Ok(await client.PostAsJsonAsync("jobs/", new { definition = Job }, cancellationToken), "submitting a job").Dispose();
            var answered = Stopwatch.GetTimestamp();
            await WaitForJobsAsync(client, ++jobs, cancellationToken, TimeSpan.FromMilliseconds(2));
            delays.Add(Stopwatch.GetElapsedTime(answered).TotalMilliseconds);
        }
        delays.Sort();
        return delays;
    }

    /// <summary>Waits until the master serves and its job list holds <paramref name="jobs"/> jobs.</summary>
    internal static async Task WaitForJobsAsync(HttpClient client, long jobs, CancellationToken cancellationToken, TimeSpan? pollInterval = null)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(RunDeadline.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            try
            {
                var page = await client.GetFromJsonAsync<JsonElement>("jobs/?limit=1", cancellationToken);
                if (page.GetProperty("count").GetInt64() >= jobs) return;
            }
            catch (HttpRequestException)
            {
                // The master is starting: it serves in a moment.
            }
            if (Stopwatch.GetTimestamp() > deadline) throw new TimeoutException($"the master did not list {jobs} jobs within {RunDeadline}");
            await Task.Delay(pollInterval ?? TimeSpan.FromMilliseconds(10), cancellationToken);
        }
    }

    private static long JournalEvents(string dataDir) => Scalar(dataDir, "SELECT COUNT(*) FROM event_journal");

    private static long Scalar(string dataDir, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDir, "lava.db")}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    internal static HttpClient Client(Uri api, string dataDir)
    {
        var client = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Token", File.ReadAllText(Path.Combine(dataDir, "admin.token")).Trim());
        return client;
    }

    private static HttpResponseMessage Ok(HttpResponseMessage response, string what) => response.IsSuccessStatusCode
        ? response
        : throw new InvalidOperationException($"{what}: {(int)response.StatusCode} {response.Content.ReadAsStringAsync().GetAwaiter().GetResult()}");
}
