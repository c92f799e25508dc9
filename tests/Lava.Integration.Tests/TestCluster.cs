using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Lava.Actors.Security;
using Xunit;

namespace Lava.Integration.Tests;

/// <summary>
/// Real master and worker processes on 127.0.0.1 for one test, in a temporary directory: cluster timings are
/// shortened by a HOCON file the test writes and passes with --config; workers are added through the
/// master's REST API and get their credentials files from it. Disposing kills what still runs and removes the directory.
/// </summary>
internal sealed partial class TestCluster : IAsyncDisposable
{
    /// <summary>A start: the process, its HTTP API (master) and its cluster port up.</summary>
    public static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);

    /// <summary>A membership change with the short timings below: failure detection, the resolver's stable-after, removal.</summary>
    public static readonly TimeSpan EventDeadline = TimeSpan.FromSeconds(30);

    /// <summary>The worker's exit code when the master refuses it (Lava.Host.Worker's WorkerNode.RefusedExitCode).</summary>
    public const int RefusedExitCode = 3;

    /// <summary>
    /// Short failure detection, split brain resolution and retries, so that tests run in seconds (the defaults are
    /// Akka.NET's); the pause a detector accepts and the resolver's stable-after stretch with LAVA_TEST_TIMEFACTOR, so
    /// that a loaded machine does not make a live node look dead.
    /// </summary>
    public static string ShortTimings { get; } = $$"""
        akka.cluster {
          failure-detector {
            heartbeat-interval = 250ms
            acceptable-heartbeat-pause = {{Milliseconds(2000)}}ms
            expected-response-after = 500ms
          }
          split-brain-resolver.stable-after = {{Milliseconds(3000)}}ms
          # With seconds-long timings, a busy test machine flaps reachability; the resolver must not answer that by
          # downing every node (its own default for instability), which no test here is about.
          split-brain-resolver.down-all-when-unstable = off
          gossip-interval = 200ms
          leader-actions-interval = 200ms
          unreachable-nodes-reaper-interval = 250ms
          retry-unsuccessful-join-after = 1s
        }
        akka.remote.retry-gate-closed-for = 500ms
        akka.coordinated-shutdown.default-phase-timeout = 5s
        lava.worker.retry-max-backoff = 1s

        """;

    private readonly List<LavaProcess> _processes = [];

    private static long Milliseconds(int milliseconds) => (long)LavaProcesses.Dilated(TimeSpan.FromMilliseconds(milliseconds)).TotalMilliseconds;

    public TestCluster()
    {
        Directory.CreateDirectory(Dir);
        ConfigPath = WriteConfig("cluster.conf", "");
    }

    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "lava-cluster-" + Guid.NewGuid().ToString("N"));

    /// <summary>The HOCON file every process of the test gets with --config unless the test gives another.</summary>
    public string ConfigPath { get; }

    public static async Task<string> MasterDllAsync() => await LavaProcesses.FindBuiltAsync("Lava.Host.Master", "Lava.Host.Master.dll");

    public static async Task<string> WorkerDllAsync() => await LavaProcesses.FindBuiltAsync("Lava.Host.Worker", "Lava.Host.Worker.dll");

    /// <summary>Writes <paramref name="fileName"/> in the test directory: <see cref="ShortTimings"/> and then <paramref name="extra"/>.</summary>
    public string WriteConfig(string fileName, string extra)
    {
        var path = Path.Combine(Dir, fileName);
        File.WriteAllText(path, ShortTimings + extra);
        return path;
    }

    /// <summary>
    /// Starts a master and waits until its REST API serves. It binds its cluster port on <paramref name="bindPort"/>
    /// (a free port when null) and advertises the port its configuration names (public-port) or else that one.
    /// </summary>
    public async Task<MasterNode> StartMasterAsync(string name = "master", string? configPath = null, int? bindPort = null, int? advertisedPort = null)
    {
        var dataDir = Path.Combine(Dir, name);
        configPath ??= ConfigPath;
        for (var attempt = 1; ; attempt++)
        {
            var clusterPort = bindPort ?? LavaProcesses.FreeLoopbackPort();
            // HTTP on port 0: Kestrel takes a free one and the master logs it, so no other process can take it first.
            var process = Track(LavaProcess.Start(name, await MasterDllAsync(),
                ["--config", configPath, "--http", "127.0.0.1:0", "--cluster", $"127.0.0.1:{clusterPort}", "--data-dir", dataDir],
                new Dictionary<string, string?> { ["LAVA_DATA_DIR"] = null }));
            try
            {
                // Logged once Kestrel listens, after the cluster port opened and admin.token was written.
                var line = await process.WaitForLineAsync(StartDeadline, "serving HTTP on");
                var http = ServingHttp().Match(line) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException($"{name}: no HTTP address in '{line}'");
                return new MasterNode(process, new Uri($"http://{http}/"), advertisedPort ?? clusterPort, dataDir);
            }
            catch (InvalidOperationException) when (bindPort is null && attempt < 3 && process.HasExited && process.HasLine(AddressInUse))
            {
                // The free cluster port picked was taken by another process before the master bound it.
            }
        }
    }

    private const string AddressInUse = "address already in use";

    [System.Text.RegularExpressions.GeneratedRegex(@"serving HTTP on http://([0-9.]+:[0-9]+)")]
    private static partial System.Text.RegularExpressions.Regex ServingHttp();

    /// <summary>Writes <paramref name="credentials"/> as `lava workers add --token-file` does; returns the path.</summary>
    public string WriteCredentials(WorkerCredentials credentials, string? fileName = null)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var path = Path.Combine(Dir, fileName ?? $"{credentials.Name}.credentials");
        credentials.Write(path);
        return path;
    }

    /// <summary>
    /// Starts a worker process with the credentials file given; it dials the master named in the file unless
    /// <paramref name="masterEndpoint"/> says otherwise.
    /// </summary>
    public async Task<LavaProcess> StartWorkerAsync(
        string name, string credentialsFile, string? label = null, string? masterEndpoint = null, string? configPath = null)
    {
        var dataDir = Path.Combine(Dir, $"worker-{name}");
        List<string> args = ["--config", configPath ?? ConfigPath, "--name", name, "--token-file", credentialsFile, "--data-dir", dataDir];
        if (masterEndpoint is not null) args.AddRange(["--master", masterEndpoint]);
        return Track(LavaProcess.Start(label ?? name, await WorkerDllAsync(), args, new Dictionary<string, string?> { ["LAVA_DATA_DIR"] = null }));
    }

    /// <summary>Adds <paramref name="name"/> on the master and starts it with the credentials the master issued.</summary>
    public async Task<LavaProcess> AddAndStartWorkerAsync(MasterNode master, string name)
    {
        ArgumentNullException.ThrowIfNull(master);
        return await StartWorkerAsync(name, WriteCredentials(await master.AddWorkerAsync(name)));
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
        lock (_processes) _processes.Add(process);
        return process;
    }
}

/// <summary>A started master process and its REST API.</summary>
internal sealed class MasterNode(LavaProcess process, Uri api, int clusterPort, string dataDir)
{
    public LavaProcess Process { get; } = process;

    public Uri Api { get; } = api;

    /// <summary>The cluster port the master advertises: the one workers and other masters dial.</summary>
    public int ClusterPort { get; } = clusterPort;

    /// <summary>Its Akka address, as members and log lines name it.</summary>
    public string Address => $"akka.ssl.tcp://lava@127.0.0.1:{ClusterPort}";

    public string DataDir { get; } = dataDir;

    public string AdminToken => File.ReadAllText(Path.Combine(DataDir, "admin.token")).Trim();

    /// <summary>The lab CA from the master's data directory: what an admin with the master's files could issue.</summary>
    public CertificateAuthority Authority() => CertificateAuthority.LoadOrCreate(DataDir);

    public HttpClient Client()
    {
        var client = new HttpClient { BaseAddress = Api, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Token", AdminToken);
        return client;
    }

    /// <summary>POST /api/v0.2/workers/; returns the credentials the master issued.</summary>
    public async Task<WorkerCredentials> AddWorkerAsync(string name)
    {
        using var client = Client();
        using var response = await client.PostAsJsonAsync("api/v0.2/workers/", new { hostname = name });
        return await CredentialsAsync(response, $"adding {name}");
    }

    /// <summary>POST /api/v0.2/workers/NAME/token/: a new certificate; the old one is refused from then on.</summary>
    public async Task<WorkerCredentials> ReissueAsync(string name)
    {
        using var client = Client();
        using var response = await client.PostAsync($"api/v0.2/workers/{name}/token/", null);
        return await CredentialsAsync(response, $"re-issuing {name}");
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

    private static async Task<WorkerCredentials> CredentialsAsync(HttpResponseMessage response, string what)
    {
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, $"{what}: {(int)response.StatusCode} {body}");
        var credentials = body.GetProperty("credentials");
        string Text(string key) => credentials.GetProperty(key).GetString()!;
        return new WorkerCredentials(
            Text("name"), Text("master"), Convert.FromBase64String(Text("certificate")), Convert.FromBase64String(Text("key")), Convert.FromBase64String(Text("ca")));
    }
}
