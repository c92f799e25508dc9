using System.Collections.Immutable;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json;
using Lava.Actors.Jobs.Logs;
using Lava.Devices.BoardSimulator;
using Xunit;

namespace Lava.Integration.Tests.Devices;

/// <summary>
/// A lab of real processes for device jobs: a master, one worker running real device actors and job runners, and
/// simulated boards with their PDU in the test process. Each board is a device of type <c>lava-sim</c> tagged with its
/// own name, so that a job picks its board by tag; its console is reached as the test says (the board's own telnet
/// port, ser2net in front of a pty, or the pty itself). Disposing kills the processes and every job runner left.
/// </summary>
internal sealed class BoardLab : IAsyncDisposable
{
    public const string Worker = "w1";
    public static readonly TimeSpan JobDeadline = LavaProcesses.Dilated(TimeSpan.FromMinutes(3));

    private readonly List<IAsyncDisposable> _owned = [];
    private readonly Dictionary<string, SimulatedBoard> _boards = new(StringComparer.Ordinal);
    private SimulatedPdu _pdu = null!;
    private string _pduScript = "";
    private readonly Dictionary<int, SimulatedBoard> _outlets = [];

    private BoardLab(TestCluster cluster) => Cluster = cluster;

    public TestCluster Cluster { get; }

    public MasterNode Master { get; private set; } = null!;

    public LavaProcess WorkerProcess { get; private set; } = null!;

    public string WorkerDataDir => Path.Combine(Cluster.Dir, "worker-" + Worker);

    public string WorkerCredentials { get; private set; } = "";

    public string WorkerConfig { get; private set; } = "";

    public SimulatedBoard Board(string name) => _boards[name];

    /// <summary>Starts the boards (off, on the PDU), the master and the worker, and registers the device type.</summary>
    public static async Task<BoardLab> StartAsync(IEnumerable<SimulatedBoardOptions> boards, string? healthCheck = null)
    {
        var lab = new BoardLab(new TestCluster());
        try
        {
            var outlet = 1;
            foreach (var options in boards)
            {
                var board = SimulatedBoard.Start(options);
                lab._boards[options.Name] = board;
                lab._outlets[outlet++] = board;
                lab._owned.Add(board);
            }
            lab._pdu = SimulatedPdu.Start(new SimulatedPduOptions
            {
                Name = "pdu",
                Outlets = lab._outlets.ToImmutableDictionary(),
                RebootDelay = TimeSpan.FromMilliseconds(50),
            });
            lab._owned.Add(lab._pdu);
            lab._pduScript = lab._pdu.WriteShellClient(Path.Combine(lab.Cluster.Dir, "sim-pdu.sh"));

            lab.Master = await lab.Cluster.StartMasterAsync();
            lab.WorkerCredentials = lab.Cluster.WriteCredentials(await lab.Master.AddWorkerAsync(Worker));
            lab.WorkerConfig = lab.Cluster.WriteConfig("worker.conf", "lava.worker.runner-stop-grace = 5s\nlava.worker.resend-interval = 500ms\n");
            await lab.StartWorkerAsync();
            var type = new Dictionary<string, object?> { ["name"] = "lava-sim", ["disable_health_check"] = healthCheck is null };
            await lab.PostAsync("devicetypes/", type);
            if (healthCheck is not null) await lab.PostAsync("devicetypes/lava-sim/health-check/", new { config = healthCheck });
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the master again on its data directory and cluster port (its gateway gets a new port).</summary>
    public async Task RestartMasterAsync() => Master = await Cluster.StartMasterAsync(bindPort: Master.ClusterPort);

    public async Task StartWorkerAsync()
    {
        WorkerProcess = await Cluster.StartWorkerAsync(Worker, WorkerCredentials, configPath: WorkerConfig);
        await Master.WaitForWorkerStateAsync(Worker, "Online");
    }

    /// <summary>Adds board <paramref name="board"/> as a device tagged with its name, its console reached by <paramref name="connectionCommand"/> (default: its telnet port).</summary>
    public async Task AddDeviceAsync(string board, string? connectionCommand = null, string health = "Good", string? extra = null)
    {
        var outlet = _outlets.Single(o => o.Value.Name == board).Key;
        await PostAsync("devices/", new Dictionary<string, object?> { ["hostname"] = board, ["device_type"] = "lava-sim", ["worker_host"] = Worker, ["health"] = health });
        await PostAsync($"devices/{board}/tags/", new { name = board });
        var dictionary = $$"""
            {% extends 'lava-sim.jinja2' %}
            {% set connection_command = '{{connectionCommand ?? $"telnet 127.0.0.1 {_boards[board].Port}"}}' %}
            {% set pdu_command = 'bash {{_pduScript}}' %}
            {% set pdu_outlet = {{outlet}} %}
            {{extra}}
            """;
        await PostAsync($"devices/{board}/dictionary/", new { dictionary });
    }

    /// <summary>What the PDU answers for <paramref name="board"/>'s outlet: <c>ok on</c> or <c>ok off</c>.</summary>
    public Task<string> PduStatusAsync(string board) => _pdu.ExecuteAsync($"status {_outlets.Single(o => o.Value.Name == board).Key}");

    /// <summary>Submits <paramref name="definition"/>; returns the job's id.</summary>
    public async Task<long> SubmitAsync(string definition)
    {
        var answer = await PostAsync("jobs/", new { definition });
        return answer.GetProperty("job_ids")[0].GetInt64();
    }

    /// <summary>Submits a MultiNode <paramref name="definition"/>; returns its jobs' ids in role order.</summary>
    public async Task<IReadOnlyList<long>> SubmitGroupAsync(string definition)
    {
        var answer = await PostAsync("jobs/", new { definition });
        return [.. answer.GetProperty("job_ids").EnumerateArray().Select(i => i.GetInt64())];
    }

    public async Task<JsonElement> JobAsync(long id)
    {
        using var client = Master.Client();
        return await client.GetFromJsonAsync<JsonElement>($"api/v0.2/jobs/{id}/");
    }

    /// <summary>Every job of the lab, newest first.</summary>
    public async Task<IReadOnlyList<JsonElement>> JobsAsync()
    {
        using var client = Master.Client();
        var page = await client.GetFromJsonAsync<JsonElement>("api/v0.2/jobs/?limit=100");
        return [.. page.GetProperty("results").EnumerateArray().Select(j => j.Clone())];
    }

    /// <summary>Polls the job until <paramref name="condition"/> holds (REST gives no other signal); fails with the job and the worker's output.</summary>
    public async Task<JsonElement> WaitForJobAsync(long id, Func<JsonElement, bool> condition, string what, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? JobDeadline);
        while (true)
        {
            var job = await JobAsync(id);
            if (condition(job)) return job;
            Assert.True(DateTime.UtcNow < until,
                $"job {id} is not {what}: {job}\nlog:\n{string.Join('\n', (await LogAsync(id)).Select(r => $"{r.Level}: {Text(r.Msg)}").TakeLast(40))}\nworker:\n{WorkerProcess.Output}");
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }

    public Task<JsonElement> WaitForEndAsync(long id) => WaitForJobAsync(id, j => j.GetProperty("state").GetString() == "Finished", "Finished");

    /// <summary>The job's log as the master stored it, line by line.</summary>
    public async Task<IReadOnlyList<LogRecord>> LogAsync(long id)
    {
        using var client = Master.Client();
        using var response = await client.GetAsync($"api/v0.2/jobs/{id}/logs/");
        if (!response.IsSuccessStatusCode) return [];
        var text = await response.Content.ReadAsStringAsync();
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(LogLine.Parse)];
    }

    /// <summary>The job's test cases: (suite, name, result).</summary>
    public async Task<IReadOnlyList<(string Suite, string Name, string Result)>> TestsAsync(long id)
    {
        using var client = Master.Client();
        var page = await client.GetFromJsonAsync<JsonElement>($"api/v0.2/jobs/{id}/tests/?limit=1000");
        return [.. page.GetProperty("results").EnumerateArray().Select(c =>
            (c.GetProperty("suite").GetString()!, c.GetProperty("name").GetString()!, c.GetProperty("result").GetString()!))];
    }

    public async Task<string> DeviceHealthAsync(string device)
    {
        using var client = Master.Client();
        return (await client.GetFromJsonAsync<JsonElement>($"api/v0.2/devices/{device}/")).GetProperty("health").GetString()!;
    }

    public async Task<JsonElement> PostAsync(string path, object body)
    {
        using var client = Master.Client();
        using var response = await client.PostAsJsonAsync("api/v0.2/" + path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Kills job <paramref name="id"/>'s runner and its process group with SIGKILL, as a crash would.</summary>
    public void KillRunner(long id)
    {
        var pid = int.Parse(File.ReadAllText(Path.Combine(WorkerDataDir, "jobs", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "runner.pid")).Split(' ')[0],
            System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(0, Kill(-pid, 9));
    }

    public static string Text(LogValue value) => value switch
    {
        LogText t => t.Value,
        LogMap m => string.Join(", ", m.Entries.Select(e => $"{e.Key}={Text(e.Value)}")),
        _ => value.ToString() ?? "",
    };

    public void Own(IAsyncDisposable disposable) => _owned.Add(disposable);

    public async ValueTask DisposeAsync()
    {
        // Runners live in sessions of their own: nothing else ends them.
        foreach (var pidFile in Directory.Exists(WorkerDataDir) ? Directory.GetFiles(WorkerDataDir, "runner.pid", SearchOption.AllDirectories) : [])
        {
            if (int.TryParse(File.ReadAllText(pidFile).Split(' ')[0], out var pid)) _ = Kill(-pid, 9);
        }
        await Cluster.DisposeAsync();
        foreach (var owned in Enumerable.Reverse(_owned)) await owned.DisposeAsync();
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}

/// <summary>A process the lab runs beside the boards (socat, ser2net), killed with the lab.</summary>
internal sealed class Helper(Process process) : IAsyncDisposable
{
    public Process Process { get; } = process;

    public static Helper Start(string program, params string[] args)
    {
        var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new Helper(process);
    }

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        await Process.WaitForExitAsync();
        Process.Dispose();
    }
}
