using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace Lava.Integration.Tests;

/// <summary>
/// Real master and worker processes on 127.0.0.1 for one test, in a temporary directory: cluster timings are
/// shortened by a HOCON file the test writes and passes with --config; workers are added through the
/// master's REST API and get their token files from it. Disposing kills what still runs and removes the directory.
/// </summary>
internal sealed class TestCluster : IAsyncDisposable
{
    /// <summary>A start: the process, its HTTP API (master) and its cluster port up.</summary>
    public static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);

    /// <summary>A membership change with the short timings below.</summary>
    public static readonly TimeSpan EventDeadline = TimeSpan.FromSeconds(20);

    /// <summary>The worker's exit code when the master refuses it (Lava.Host.Worker's WorkerNode.RefusedExitCode).</summary>
    public const int RefusedExitCode = 3;

    /// <summary>
    /// Short failure detection and downing, so that tests run in seconds (the defaults are Akka's); the pause a
    /// detector accepts and the downing margin stretch with LAVA_TEST_TIMEFACTOR, so that a loaded machine does
    /// not make a live node look dead.
    /// </summary>
    public static string ShortTimings { get; } = $$"""
        akka.cluster {
          failure-detector {
            heartbeat-interval = 250ms
            acceptable-heartbeat-pause = {{Milliseconds(2000)}}ms
            expected-response-after = 500ms
          }
          gossip-interval = 200ms
          unreachable-nodes-reaper-interval = 100ms
          auto-down-unreachable-after = {{Milliseconds(2000)}}ms
        }
        akka.remote.reconnect {
          min-backoff = 100ms
          max-backoff = 1s
        }
        akka.coordinated-shutdown.default-phase-timeout = 5s

        """;

    private readonly List<LavaProcess> _processes = [];

    private static long Milliseconds(int milliseconds) => (long)LavaProcesses.Dilated(TimeSpan.FromMilliseconds(milliseconds)).TotalMilliseconds;

    public TestCluster()
    {
        Directory.CreateDirectory(Dir);
        ConfigPath = Path.Combine(Dir, "cluster.conf");
        File.WriteAllText(ConfigPath, ShortTimings);
    }

    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "lava-cluster-" + Guid.NewGuid().ToString("N"));

    /// <summary>The HOCON file every process of the test gets with --config.</summary>
    public string ConfigPath { get; }

    public static async Task<string> MasterDllAsync() => await LavaProcesses.FindBuiltAsync("Lava.Host.Master", "Lava.Host.Master.dll");

    public static async Task<string> WorkerDllAsync() => await LavaProcesses.FindBuiltAsync("Lava.Host.Worker", "Lava.Host.Worker.dll");

    /// <summary>Starts a master and waits until its cluster port listens and its REST API serves.</summary>
    public Task<MasterNode> StartMasterAsync(string name = "master", string? configPath = null) =>
        StartMasterAsync(name, configPath, $"127.0.0.1:{LavaProcesses.FreeLoopbackPort()}", LavaProcesses.FreeLoopbackPort());

    /// <summary>Starts <paramref name="previous"/>'s master again, on its ports and data directory (after it was killed or stopped).</summary>
    public Task<MasterNode> RestartMasterAsync(MasterNode previous, string name) =>
        StartMasterAsync(name, previous.ConfigPath, previous.Api.Authority, previous.ClusterPort, previous.DataDir);

    private async Task<MasterNode> StartMasterAsync(string name, string? configPath, string http, int clusterPort, string? dataDir = null)
    {
        dataDir ??= Path.Combine(Dir, name);
        configPath ??= ConfigPath;
        var process = Track(LavaProcess.Start(name, await MasterDllAsync(),
            ["--config", configPath, "--http", http, "--cluster", $"127.0.0.1:{clusterPort}", "--data-dir", dataDir],
            new Dictionary<string, string?> { ["LAVA_DATA_DIR"] = null }));
        // Logged once Kestrel listens, after the cluster port opened and admin.token was written.
        await process.WaitForLineAsync(StartDeadline, "serving HTTP on");
        return new MasterNode(process, new Uri($"http://{http}/"), clusterPort, dataDir, configPath);
    }

    /// <summary>Writes a token file as `lava workers add --token-file` does; the token may be anything (a wrong one, none).</summary>
    public string WriteTokenFile(string name, string token, string fingerprint, string? fileName = null)
    {
        var path = Path.Combine(Dir, fileName ?? $"{name}.token");
        File.WriteAllText(path, $"# Lava worker credentials\nname={name}\ntoken={token}\nfingerprint={fingerprint}\n");
        return path;
    }

    /// <summary>Starts a worker process that joins <paramref name="master"/> with the token file given.</summary>
    public async Task<LavaProcess> StartWorkerAsync(MasterNode master, string name, string tokenFile, string? label = null)
    {
        var dataDir = Path.Combine(Dir, $"worker-{name}");
        return Track(LavaProcess.Start(label ?? name, await WorkerDllAsync(),
            ["--config", ConfigPath, "--name", name, "--master", $"127.0.0.1:{master.ClusterPort}", "--token-file", tokenFile, "--data-dir", dataDir],
            new Dictionary<string, string?> { ["LAVA_DATA_DIR"] = null }));
    }

    /// <summary>Adds <paramref name="name"/> on the master and starts it with the token file the master issued.</summary>
    public async Task<LavaProcess> AddAndStartWorkerAsync(MasterNode master, string name)
    {
        var issued = await master.AddWorkerAsync(name);
        return await StartWorkerAsync(master, name, WriteTokenFile(name, issued.Token, issued.Fingerprint));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes) await process.DisposeAsync();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
            // A process killed a moment ago may still hold a log file open; the directory is temporary anyway.
        }
    }

    private LavaProcess Track(LavaProcess process)
    {
        _processes.Add(process);
        return process;
    }
}

/// <summary>A started master process and its REST API.</summary>
internal sealed class MasterNode(LavaProcess process, Uri api, int clusterPort, string dataDir, string configPath)
{
    public string ConfigPath { get; } = configPath;

    public LavaProcess Process { get; } = process;

    public Uri Api { get; } = api;

    public int ClusterPort { get; } = clusterPort;

    public string DataDir { get; } = dataDir;

    public string AdminToken => File.ReadAllText(Path.Combine(DataDir, "admin.token")).Trim();

    public HttpClient Client()
    {
        var client = new HttpClient { BaseAddress = Api, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Token", AdminToken);
        return client;
    }

    /// <summary>POST /api/v0.2/workers/; returns the issued token and the cluster certificate's fingerprint.</summary>
    public async Task<(string Token, string Fingerprint)> AddWorkerAsync(string name, string? health = null, bool disabled = false)
    {
        using var client = Client();
        using var response = await client.PostAsJsonAsync("api/v0.2/workers/", new { hostname = name, health, disabled });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, $"adding {name}: {(int)response.StatusCode} {body}");
        return (body.GetProperty("token").GetString()!, body.GetProperty("certificate_fingerprint").GetString()!);
    }

    /// <summary>POST /api/v0.2/workers/NAME/VERB/ (enable, disable, retire, revoke...).</summary>
    public async Task ChangeWorkerAsync(string name, string verb)
    {
        using var client = Client();
        using var response = await client.PostAsync($"api/v0.2/workers/{name}/{verb}/", null);
        Assert.True(response.IsSuccessStatusCode, $"{verb} {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>The worker's <c>state</c> as the REST API shows it (Online or Offline).</summary>
    public async Task<string> WorkerStateAsync(string name)
    {
        using var client = Client();
        var worker = await client.GetFromJsonAsync<JsonElement>($"api/v0.2/workers/{name}/");
        return worker.GetProperty("state").GetString()!;
    }

    /// <summary>Polls the REST API until the worker's state is <paramref name="state"/> (REST gives no other signal).</summary>
    public async Task WaitForWorkerStateAsync(string name, string state)
    {
        var deadline = DateTime.UtcNow + LavaProcesses.Dilated(TestCluster.EventDeadline);
        string current;
        while ((current = await WorkerStateAsync(name)) != state)
        {
            Assert.True(DateTime.UtcNow < deadline, $"worker {name} is still {current}, not {state}; master output:\n{Process.Output}");
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary>The cluster certificate's fingerprint (GET /api/v0.2/system/cluster/).</summary>
    public async Task<string> FingerprintAsync()
    {
        using var client = Client();
        var cluster = await client.GetFromJsonAsync<JsonElement>("api/v0.2/system/cluster/");
        return cluster.GetProperty("certificate_fingerprint").GetString()!;
    }
}
