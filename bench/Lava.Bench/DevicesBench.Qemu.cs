using System.Diagnostics;
using System.Runtime.CompilerServices;
using Lava.Bench.Devices;
using Lava.Devices.Pipeline;
using Lava.Devices.Qemu;

namespace Lava.Bench;

internal sealed partial class DevicesBench
{
    private const int QemuDevices = 4;
    private const int QemuJobs = 12;
    private static readonly TimeSpan QemuDeadline = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The QEMU smoke job (examples/jobs/qemu-smoke.yaml: Debian's kernel, a busybox initramfs, an inline
    /// lava-test-shell definition), <see cref="QemuJobs"/> submitted at once onto <see cref="QemuDevices"/> QEMU devices
    /// under TCG (<c>no_kvm</c>): jobs per minute from the submissions to the last job finished. Measured only when
    /// QEMU, busybox and a kernel are here and the job runner knows the <c>qemu</c> boot and the <c>test</c> action;
    /// otherwise stderr says why and no figure is printed.
    /// </summary>
    private static async IAsyncEnumerable<Figure> QemuAsync([EnumeratorCancellation] CancellationToken ct)
    {
        if (QemuMissing() is { } missing)
        {
            await Console.Error.WriteLineAsync($"devices: qemu_smoke_jobs_per_min not measured: {missing}");
            yield break;
        }
        var root = RepositoryRoot();
        var devices = Enumerable.Range(1, QemuDevices).Select(i => new OtherDevice("qemu", $"qemu-{i:D2}", $$"""
            {% extends 'qemu.jinja2' %}
            {% set mac_addr = '52:54:00:12:34:{{i:D2}}' %}
            {% set memory = 256 %}
            {% set no_kvm = True %}

            """)).ToList();
        await using var lab = await BenchLab.StartAsync([], ct, devices);
        var initramfs = Path.Combine(lab.Directory, "busybox-initramfs.cpio.gz");
        BusyboxInitramfs.Build(BusyboxInitramfs.FindBusybox()!, initramfs);
        var job = QemuSmokeJob.PointAt(await File.ReadAllTextAsync(Path.Combine(root, "examples", "jobs", "qemu-smoke.yaml"), ct), UnpackedKernel.Find()!, initramfs);

        var started = Stopwatch.GetTimestamp();
        var ids = await Task.WhenAll(Enumerable.Range(0, QemuJobs).Select(_ => lab.SubmitAsync(job, ct)));
        var ends = await Task.WhenAll(ids.Select(id => lab.WaitFinishedAsync(id, QemuDeadline, TimeSpan.FromMilliseconds(500), ct)));
        var minutes = Stopwatch.GetElapsedTime(started).TotalMinutes;
        var healths = ends.GroupBy(e => e.GetProperty("health").GetString()).Select(g => $"{g.Count()} {g.Key}");
        await Console.Error.WriteLineAsync($"devices: {QemuJobs} QEMU smoke jobs on {QemuDevices} devices in {minutes * 60:F0} s: {string.Join(", ", healths)}");
        yield return new Figure(Bench, "qemu_smoke_jobs_per_min", QemuJobs / minutes, "jobs/min");
    }

    private static string? QemuMissing()
    {
        var registry = ActionRegistry.CreateDefault();
        return QemuSmokeJob.Detect().Missing
            ?? (!registry.Has("boot", "qemu") ? "the job runner has no qemu boot method yet"
            : !registry.Has("test", ActionRegistry.AnyStrategy) ? "the job runner has no test action yet"
            : null);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Lava.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"Lava.sln not found above {AppContext.BaseDirectory}");
    }
}
