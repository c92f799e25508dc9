using System.Diagnostics;
using Lava.Actors.Jobs.Logs;
using Lava.Actors.Lab.Devices;
using Lava.Devices.Pipeline;
using Lava.Devices.Pipeline.Boot;
using Lava.Devices.Pipeline.Deploy;
using Lava.Devices.Qemu;
using Lava.Devices.TestShell;
using Lava.Devices.Tests.Qemu;
using Xunit;
using Xunit.Abstractions;

namespace Lava.Devices.Tests.Pipeline;

/// <summary>
/// The job runner with <c>deploy: to: tmpfs</c> and <c>boot: method: qemu</c>: the shipped smoke job (its deploy and
/// boot) on qemu01 rendered with the job's context, booting Debian's kernel and the busybox initramfs under TCG;
/// cancel and QEMU's early ends.
/// </summary>
public sealed class QemuJobSpec(ITestOutputHelper output)
{
    private static readonly string[] DeployAndBoot =
        ["file-download", "file-download", "deployimages", "execute-qemu", "boot-qemu-image", "auto-login-action", "boot-image-retry", "finalize", "job"];

    [RequiresQemuFact]
    public async Task The_smoke_jobs_deploy_and_boot_must_reach_the_busybox_prompt_and_pass_with_each_action_in_the_lava_suite()
    {
        await using var job = SmokeJob();
        var booting = Stopwatch.StartNew();

        await job.RunAsync(within: QemuAssets.Deadline * 3);

        output.WriteLine($"deploy and boot under TCG took {booting.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(("pass", "", ""), job.End());
        var text = job.LogText().ToList();
        var command = Assert.Single(text, l => l.StartsWith("info: Boot command: ", StringComparison.Ordinal));
        Assert.StartsWith("info: Boot command: qemu-system-x86_64 -nographic -net nic,model=virtio,macaddr=52:54:00:12:34:01 -net user -m 256 -monitor none -kernel " + Path.Combine(job.Path, "kernel", "vmlinuz-"), command);
        Assert.EndsWith($"-initrd {Path.Combine(job.Path, "initrd", "busybox-initramfs.cpio")} -no-reboot", command);
        Assert.DoesNotContain("-enable-kvm", command, StringComparison.Ordinal);
        Assert.Contains(text, l => l == "target: " + BusyboxInitramfs.ReadyMessage);
        Assert.Contains("info: Logged in: shell prompt found", text);
        Assert.Contains("debug: Disconnected from qemu-system-x86_64 (serial console on stdio)", text);

        var results = job.Results();
        Assert.Equal(DeployAndBoot, results.Select(r => r.Name));
        Assert.All(results, r => Assert.Equal(("lava", "pass"), (r.Suite, r.Result)));
        Assert.Equal(["kernel", "initrd"], results.Where(r => r.Name == "file-download").Select(r => r.Extra!["label"]));
        Assert.Equal(("2.1.1", "2.2"), (results.Single(r => r.Name == "execute-qemu").Extra!["level"], results.Single(r => r.Name == "auto-login-action").Extra!["level"]));
        Assert.Empty(ProcessesMentioning(job.Path)); // finalize stopped QEMU
    }

    [RequiresQemuFact]
    public async Task A_jobs_overlay_must_be_booted_in_the_initrd_and_marked_as_on_the_device()
    {
        await using var job = SmokeJob(test: "- test:\n    timeout: {minutes: 2}\n    definitions: []\n");
        var registry = ActionRegistry.CreateDefault()
            .Register("deploy", "tmpfs", (a, d, e) => new ActionGroup("deployimages", [DeployStrategies.Downloads(a, d, e), new BuildOverlay()]))
            .Register("test", ActionRegistry.AnyStrategy, (_, _, _) => new CheckOverlay());

        var run = JobRunner.RunAsync(job.Path, registry, TimeProvider.System, CancellationToken.None);
        Assert.Equal(0, await run.WaitAsync(QemuAssets.Deadline * 3));

        Assert.Equal(("pass", "", ""), job.End());
        Assert.Contains(job.LogText(), l => l.StartsWith("info: Boot command: ", StringComparison.Ordinal)
            && l.Contains($"-initrd {Path.Combine(job.Path, QemuCommandLine.InitrdWithOverlay)} ", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(job.Path, ExecuteQemuAction.OverlayFile)));
        Assert.Equal("pass", job.Results().Single(r => r.Name == "check-overlay").Result);
    }

    [RequiresQemuFact]
    public async Task Cancel_while_the_guest_boots_must_stop_qemu_and_end_canceled()
    {
        await using var job = SmokeJob();
        using var stop = new CancellationTokenSource();
        var run = job.RunAsync(stop.Token, QemuAssets.Deadline * 3);

        await WaitForLogAsync(job, r => r.Level == "target" && ((LogText)r.Msg).Value.Contains("Linux version ", StringComparison.Ordinal));
        Assert.NotEmpty(ProcessesMentioning(job.Path));
        await stop.CancelAsync();
        await run;

        Assert.Equal(("fail", "Canceled", "The job was canceled"), job.End());
        Assert.Empty(ProcessesMentioning(job.Path));
        Assert.Contains("debug: Disconnected from qemu-system-x86_64 (serial console on stdio)", job.LogText());
        Assert.Equal("fail", job.Results().Single(r => r.Name == "auto-login-action").Result);
    }

    [RequiresQemuFact]
    public async Task An_option_qemu_refuses_in_the_device_configuration_must_end_the_job_with_an_infrastructure_error_quoting_its_stderr()
    {
        await using var job = SmokeJob(extraOptions: "-no-such-option-here");

        await job.RunAsync(within: QemuAssets.Deadline * 3);

        var (result, errorType, errors) = job.End();
        Assert.Equal(("fail", "Infrastructure"), (result, errorType));
        Assert.StartsWith("Connection closed: qemu-system-x86_64 exited with code 1 before it was stopped: ", errors, StringComparison.Ordinal);
        Assert.Contains("-no-such-option-here", errors, StringComparison.Ordinal);
        Assert.Contains(job.LogText(), l => l.StartsWith("info: Boot command: ", StringComparison.Ordinal) && l.Contains(" -no-such-option-here ", StringComparison.Ordinal));
        Assert.Equal("fail", job.Results().Single(r => r.Name == "auto-login-action").Result);
    }

    [Fact]
    public async Task A_qemu_that_is_not_installed_must_end_the_job_with_an_infrastructure_error_naming_it()
    {
        await using var job = JobDirectory.Create();
        job.Write("device.yaml", """
            actions:
              boot:
                methods:
                  qemu:
                    parameters:
                      command: qemu-system-nonexistent-arch
                      options: [-nographic]
            """);
        job.Write("job.yaml", BootOnly);

        await job.RunAsync();

        var (result, errorType, errors) = job.End();
        Assert.Equal(("fail", "Infrastructure"), (result, errorType));
        Assert.Contains("qemu-system-nonexistent-arch exited with code 127", errors, StringComparison.Ordinal);
        Assert.Contains("not found", errors, StringComparison.Ordinal);
        Assert.Contains("info: Boot command: qemu-system-nonexistent-arch -nographic -no-reboot", job.LogText());
    }

    [Fact]
    public async Task A_device_without_a_qemu_method_must_be_refused_before_anything_runs()
    {
        await using var job = JobDirectory.Create();
        job.Write("job.yaml", BootOnly.Replace("media: tmpfs", "media: nfs", StringComparison.Ordinal));

        await job.RunAsync();

        Assert.Equal(
            ("fail", "Job", "Invalid job data: The device has no 'qemu' boot method; qemu boot media 'nfs' is not supported: only tmpfs is"),
            job.End());
        Assert.Equal(["finalize", "job"], job.Results().Select(r => r.Name));
    }

    [Fact]
    public async Task A_device_configuration_without_a_qemu_command_must_be_a_configuration_error()
    {
        await using var job = JobDirectory.Create();
        job.Write("device.yaml", "actions: {boot: {methods: {qemu: {parameters: {options: [-nographic]}}}}}\n");
        job.Write("job.yaml", BootOnly);

        await job.RunAsync();

        Assert.Equal(("fail", "Configuration", "the device configuration's qemu parameters have no command"), job.End());
    }

    [Theory]
    [InlineData("Infrastructure", typeof(InfrastructureError))]
    [InlineData("Job", typeof(JobError))]
    [InlineData("Configuration", typeof(ConfigurationError))]
    [InlineData("Something", typeof(LavaBug))]
    public void A_qemu_error_must_become_the_lava_error_of_its_type(string errorType, Type expected)
    {
        var error = ExecuteQemuAction.ToLavaError(new QemuException(errorType, "why"));

        Assert.IsType(expected, error);
        Assert.EndsWith("why", error.Message, StringComparison.Ordinal);
    }

    private const string BootOnly = """
        job_name: qemu boot only
        visibility: public
        timeouts: {job: {minutes: 2}, action: {minutes: 1}}
        actions:
        - boot:
            method: qemu
            media: tmpfs
            prompts: ['/ # ']
        """;

    // The shipped smoke job without its test action, its images the kernel found and a busybox initramfs, on qemu01
    // rendered with the job's context (plus extra_options when given), as the master renders it for a job.
    private static JobDirectory SmokeJob(string? extraOptions = null, string test = "")
    {
        var job = JobDirectory.Create();
        var initramfs = Path.Combine(job.Path, "busybox-initramfs.cpio.gz");
        BusyboxInitramfs.Build(BusyboxInitramfs.FindBusybox()!, initramfs);
        var yaml = File.ReadAllText(Path.Combine(QemuAssets.RepositoryRoot, "examples", "jobs", "qemu-smoke.yaml"))
            .Replace("file:///srv/lava-images/vmlinuz", "file://" + QemuAssets.Kernel, StringComparison.Ordinal)
            .Replace("file:///srv/lava-images/busybox-initramfs.cpio.gz", "file://" + initramfs, StringComparison.Ordinal);
        Assert.Contains("\n- test:\n", yaml, StringComparison.Ordinal);
        yaml = yaml[..yaml.IndexOf("\n- test:\n", StringComparison.Ordinal)] + "\n" + test;
        var context = new Dictionary<string, object?> { ["arch"] = "amd64" };
        if (extraOptions is not null)
        {
            context["extra_options"] = new List<object?> { extraOptions };
            yaml = yaml.Replace("  arch: amd64\n", $"  arch: amd64\n  extra_options: ['{extraOptions}']\n", StringComparison.Ordinal);
        }
        job.Write("job.yaml", yaml);
        var templates = DeviceTemplates.ForLab(Path.Combine(QemuAssets.RepositoryRoot, "examples", "devices"), Path.Combine(QemuAssets.RepositoryRoot, "device-types"));
        job.Write("device.yaml", templates.RenderDevice("qemu01", context));
        return job;
    }

    /// <summary>What the test deploy does for QEMU: the job's overlay in the context.</summary>
    private sealed class BuildOverlay() : PipelineAction("lava-overlay")
    {
        public override Task RunAsync(ActionScope scope, CancellationToken deadline)
        {
            scope.Context.Overlay = Overlay.Build(new OverlayOptions { JobId = "7" });
            return Task.CompletedTask;
        }
    }

    /// <summary>Checks at the guest's prompt that the overlay's helpers are there.</summary>
    private sealed class CheckOverlay() : PipelineAction("check-overlay")
    {
        public override async Task RunAsync(ActionScope scope, CancellationToken deadline)
        {
            Assert.True(scope.Context.OverlayOnDevice);
            await scope.SendLineAsync("test -x /lava-7/bin/lava-test-case && echo overlay=ok$((40 + 2))", deadline, "test");
            await scope.ExpectAsync(["overlay=ok42"], deadline);
            await scope.ExpectAsync(scope.Context.Prompts, deadline);
        }
    }

    private static async Task WaitForLogAsync(JobDirectory job, Func<LogRecord, bool> predicate)
    {
        using var deadline = new CancellationTokenSource(QemuAssets.Deadline);
        while (!job.Log().Any(predicate))
        {
            await Task.Delay(100, deadline.Token); // the log is a file the runner appends to: polled, with a deadline
        }
    }

    // QEMU's arguments name files in the job directory.
    private static List<int> ProcessesMentioning(string text) =>
        [.. Directory.EnumerateDirectories("/proc")
            .Select(d => (Pid: int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0, Dir: d))
            .Where(p => p.Pid > 0 && p.Pid != Environment.ProcessId && CommandLine(p.Dir).Contains(text, StringComparison.Ordinal))
            .Select(p => p.Pid)];

    private static string CommandLine(string processDirectory)
    {
        try
        {
            return File.ReadAllText(Path.Combine(processDirectory, "cmdline")).Replace('\0', ' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}
