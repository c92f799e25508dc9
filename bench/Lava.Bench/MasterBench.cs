using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Lava.Actors.Security;
using Lava.Bench.Cluster;
using Microsoft.Data.Sqlite;

namespace Lava.Bench;

/// <summary>
/// The master as users meet it, as real processes on the embedded SQLite store: a master and a worker with simulated
/// devices (<c>lava.worker.simulated-devices</c>). Submits jobs over REST from many clients at once
/// (<c>http_submits_per_s</c>), lets them run until the journal holds <see cref="RecoveryEvents"/> events, restarts
/// the master and times it from start to serving every job (<c>recovery_100k_events_s</c>), then reads its resident
/// memory once idle (<c>master_idle_rss_mb</c>).
/// </summary>
internal sealed class MasterBench
{
    private const string Bench = "scheduler";
    private const int RecoveryEvents = 100_000;
    private const int Devices = 100;
    private const int Clients = 32;
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
            var workerDll = ClusterBench.BuiltDll("Lava.Host.Worker");
            var config = Path.Combine(dir, "lab.conf");
            await File.WriteAllTextAsync(config, "lava.worker.simulated-devices = on\nlava.worker.simulated-step-delay = 0s\n", cancellationToken);
            var http = $"127.0.0.1:{ClusterBench.FreeLoopbackPort()}";
            var clusterPort = ClusterBench.FreeLoopbackPort();
            var dataDir = Path.Combine(dir, "master");
            string[] masterArgs = ["--config", config, "--http", http, "--cluster", $"127.0.0.1:{clusterPort}", "--data-dir", dataDir];

            var api = new Uri($"http://{http}/api/v0.2/");
            await using (var master = NodeProcess.Start("master", masterDll, masterArgs))
            {
                await master.WaitForLineAsync(StartDeadline, "serving HTTP on");
                using var client = Client(api, dataDir);
                var credentials = await SetUpLabAsync(client, dir, cancellationToken);
                await using var worker = NodeProcess.Start("worker", workerDll,
                    ["--config", config, "--name", "bench-worker", "--token-file", credentials, "--data-dir", Path.Combine(dir, "worker")]);
                await worker.WaitForLineAsync(StartDeadline, "joined the cluster");

                var submitted = 0;
                var seconds = await SubmitAsync(client, 10_000, () => Interlocked.Increment(ref submitted), cancellationToken);
                yield return new Figure(Bench, "http_submits_per_s", 10_000 / seconds, "jobs/s");

                // More jobs until the journal holds the events recovery is measured with; every job then ends.
                while (JournalEvents(dataDir) < RecoveryEvents)
                {
                    await SubmitAsync(client, 5_000, () => Interlocked.Increment(ref submitted), cancellationToken);
                    await WaitUntilFinishedAsync(client, submitted, cancellationToken);
                }
                await WaitUntilFinishedAsync(client, submitted, cancellationToken);
                yield return new Figure(Bench, "recovery_journal_events", JournalEvents(dataDir), "events");

                master.Terminate();
                await master.WaitForExitAsync(StartDeadline);
                await using var restarted = NodeProcess.Start("master", masterDll, masterArgs);
                var started = Stopwatch.GetTimestamp();
                await restarted.WaitForLineAsync(StartDeadline, "serving HTTP on");
                await WaitUntilFinishedAsync(client, submitted, cancellationToken);
                yield return new Figure(Bench, "recovery_100k_events_s", Stopwatch.GetElapsedTime(started).TotalSeconds, "s");

                await Task.Delay(TimeSpan.FromSeconds(10), cancellationToken);
                yield return new Figure(Bench, "master_idle_rss_mb", restarted.ResidentMegabytes(), "MiB");
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

    /// <summary>A device type, <see cref="Devices"/> devices on one worker; returns the worker's credentials file.</summary>
    private static async Task<string> SetUpLabAsync(HttpClient client, string dir, CancellationToken cancellationToken)
    {
        using var worker = await client.PostAsJsonAsync("workers/", new { hostname = "bench-worker" }, cancellationToken);
        var body = await Ok(worker, "adding the worker").Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        var c = body.GetProperty("credentials");
        string Text(string key) => c.GetProperty(key).GetString()!;
        var path = Path.Combine(dir, "bench-worker.credentials");
        new WorkerCredentials(Text("name"), Text("master"), Convert.FromBase64String(Text("certificate")), Convert.FromBase64String(Text("key")),
            Convert.FromBase64String(Text("ca"))).Write(path);

        Ok(await client.PostAsJsonAsync("devicetypes/", new { name = "qemu" }, cancellationToken), "adding the device type").Dispose();
        for (var i = 0; i < Devices; i++)
        {
            var hostname = $"qemu-{i:D3}";
            Ok(await client.PostAsJsonAsync("devices/", new { hostname, device_type = "qemu", worker_host = "bench-worker", health = "Good" }, cancellationToken),
                $"adding {hostname}").Dispose();
            Ok(await client.PostAsJsonAsync($"devices/{hostname}/dictionary/", new { dictionary = "{% extends 'qemu.jinja2' %}\n" }, cancellationToken),
                $"setting {hostname}'s dictionary").Dispose();
        }
        return path;
    }

    /// <summary>Submits <paramref name="count"/> jobs from <see cref="Clients"/> clients at once; returns the seconds it took.</summary>
    private static async Task<double> SubmitAsync(HttpClient client, int count, Action onSubmitted, CancellationToken cancellationToken)
    {
        var left = count;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async _ =>
        {
            while (Interlocked.Decrement(ref left) >= 0)
            {
                using var response = await client.PostAsJsonAsync("jobs/", new { definition = Job }, cancellationToken);
                Ok(response, "submitting a job");
                onSubmitted();
            }
        }));
        return Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private static async Task WaitUntilFinishedAsync(HttpClient client, int jobs, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(RunDeadline.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            try
            {
                var page = await client.GetFromJsonAsync<JsonElement>("jobs/?state=Finished&limit=1", cancellationToken);
                if (page.GetProperty("count").GetInt64() >= jobs) return;
            }
            catch (HttpRequestException)
            {
                // The master is starting: it serves in a moment.
            }
            if (Stopwatch.GetTimestamp() > deadline) throw new TimeoutException($"{jobs} jobs did not all finish within {RunDeadline}");
            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        }
    }

    private static long JournalEvents(string dataDir)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDir, "lava.db")};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM event_journal";
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static HttpClient Client(Uri api, string dataDir)
    {
        var client = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Token", File.ReadAllText(Path.Combine(dataDir, "admin.token")).Trim());
        return client;
    }

    private static HttpResponseMessage Ok(HttpResponseMessage response, string what) => response.IsSuccessStatusCode
        ? response
        : throw new InvalidOperationException($"{what}: {(int)response.StatusCode} {response.Content.ReadAsStringAsync().GetAwaiter().GetResult()}");
}
