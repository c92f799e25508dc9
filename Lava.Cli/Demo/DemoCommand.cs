using System.CommandLine;

namespace Lava.Cli.Demo;

/// <summary>
/// <c>lava-cli demo</c>: a lab on this machine (<see cref="DemoLab"/>) runs one example job on a simulated board, and the
/// QEMU smoke job on its QEMU device when it has one, showing their live logs one after the other and then their
/// results; exit 0 when every job completed with test cases recorded. <c>lava-cli up</c>: the same lab, left running
/// until Ctrl-C or SIGTERM. The root script <c>./lava</c> builds the master and the worker and names their assemblies.
/// </summary>
internal static class DemoCommand
{
    private static readonly TimeSpan JobDeadline = TimeSpan.FromMinutes(10);

    public static Command CreateDemo()
    {
        var job = new Option<string>("--job") { Description = "The job to run (LAVA YAML).", DefaultValueFactory = _ => "examples/jobs/sim-smoke.yaml" };
        var demo = new Command("demo", "Start a master, a worker and simulated boards on this machine, run an example job on a board, show its log and results, stop.");
        var options = LabOptions(demo);
        demo.Options.Add(job);
        demo.SetAction((parse, ct) => DemoAsync(options(parse), parse.GetValue(job)!, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
        return demo;
    }

    public static Command CreateUp()
    {
        var up = new Command("up", "Start a master, a worker and simulated boards on this machine and keep them running until Ctrl-C or SIGTERM.");
        var options = LabOptions(up);
        up.SetAction((parse, ct) => UpAsync(options(parse), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
        return up;
    }

    private static Func<ParseResult, DemoLabOptions> LabOptions(Command command)
    {
        var http = new Option<string>("--http") { Description = "HOST:PORT of the master's gateway.", DefaultValueFactory = _ => "127.0.0.1:8000" };
        var cluster = new Option<string>("--cluster") { Description = "HOST:PORT of the master's cluster port.", DefaultValueFactory = _ => "127.0.0.1:4053" };
        var dataDir = new Option<string?>("--data-dir") { Description = "Where the lab keeps its state (default $LAVA_DATA_DIR, else .lava)." };
        var master = new Option<string>("--master-dll") { Description = "The built Lava.Host.Master.dll.", Required = true };
        var worker = new Option<string>("--worker-dll") { Description = "The built Lava.Host.Worker.dll.", Required = true };
        var qemuJob = new Option<string>("--qemu-job")
        {
            Description = "The QEMU smoke job, its image URLs replaced by the kernel found and the initramfs built when QEMU is here.",
            DefaultValueFactory = _ => "examples/jobs/qemu-smoke.yaml",
        };
        foreach (var option in new Option[] { http, cluster, dataDir, master, worker, qemuJob }) command.Options.Add(option);
        return parse => new DemoLabOptions(
            Path.GetFullPath(parse.GetValue(dataDir) ?? (Environment.GetEnvironmentVariable("LAVA_DATA_DIR") is { Length: > 0 } d ? d : ".lava")),
            parse.GetValue(http)!,
            parse.GetValue(cluster)!,
            Path.GetFullPath(parse.GetValue(master)!),
            Path.GetFullPath(parse.GetValue(worker)!),
            Path.GetFullPath(parse.GetValue(qemuJob)!));
    }

    private static async Task<int> DemoAsync(DemoLabOptions options, string jobFile, TextWriter output, TextWriter error, CancellationToken ct)
    {
        if (MissingFile(jobFile, options.QemuJob) is { } missing)
        {
            error.WriteLine(missing);
            return LavaCli.ExitInvalidInput;
        }
        try
        {
            await using var lab = await DemoLab.StartAsync(options, output, ct);
            var watch = new JobWatch(lab.Client, output);
            var files = lab.Qemu is null ? [jobFile] : new[] { jobFile, lab.Qemu.JobPath };
            // All submitted at once so that they run side by side; their logs are shown one job after the other.
            var ids = new List<long>();
            foreach (var file in files) ids.Add(await watch.SubmitAsync(await File.ReadAllTextAsync(file, ct), ct));
            var jobs = new List<WatchedJob>();
            for (var i = 0; i < ids.Count; i++)
            {
                output.WriteLine($"lava: submitted {files[i]} as job {ids[i]}; its log follows ({lab.Url}/api/v0.2/jobs/{ids[i]}/logs/)");
                jobs.Add(await watch.FollowAsync(ids[i], JobDeadline, ct));
            }
            foreach (var job in jobs) watch.PrintResults(job);
            return jobs.All(job => job.Health == "Complete" && job.TestCases > 0) ? 0 : 1;
        }
        catch (Exception e) when (e is DemoException or Api.MasterApiException)
        {
            error.WriteLine($"lava demo: {e.Message}");
            return 1;
        }
    }

    private static string? MissingFile(string jobFile, string qemuJob) =>
        !File.Exists(jobFile) ? $"--job: {jobFile} does not exist"
        : !File.Exists(qemuJob) ? $"--qemu-job: {qemuJob} does not exist"
        : null;

    private static async Task<int> UpAsync(DemoLabOptions options, TextWriter output, TextWriter error, CancellationToken ct)
    {
        if (!File.Exists(options.QemuJob))
        {
            error.WriteLine($"--qemu-job: {options.QemuJob} does not exist");
            return LavaCli.ExitInvalidInput;
        }
        try
        {
            await using var lab = await DemoLab.StartAsync(options, output, ct);
            output.WriteLine($"lava: the lab is up: web UI {lab.Url}/ (REST {lab.Url}/api/v0.2/, XML-RPC {lab.Url}/RPC2); admin token in {lab.AdminTokenPath}");
            output.WriteLine("lava: to sign in to the web UI as admin: ./lava users password admin");
            output.WriteLine($"lava: devices {string.Join(", ", lab.Devices)} of type {DemoLab.BoardType} on worker {DemoLab.WorkerName}");
            if (lab.Qemu is not null)
            {
                output.WriteLine($"lava: device {DemoQemu.DeviceName} of type {DemoQemu.DeviceType} (QEMU under TCG); its smoke job: " +
                    $"lavacli jobs submit {lab.Qemu.JobPath} (or POST it to {lab.Url}/api/v0.2/jobs/)");
            }
            output.WriteLine("lava: Ctrl-C stops the lab");
            await output.FlushAsync(ct);
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
                output.WriteLine("lava: stopping the lab");
            }
            return 0;
        }
        catch (Exception e) when (e is DemoException or Api.MasterApiException)
        {
            error.WriteLine($"lava up: {e.Message}");
            return 1;
        }
    }
}
