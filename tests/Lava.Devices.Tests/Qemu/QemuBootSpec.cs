using System.Diagnostics;
using System.IO.Compression;
using Lava.Devices.Consoles;
using Lava.Devices.Qemu;
using Lava.Devices.Tests.Consoles;
using Xunit;
using Xunit.Abstractions;
using Lava.Devices.Archives;

namespace Lava.Devices.Tests.Qemu;

/// <summary>
/// Debian's kernel booted under TCG with the busybox initramfs and a job overlay appended, on the command line that
/// the shipped qemu01 dictionary and smoke job give; and QEMU's early exits reported with their reason.
/// </summary>
public sealed class QemuBootSpec(ITestOutputHelper output) : IDisposable
{
    private const string JobId = "4242";

    private readonly string _directory = Directory.CreateTempSubdirectory("lava-qemu-boot-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [RequiresQemuTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_kernel_must_boot_to_the_prompt_run_the_overlays_script_and_be_gone_after_stop(bool gzipOverlay)
    {
        var job = QemuAssets.SmokeJob();
        var initramfs = Path.Combine(_directory, "busybox-initramfs.cpio.gz");
        BusyboxInitramfs.Build(BusyboxInitramfs.FindBusybox()!, initramfs);
        var overlay = WriteOverlay(gzipOverlay);
        var images = QemuAssets.Images(job, new Dictionary<string, string> { ["kernel"] = QemuAssets.Kernel!, ["initrd"] = initramfs });
        var command = QemuCommandLine.Build(QemuAssets.RenderQemu01(QemuAssets.Context(job)), QemuAssets.Action(job, "boot"), images, _directory, overlay);
        Assert.DoesNotContain("-enable-kvm", command.Arguments);
        var log = new RecordingLog();
        var booting = Stopwatch.StartNew();

        await using var machine = QemuMachine.Start(command, Path.Combine(_directory, "qemu.stderr"));
        await using (var expect = new ConsoleExpect(machine.Console, log))
        {
            await expect.ExpectAsync(["Linux version [0-9]"], QemuAssets.Deadline);
            await expect.ExpectAsync([BusyboxInitramfs.ReadyMessage], QemuAssets.Deadline);
            await expect.ExpectAsync([System.Text.RegularExpressions.Regex.Escape(BusyboxInitramfs.Prompt)], QemuAssets.Deadline);
            output.WriteLine($"QEMU (TCG) reached the prompt after {booting.Elapsed.TotalSeconds:F1} s");

            await expect.SendLineAsync($"/lava-{JobId}/bin/hello; echo exit=$?");
            var said = await expect.ExpectAsync([@"overlay says (\d+) on (\S+)\s+exit=(\d+)"], QemuAssets.Deadline);
            await expect.SendLineAsync($"ls -l /lava-{JobId}/bin/run.sh");
            var listed = await expect.ExpectAsync([@"(\S+)\s+\d+ root\s+root\s+\d+ .*run\.sh"], QemuAssets.Deadline);

            Assert.Equal(("42", "lava-guest", "0"), (said.Match.Groups[1].Value, said.Match.Groups[2].Value, said.Match.Groups[3].Value));
            Assert.Equal("-rwxr-xr-x", listed.Match.Groups[1].Value);
            Assert.Contains(log.Targets, l => l.Contains("overlay says 42 on lava-guest", StringComparison.Ordinal));

            await machine.StopAsync();
        }

        await machine.Exited.WaitAsync(QemuAssets.Deadline); // stopped by us: completes without an error
        Assert.Empty(ProcessesMentioning(_directory));
    }

    [RequiresQemuFact]
    public async Task An_option_qemu_refuses_must_end_it_with_an_infrastructure_error_naming_stderr()
    {
        var command = new QemuCommand("qemu-system-x86_64", ["-nographic", "-no-such-option-here"]);

        await using var machine = QemuMachine.Start(command, Path.Combine(_directory, "qemu.stderr"));
        var ended = await Assert.ThrowsAsync<QemuException>(() => machine.Exited.WaitAsync(QemuAssets.Deadline));

        Assert.Equal("Infrastructure", ended.ErrorType);
        Assert.Contains("exited with code 1", ended.Message, StringComparison.Ordinal);
        Assert.Contains("-no-such-option-here", ended.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_qemu_that_is_not_installed_must_end_with_an_infrastructure_error_and_close_the_console()
    {
        var command = new QemuCommand("qemu-system-nonexistent-arch", ["-nographic"]);

        await using var machine = QemuMachine.Start(command, Path.Combine(_directory, "qemu.stderr"));
        await using var expect = new ConsoleExpect(machine.Console, new RecordingLog());
        await Assert.ThrowsAsync<ConsoleClosedException>(() => expect.ExpectAsync(["never"], TimeSpan.FromSeconds(30)));
        var ended = await Assert.ThrowsAsync<QemuException>(() => machine.Exited.WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal("Infrastructure", ended.ErrorType);
        Assert.Contains("qemu-system-nonexistent-arch exited with code 127", ended.Message, StringComparison.Ordinal);
        Assert.Contains("not found", ended.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_stop_token_must_kill_the_machine_and_what_it_started()
    {
        using var stop = new CancellationTokenSource();
        var marker = Path.Combine(_directory, "marker");
        await using var machine = QemuMachine.Start(new QemuCommand("sh", ["-c", "sleep 300 & echo child $!; wait", marker]), Path.Combine(_directory, "qemu.stderr"), stop.Token);
        await using var expect = new ConsoleExpect(machine.Console, new RecordingLog());
        var child = int.Parse((await expect.ExpectAsync([@"child (\d+)"], TimeSpan.FromSeconds(30))).Match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.NotEmpty(ProcessesMentioning(marker));

        await stop.CancelAsync();

        await machine.Exited.WaitAsync(TimeSpan.FromSeconds(30)); // stopped, not ended by itself: no error
        Assert.Empty(ProcessesMentioning(marker));
        await WaitUntilGoneAsync(child);
    }

    // A killed process is gone or a zombie waiting for a reaper that is not ours; there is no event to wait on.
    private static async Task WaitUntilGoneAsync(int pid)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (ReadCommandLine($"/proc/{pid}").Length > 0)
        {
            await Task.Delay(20, deadline.Token);
        }
    }

    // The overlay as the test-shell deploy makes it: /lava-JOBID/ with an executable script, and a symlink to it.
    private string WriteOverlay(bool gzip)
    {
        var path = Path.Combine(_directory, gzip ? "overlay.cpio.gz" : "overlay.cpio");
        using var file = File.Create(path);
        using Stream stream = gzip ? new GZipStream(file, CompressionLevel.Fastest) : file;
        using var cpio = new CpioWriter(stream);
        cpio.AddDirectory($"lava-{JobId}");
        cpio.AddDirectory($"lava-{JobId}/bin");
        cpio.AddFile($"lava-{JobId}/bin/run.sh", "#!/bin/sh\necho \"overlay says $((6 * 7)) on $(hostname)\"\n", mode: 0x1ED);
        cpio.AddSymlink($"lava-{JobId}/bin/hello", "run.sh");
        return path;
    }

    // Processes whose command line names text: the test's own directory is in every argument QEMU got.
    private static List<int> ProcessesMentioning(string text) =>
        [.. Directory.EnumerateDirectories("/proc")
            .Select(d => (Pid: int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0, Dir: d))
            .Where(p => p.Pid > 0 && ReadCommandLine(p.Dir).Contains(text, StringComparison.Ordinal))
            .Select(p => p.Pid)];

    private static string ReadCommandLine(string processDirectory)
    {
        try
        {
            return File.ReadAllText(Path.Combine(processDirectory, "cmdline")).Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }
}
