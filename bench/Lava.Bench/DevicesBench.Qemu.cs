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
        // One request a poll for all the jobs, not one per job: the master's CPU is what the jobs share.
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            deadline.CancelAfter(QemuDeadline);
            while (await lab.FinishedCountAsync(deadline.Token) < QemuJobs) await Task.Delay(TimeSpan.FromMilliseconds(250), deadline.Token);
        }
        var minutes = Stopwatch.GetElapsedTime(started).TotalMinutes;
        var ends = await Task.WhenAll(ids.Select(id => lab.JobAsync(id, ct)));
        var healths = ends.GroupBy(e => e.GetProperty("health").GetString()).Select(g => $"{g.Count()} {g.Key}")
            .Concat(ends.Select(e => e.GetProperty("failure_comment").GetString()).Where(c => !string.IsNullOrEmpty(c)).Distinct());
        await Console.Error.WriteLineAsync($"devices: {QemuJobs} QEMU smoke jobs on {QemuDevices} devices in {minutes * 60:F0} s: {string.Join(", ", healths)}");
        await Console.Error.WriteLineAsync("devices: one QEMU job, median s: " + QemuBreakdown(lab, ids, ends));
        yield return new Figure(Bench, "qemu_smoke_jobs_per_min", QemuJobs / minutes, "jobs/min");
    }

    /// <summary>
    /// Where a job's time goes, from its Scheduled event, its log's stamps (the runner's) and its end_time: the runner's
    /// start to its first line, deploy, boot to the shell prompt, the test shell, the end of the pipeline to the
    /// runner's last line, that to the job's end on the master; and the device's gap from one job's end to the next
    /// one's Scheduled.
    /// </summary>
    private static string QemuBreakdown(BenchLab lab, long[] ids, System.Text.Json.JsonElement[] ends)
    {
        var phases = new[] { "runner start", "deploy", "boot to prompt", "test shell", "runner end", "master end", "device gap" }
            .ToDictionary(p => p, _ => new List<double>());
        var jobs = ids.Zip(ends, (id, end) => (Id: id, End: end.GetProperty("end_time").GetDateTimeOffset(),
            Device: end.GetProperty("actual_device").GetString() ?? "", Scheduled: lab.ScheduledAt(id), Log: lab.StoredLog(id))).ToList();
        foreach (var job in jobs)
        {
            var marks = new[] { "start: 1 ", "start: 2 ", "end: 2 ", "start: 3 ", "end: 3 " }.Select(m => Mark(job.Log, m)).ToList();
            if (job.Log.Count == 0 || marks.Any(m => m is null)) continue;
            phases["runner start"].Add((job.Log[0].Dt - job.Scheduled).TotalSeconds);
            phases["deploy"].Add((marks[1]!.Value - job.Log[0].Dt).TotalSeconds);
            phases["boot to prompt"].Add((marks[2]!.Value - marks[1]!.Value).TotalSeconds);
            phases["test shell"].Add((marks[4]!.Value - marks[3]!.Value).TotalSeconds);
            phases["runner end"].Add((job.Log[^1].Dt - marks[4]!.Value).TotalSeconds);
            phases["master end"].Add((job.End - job.Log[^1].Dt).TotalSeconds);
        }
        foreach (var device in jobs.GroupBy(j => j.Device))
        {
            var order = device.OrderBy(j => j.Scheduled).ToList();
            phases["device gap"].AddRange(order.Zip(order.Skip(1), (a, b) => (b.Scheduled - a.End).TotalSeconds));
        }
        return string.Join(", ", phases.Where(p => p.Value.Count > 0).Select(p => $"{p.Key} {Samples.Median(p.Value):F2}"));
    }

    private static DateTimeOffset? Mark(IReadOnlyList<Actors.Jobs.Logs.LogRecord> log, string prefix) =>
        log.FirstOrDefault(r => r.Msg is Actors.Jobs.Logs.LogText t && t.Value.StartsWith(prefix, StringComparison.Ordinal))?.Dt;

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
