using Lava.Devices.Qemu;
using Xunit;
using Xunit.Abstractions;

namespace Lava.Integration.Tests.Devices;

/// <summary>Runs a fact when QEMU, busybox-static and a Debian kernel are here; else skips it with the reason, except under CI.</summary>
internal sealed class RequiresQemuFactAttribute : FactAttribute
{
    public RequiresQemuFactAttribute()
    {
        if (QemuJobSpec.Missing() is { } missing && Environment.GetEnvironmentVariable("CI") != "true") Skip = missing;
    }
}

/// <summary>
/// The QEMU smoke job of examples/jobs submitted over HTTP to a lab whose QEMU device is set up as an admin does it
/// (device type qemu, a three-line dictionary with no_kvm, since nested KVM hangs here): it boots Debian's kernel with
/// a busybox initramfs under TCG, runs its inline test definition and records the test cases.
/// </summary>
public sealed class QemuJobSpec(ITestOutputHelper output)
{
    [RequiresQemuFact]
    public async Task The_qemu_smoke_job_must_complete_with_its_test_cases()
    {
        await using var lab = await BoardLab.StartAsync([]);
        var initramfs = Path.Combine(lab.Cluster.Dir, "busybox-initramfs.cpio.gz");
        BusyboxInitramfs.Build(BusyboxInitramfs.FindBusybox()!, initramfs);
        await lab.PostAsync("devicetypes/", new { name = "qemu" });
        await lab.PostAsync("devices/", new Dictionary<string, object?> { ["hostname"] = "qemu01", ["device_type"] = "qemu", ["worker_host"] = BoardLab.Worker, ["health"] = "Good" });
        await lab.PostAsync("devices/qemu01/dictionary/", new { dictionary = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "examples", "devices", "qemu01.jinja2")) });
        var job = (await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "examples", "jobs", "qemu-smoke.yaml")))
            .Replace("file:///srv/lava-images/vmlinuz", "file://" + UnpackedKernel.Find(), StringComparison.Ordinal)
            .Replace("file:///srv/lava-images/busybox-initramfs.cpio.gz", "file://" + initramfs, StringComparison.Ordinal);

        var id = await lab.SubmitAsync(job);
        var ended = await lab.WaitForEndAsync(id);
        var tests = await lab.TestsAsync(id);

        output.WriteLine($"{ended}\n{string.Join('\n', tests)}");
        Assert.True(ended.GetProperty("health").GetString() == "Complete", $"job {id}: {ended}");
        Assert.Equal(
            [("boot-measure", "pass"), ("false-fail", "fail"), ("true-pass", "pass"), ("uname", "pass")],
            tests.Where(t => t.Suite.EndsWith("_smoke-inline", StringComparison.Ordinal)).Select(t => (t.Name, t.Result)).Order());
        Assert.Contains(tests, t => t is ("lava", "execute-qemu", "pass"));
    }

    internal static string? Missing() =>
        !File.Exists("/usr/bin/qemu-system-x86_64") ? "qemu-system-x86 is not installed"
        : BusyboxInitramfs.FindBusybox() is null ? "busybox-static is not installed"
        : UnpackedKernel.Find() is null ? "no Debian kernel: set LAVA_TEST_KERNEL (./lava test unpacks one)"
        : null;

    private static string RepositoryRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "Lava.sln"))) dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("Lava.sln not found above the tests");
        return dir;
    }
}
