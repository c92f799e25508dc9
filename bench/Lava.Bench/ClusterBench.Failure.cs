using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Lava.Actors.Security;
using Lava.Bench.Cluster;

namespace Lava.Bench;

/// <summary>
/// Failure detection with Akka's default timings and Lava's split brain resolver: a real master process and a real
/// worker process it admitted (added through the REST API, started with the credentials it issued); the worker runs
/// a while, is killed with SIGKILL, and the figures are the times from the kill to the master's log lines for the
/// worker marked unreachable and for the worker removed.
/// </summary>
internal sealed partial class ClusterBench
{
    private const string WorkerName = "w1";

    /// <summary>Heartbeats the failure detector sees before the kill, so that it measures a settled link, not a new one.</summary>
    private static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(10);

    private static async IAsyncEnumerable<Figure> KillAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (masterDll, workerDll) = (BuiltDll("Lava.Host.Master"), BuiltDll("Lava.Host.Worker"));
        var dir = Directory.CreateTempSubdirectory("lava-bench-");
        try
        {
            var masterDir = Path.Combine(dir.FullName, "master");
            var http = $"127.0.0.1:{FreeLoopbackPort()}";
            var clusterPort = FreeLoopbackPort();
            await using var master = NodeProcess.Start("master", masterDll,
                ["--data-dir", masterDir, "--http", http, "--cluster", $"127.0.0.1:{clusterPort}"]);
            await master.WaitForLineAsync(Deadline, "serving HTTP on");

            var credentials = Path.Combine(dir.FullName, $"{WorkerName}.credentials");
            (await AddWorkerAsync(new Uri($"http://{http}/"), masterDir, WorkerName, cancellationToken)).Write(credentials);
            await using var worker = NodeProcess.Start(WorkerName, workerDll,
                ["--name", WorkerName, "--token-file", credentials, "--data-dir", Path.Combine(dir.FullName, "worker")]);
            await master.WaitForLineAsync(Deadline, $"Worker {WorkerName} is Online");
            await Task.Delay(SettleTime, cancellationToken);

            var killed = worker.Kill();
            var unreachable = await master.WaitForLineAsync(Deadline, "Marking node", "UNREACHABLE", "role=[worker]");
            var removed = await master.WaitForLineAsync(Deadline, $"Worker {WorkerName} is Offline");
            // The timed lines on stderr, so that a reader sees which events the figures measure.
            await Console.Error.WriteLineAsync($"cluster: timed master lines:\n  {unreachable.Line}\n  {removed.Line}");
            yield return new Figure("cluster", "unreachable_after_kill_s", Stopwatch.GetElapsedTime(killed, unreachable.At).TotalSeconds, "s");
            yield return new Figure("cluster", "removed_after_kill_s", Stopwatch.GetElapsedTime(killed, removed.At).TotalSeconds, "s");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>POST /api/v0.2/workers/ as the admin; returns the credentials the master issued.</summary>
    internal static async Task<WorkerCredentials> AddWorkerAsync(Uri api, string masterDir, string workerName, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = api, Timeout = Deadline };
        var token = (await File.ReadAllTextAsync(Path.Combine(masterDir, "admin.token"), cancellationToken)).Trim();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Token", token);
        using var response = await client.PostAsJsonAsync("api/v0.2/workers/", new { hostname = workerName }, cancellationToken);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"adding {workerName}: {(int)response.StatusCode} {body}");
        }
        var issued = body.GetProperty("credentials");
        string Text(string name) => issued.GetProperty(name).GetString() ?? throw new InvalidOperationException($"credentials.{name} is null");
        return new WorkerCredentials(Text("name"), Text("master"),
            Convert.FromBase64String(Text("certificate")), Convert.FromBase64String(Text("key")), Convert.FromBase64String(Text("ca")));
    }

    /// <summary>
    /// The dll of <paramref name="project"/> built beside this benchmark (same configuration), found from the repository
    /// root; for the worker, the one LAVA_BENCH_WORKER_DLL names when set (./lava bench publishes it as it is installed).
    /// </summary>
    internal static string BuiltDll(string project)
    {
        if (project == "Lava.Host.Worker" && Environment.GetEnvironmentVariable("LAVA_BENCH_WORKER_DLL") is { Length: > 0 } published)
        {
            return File.Exists(published) ? published : throw new FileNotFoundException($"LAVA_BENCH_WORKER_DLL names {published}, which is missing", published);
        }
        var output = new DirectoryInfo(AppContext.BaseDirectory);
        var root = output;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Lava.sln"))) root = root.Parent;
        if (root is null) throw new InvalidOperationException($"Lava.sln not found above {AppContext.BaseDirectory}");
        var dll = Path.Combine(root.FullName, project, "bin", output.Parent!.Name, output.Name, project + ".dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"build {project} first: {dll} is missing", dll);
    }
}
