using System.Collections.Immutable;
using Lava.Cli.Api;
using Lava.Devices.BoardSimulator;
using Lava.Devices.Qemu;

namespace Lava.Cli.Demo;

/// <summary>Where the demo's lab listens and keeps its state, and the built nodes it runs.</summary>
internal sealed record DemoLabOptions(string DataDir, string Http, string Cluster, string MasterDll, string WorkerDll, string QemuJob);

/// <summary>
/// A whole lab on one machine, as <c>./lava demo</c> and <c>./lava up</c> run it: a master (embedded SQLite store) and a
/// worker as child processes, and simulated boards with their PDU in this process. On each start it makes sure the
/// lab holds the worker, the <c>lava-sim</c> device type and one device per board, pointing the device dictionaries at
/// the boards' ports of this run, and the QEMU device (<see cref="DemoQemu"/>) when this machine can run it;
/// everything else in the data directory (jobs, logs) is kept from earlier runs.
/// </summary>
internal sealed class DemoLab : IAsyncDisposable
{
    public const string WorkerName = "demo-worker";
    public const string BoardType = "lava-sim";
    private static readonly string[] BoardNames = ["sim01", "sim02"];
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(90);

    private readonly DemoLabOptions _options;
    private readonly TextWriter _progress;
    private SimulatorLab? _boards;
    private NodeProcess? _master;
    private NodeProcess? _worker;

    private DemoLab(DemoLabOptions options, TextWriter progress)
    {
        _options = options;
        _progress = progress;
    }

    public string Url => "http://" + _options.Http;

    public string AdminTokenPath => Path.Combine(_options.DataDir, "admin.token");

    /// <summary>The master's client with the admin token, once <see cref="StartAsync"/> returned.</summary>
    public MasterClient Client { get; private set; } = null!;

    /// <summary>The names of the simulated boards, each a device of type <see cref="BoardType"/>.</summary>
    public IReadOnlyList<string> Devices => BoardNames;

    /// <summary>The QEMU device and its job, or null when this machine lacks QEMU, busybox or a kernel.</summary>
    public DemoQemu? Qemu { get; private set; }

    /// <summary>Starts the boards, the master and the worker, and registers what the lab needs; throws <see cref="DemoException"/> saying what failed.</summary>
    public static async Task<DemoLab> StartAsync(DemoLabOptions options, TextWriter progress, CancellationToken ct)
    {
        var lab = new DemoLab(options, progress);
        try
        {
            await lab.StartAllAsync(ct);
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    private async Task StartAllAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(_options.DataDir);
        _boards = await SimulatorLab.StartAsync(new SimulatorLabDefinition(
            [.. BoardNames.Select(name => new SimulatedBoardOptions { Name = name, AutobootSeconds = 1 })],
            [new SimulatorPduDefinition("sim-pdu", "127.0.0.1", 0,
                BoardNames.Select((name, i) => (Outlet: i + 1, name)).ToDictionary(o => o.Outlet, o => o.name).ToImmutableDictionary(),
                TimeSpan.FromMilliseconds(500))]));
        foreach (var line in _boards.Describe()) _progress.WriteLine($"lava: {line}");
        var qemuTools = QemuSmokeJob.Detect();
        Qemu = DemoQemu.Prepare(qemuTools, _options.QemuJob, _options.DataDir);
        _progress.WriteLine(Qemu is null
            ? $"lava: no QEMU device ({qemuTools.Missing}): simulated boards only"
            : $"lava: QEMU device {DemoQemu.DeviceName} under TCG: kernel {Qemu.Kernel}, busybox initramfs {Qemu.Initramfs}");

        _progress.WriteLine($"lava: starting the master (gateway {Url}, cluster {_options.Cluster}, data {_options.DataDir})");
        _master = NodeProcess.Start("master", _options.MasterDll,
            ["--http", _options.Http, "--cluster", _options.Cluster, "--data-dir", _options.DataDir],
            Path.Combine(_options.DataDir, "master.log"));
        var token = await WaitForAdminTokenAsync(ct);
        Client = new MasterClient(Url, token);
        await WaitForGatewayAsync(ct);

        var credentials = Path.Combine(_options.DataDir, WorkerName + ".token");
        await RegisterAsync(credentials, ct);
        _progress.WriteLine($"lava: starting worker {WorkerName}");
        _worker = NodeProcess.Start("worker", _options.WorkerDll,
            ["--name", WorkerName, "--token-file", credentials, "--data-dir", Path.Combine(_options.DataDir, "worker-" + WorkerName)],
            Path.Combine(_options.DataDir, "worker.log"));
        await WaitForWorkerOnlineAsync(ct);
    }

    private async Task<string> WaitForAdminTokenAsync(CancellationToken ct)
    {
        using var deadline = Deadline(ct);
        while (true)
        {
            FailIfExited(_master!);
            if (File.Exists(AdminTokenPath) && (await File.ReadAllTextAsync(AdminTokenPath, deadline.Token)).Trim() is { Length: > 0 } token) return token;
            await Task.Delay(100, deadline.Token);
        }
    }

    private async Task WaitForGatewayAsync(CancellationToken ct)
    {
        using var deadline = Deadline(ct);
        while (true)
        {
            FailIfExited(_master!);
            try
            {
                await Client.GetAsync("system/version/", deadline.Token);
                return;
            }
            catch (MasterApiException)
            {
                await Task.Delay(100, deadline.Token);
            }
        }
    }

    private async Task WaitForWorkerOnlineAsync(CancellationToken ct)
    {
        using var deadline = Deadline(ct);
        while (true)
        {
            FailIfExited(_worker!);
            var worker = await Client.GetAsync($"workers/{WorkerName}/", deadline.Token);
            if (worker.GetProperty("state").GetString() == "Online") return;
            await Task.Delay(200, deadline.Token);
        }
    }

    /// <summary>Adds the worker (writing its credentials) when the lab does not have it, the board type and the boards' devices.</summary>
    private async Task RegisterAsync(string credentials, CancellationToken ct)
    {
        if (!await ListedAsync("workers/", "hostname", WorkerName, ct))
        {
            WorkerCredentialsFile.From(await Client.PostAsync("workers/", new { hostname = WorkerName, description = "the demo's worker" }, ct)).Write(credentials);
        }
        else if (!File.Exists(credentials))
        {
            WorkerCredentialsFile.From(await Client.PostAsync($"workers/{WorkerName}/certificate/", null, ct)).Write(credentials);
        }

        await AddDeviceTypeAsync(BoardType, ct);

        var pduCommand = _boards!.Pdus[0].WriteShellClient(Path.Combine(_options.DataDir, "sim-pdu.sh"));
        for (var i = 0; i < _boards.Boards.Length; i++)
        {
            var board = _boards.Boards[i];
            await AddDeviceAsync(board.Name, BoardType, BoardDictionary(board, pduCommand, i + 1), ct);
        }
        var qemu = "";
        if (Qemu is not null)
        {
            await AddDeviceTypeAsync(DemoQemu.DeviceType, ct);
            await AddDeviceAsync(DemoQemu.DeviceName, DemoQemu.DeviceType, DemoQemu.Dictionary, ct);
            qemu = $", {DemoQemu.DeviceName} ({DemoQemu.DeviceType})";
        }
        _progress.WriteLine($"lava: lab ready: worker {WorkerName}, devices {string.Join(", ", BoardNames)} ({BoardType}){qemu}");
    }

    private async Task AddDeviceTypeAsync(string name, CancellationToken ct)
    {
        if (!await ListedAsync("devicetypes/", "name", name, ct))
        {
            await Client.PostAsync("devicetypes/", new Dictionary<string, object?> { ["name"] = name, ["disable_health_check"] = true }, ct);
        }
    }

    /// <summary>Adds the device on the demo's worker when the lab does not have it, and sets its dictionary (the boards' ports change with each run).</summary>
    private async Task AddDeviceAsync(string name, string type, string dictionary, CancellationToken ct)
    {
        if (!await ListedAsync("devices/", "hostname", name, ct))
        {
            await Client.PostAsync("devices/", new Dictionary<string, object?>
            {
                ["hostname"] = name, ["device_type"] = type, ["worker_host"] = WorkerName, ["health"] = "Good",
            }, ct);
        }
        await Client.PostAsync($"devices/{name}/dictionary/", new { dictionary }, ct);
    }

    private string BoardDictionary(SimulatedBoard board, string pduCommand, int outlet) => $$"""
        {% extends '{{BoardType}}.jinja2' %}
        {% set connection_command = 'telnet 127.0.0.1 {{board.Port}}' %}
        {% set pdu_command = 'bash {{pduCommand}}' %}
        {% set pdu_outlet = {{outlet}} %}

        """;

    private async Task<bool> ListedAsync(string path, string key, string name, CancellationToken ct)
    {
        var page = await Client.GetAsync(path + "?limit=1000", ct);
        return page.GetProperty("results").EnumerateArray().Any(r => r.GetProperty(key).GetString() == name);
    }

    private static CancellationTokenSource Deadline(CancellationToken ct)
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(StartDeadline);
        return deadline;
    }

    private static void FailIfExited(NodeProcess node)
    {
        if (node.HasExited) throw new DemoException($"the {node.Name} ended before the lab was ready; the end of {node.LogFile}:{Environment.NewLine}{node.Tail()}");
    }

    public async ValueTask DisposeAsync()
    {
        // The worker first, so that it leaves the cluster while the master still runs it.
        if (_worker is not null) await _worker.DisposeAsync();
        if (_master is not null) await _master.DisposeAsync();
        if (_boards is not null) await _boards.DisposeAsync();
        Client?.Dispose();
    }
}

/// <summary>The demo could not run; <see cref="Exception.Message"/> says what failed and where to look.</summary>
internal sealed class DemoException(string message) : Exception(message);
