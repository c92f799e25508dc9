using System.Collections.Immutable;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Lava.Actors.Jobs.Logs;
using Lava.Bench.Cluster;
using Lava.Devices.BoardSimulator;
using Microsoft.Data.Sqlite;

namespace Lava.Bench.Devices;

/// <summary>Boards of one device type: <paramref name="Count"/> boards like <paramref name="Board"/>, named TYPE-NNN.</summary>
internal sealed record BoardGroup(string DeviceType, int Count, SimulatedBoardOptions Board);

/// <summary>A device that is no simulated board (e.g. QEMU), with its device dictionary.</summary>
internal sealed record OtherDevice(string DeviceType, string Name, string Dictionary);

/// <summary>
/// A whole lab as processes, set up over REST as an admin would: a master (embedded SQLite store), one worker running
/// real job runners, and simulated boards with one PDU in this process, one device per board (each group its own
/// device type, health checks off). The device dictionaries extend <c>lava-sim.jinja2</c>; the power commands reach
/// the PDU through a small bash script. Everything lives in a temporary directory removed on dispose.
/// </summary>
internal sealed class BenchLab : IAsyncDisposable
{
    public const string WorkerName = "bench-worker";

    /// <summary>The shell prompt of every board, so that one job definition fits all.</summary>
    public const string ShellPrompt = "root@bench:~# ";

    private const int SubmitAttempts = 10;
    private static readonly TimeSpan StartDeadline = TimeSpan.FromMinutes(2);
    private readonly DirectoryInfo _dir;
    private SimulatorLab? _boards;
    private NodeProcess? _worker;

    private BenchLab(DirectoryInfo dir) => _dir = dir;

    public NodeProcess Master { get; private set; } = null!;

    public NodeProcess Worker => _worker ?? throw new InvalidOperationException("the worker has not started");

    public string MasterDataDir => Path.Combine(_dir.FullName, "master");

    public HttpClient Client { get; private set; } = null!;

    /// <summary>The running boards by device name.</summary>
    public ImmutableDictionary<string, SimulatedBoard> Boards { get; private set; } = ImmutableDictionary<string, SimulatedBoard>.Empty;

    /// <summary>The lab's temporary directory.</summary>
    public string Directory => _dir.FullName;

    public static async Task<BenchLab> StartAsync(IReadOnlyList<BoardGroup> groups, CancellationToken ct, IReadOnlyList<OtherDevice>? others = null)
    {
        var lab = new BenchLab(System.IO.Directory.CreateTempSubdirectory("lava-bench-devices-"));
        try
        {
            await lab.StartAllAsync(groups, others ?? [], ct);
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    private async Task StartAllAsync(IReadOnlyList<BoardGroup> groups, IReadOnlyList<OtherDevice> others, CancellationToken ct)
    {
        var boards = groups.SelectMany(g => Enumerable.Range(1, g.Count).Select(i => g.Board with { Name = $"{g.DeviceType}-{i:D3}", ShellPrompt = ShellPrompt })).ToImmutableArray();
        var outlets = boards.Select((b, i) => (Outlet: i + 1, b.Name)).ToImmutableDictionary(o => o.Outlet, o => o.Name);
        _boards = await SimulatorLab.StartAsync(new SimulatorLabDefinition(boards, [new SimulatorPduDefinition("bench-pdu", "127.0.0.1", 0, outlets, TimeSpan.Zero)]));
        Boards = _boards.Boards.ToImmutableDictionary(b => b.Name);
        var pduScript = _boards.Pdus[0].WriteShellClient(Path.Combine(_dir.FullName, "sim-pdu.sh"));

        var http = $"127.0.0.1:{ClusterBench.FreeLoopbackPort()}";
        Master = NodeProcess.Start("master", ClusterBench.BuiltDll("Lava.Host.Master"),
            ["--http", http, "--cluster", $"127.0.0.1:{ClusterBench.FreeLoopbackPort()}", "--data-dir", MasterDataDir]);
        await Master.WaitForLineAsync(StartDeadline, "serving HTTP on");
        var api = new Uri($"http://{http}/api/v0.2/");
        Client = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromSeconds(60) };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Token", (await File.ReadAllTextAsync(Path.Combine(MasterDataDir, "admin.token"), ct)).Trim());

        var credentials = Path.Combine(_dir.FullName, WorkerName + ".credentials");
        (await ClusterBench.AddWorkerAsync(new Uri($"http://{http}/"), MasterDataDir, WorkerName, ct)).Write(credentials);
        foreach (var type in groups.Select(g => g.DeviceType).Concat(others.Select(o => o.DeviceType)).Distinct())
        {
            await PostAsync("devicetypes/", new Dictionary<string, object?> { ["name"] = type, ["disable_health_check"] = true }, ct);
        }
        for (var i = 0; i < boards.Length; i++)
        {
            var board = _boards.Boards[i];
            var type = groups.First(g => board.Name.StartsWith(g.DeviceType + "-", StringComparison.Ordinal)).DeviceType;
            await PostAsync("devices/", new Dictionary<string, object?> { ["hostname"] = board.Name, ["device_type"] = type, ["worker_host"] = WorkerName, ["health"] = "Good" }, ct);
            await PostAsync($"devices/{board.Name}/dictionary/", new
            {
                dictionary = $$"""
                    {% extends 'lava-sim.jinja2' %}
                    {% set connection_command = 'telnet 127.0.0.1 {{board.Port}}' %}
                    {% set pdu_command = 'bash {{pduScript}}' %}
                    {% set pdu_outlet = {{i + 1}} %}
                    {{KernelStart(board.Options)}}
                    """,
            }, ct);
        }
        foreach (var other in others)
        {
            await PostAsync("devices/", new Dictionary<string, object?> { ["hostname"] = other.Name, ["device_type"] = other.DeviceType, ["worker_host"] = WorkerName, ["health"] = "Good" }, ct);
            await PostAsync($"devices/{other.Name}/dictionary/", new { dictionary = other.Dictionary }, ct);
        }

        _worker = NodeProcess.Start("worker", ClusterBench.BuiltDll("Lava.Host.Worker"),
            ["--name", WorkerName, "--token-file", credentials, "--data-dir", Path.Combine(_dir.FullName, "worker")]);
        await Master.WaitForLineAsync(StartDeadline, $"Worker {WorkerName} is Online");
    }

    /// <summary>
    /// An unpaced board's long boot log scrolls its kernel start message out of the runner's search window (64 KiB, as
    /// pexpect's) before auto-login starts looking for it whenever the power-cycle action returns late: such a board is
    /// known to have started by a line printed after its boot log.
    /// </summary>
    private static string KernelStart(SimulatedBoardOptions board) =>
        board.BaudRate == 0 && board.BootLogBytes > 0 ? "{% set kernel_start_message = 'Run /sbin/init' %}" : "";

    /// <summary>A boot-only job for a board of <paramref name="deviceType"/>: power-cycle, read the boot log up to the login prompt, log in.</summary>
    public static string BootJob(string deviceType, string name) => $$"""
        device_type: {{deviceType}}
        job_name: {{name}}
        visibility: public
        timeouts:
          job: {minutes: 20}
          action: {minutes: 15}
          actions:
            minimal-boot: {minutes: 15}
            auto-login-action: {minutes: 15}
        actions:
        - boot:
            method: minimal
            auto_login: {login_prompt: 'login:', username: root}
            prompts: ['{{ShellPrompt}}']

        """;

    /// <summary>Submits a job; returns its id.</summary>
    public async Task<long> SubmitAsync(string definition, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var response = await Client.PostAsJsonAsync("jobs/", new { definition }, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            if (response.IsSuccessStatusCode) return JsonSerializer.Deserialize<JsonElement>(text).GetProperty("job_ids")[0].GetInt64();
            // 503: the master could not journal the job in time (a loaded machine) and says to retry, as a client would.
            if (response.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable || attempt == SubmitAttempts)
                throw new InvalidOperationException($"POST jobs/: {(int)response.StatusCode} {text}");
            await Console.Error.WriteLineAsync($"devices: a submission was refused ({text}); retrying");
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
    }

    /// <summary>The job as the REST API shows it.</summary>
    public async Task<JsonElement> JobAsync(long id, CancellationToken ct) => await Client.GetFromJsonAsync<JsonElement>($"jobs/{id}/", ct);

    /// <summary>Waits until the job is Finished (looking every <paramref name="every"/>); returns it as REST shows it.</summary>
    public async Task<JsonElement> WaitFinishedAsync(long id, TimeSpan deadline, TimeSpan every, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(deadline);
        try
        {
            while (true)
            {
                var job = await JobAsync(id, timeout.Token);
                if (job.GetProperty("state").GetString() == "Finished") return job;
                await Task.Delay(every, timeout.Token);
            }
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"job {id} did not finish within {deadline}", e);
        }
    }

    /// <summary>How many jobs are Finished.</summary>
    public async Task<long> FinishedCountAsync(CancellationToken ct) =>
        (await Client.GetFromJsonAsync<JsonElement>("jobs/?state=Finished&limit=1", ct)).GetProperty("count").GetInt64();

    /// <summary>The master's stored log of the job (its log store file).</summary>
    public string LogFile(long id) => Path.Combine(MasterDataDir, "jobs", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "output.yaml");

    /// <summary>The job's stored log lines, parsed.</summary>
    public IReadOnlyList<LogRecord> StoredLog(long id) =>
        File.Exists(LogFile(id)) ? [.. File.ReadLines(LogFile(id)).Select(LogLine.Parse)] : [];

    /// <summary>When the job's supervisor journaled JobScheduled (the scheduler booked its device).</summary>
    public DateTimeOffset ScheduledAt(long id)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(MasterDataDir, "lava.db")};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT payload FROM event_journal WHERE persistence_id = $id AND manifest = 'lava.job.scheduled.v1' ORDER BY ordering LIMIT 1";
        command.Parameters.AddWithValue("$id", $"job-{id}");
        var payload = command.ExecuteScalar() switch
        {
            byte[] bytes => Encoding.UTF8.GetString(bytes),
            string text => text,
            _ => throw new InvalidOperationException($"job {id} has no JobScheduled event in the journal"),
        };
        using var json = JsonDocument.Parse(payload);
        return json.RootElement.GetProperty("at").GetDateTimeOffset();
    }

    private async Task<JsonElement> PostAsync(string path, object body, CancellationToken ct)
    {
        using var response = await Client.PostAsJsonAsync(path, body, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonSerializer.Deserialize<JsonElement>(text);
    }

    public async ValueTask DisposeAsync()
    {
        // The worker first, so that it leaves the cluster while the master still runs.
        if (_worker is not null) await _worker.DisposeAsync();
        if (Master is not null) await Master.DisposeAsync();
        if (_boards is not null) await _boards.DisposeAsync();
        Client?.Dispose();
        SqliteConnection.ClearAllPools();
        try
        {
            _dir.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A process killed a moment ago may still hold a file; the directory is temporary anyway.
        }
    }
}
