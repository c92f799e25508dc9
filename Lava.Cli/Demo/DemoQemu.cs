using Lava.Devices.Qemu;

namespace Lava.Cli.Demo;

/// <summary>
/// The demo's QEMU device, present when this machine has QEMU, busybox-static and a Debian kernel: device
/// <see cref="DeviceName"/> of type <see cref="DeviceType"/> under TCG (<c>no_kvm</c>: nested KVM hangs on virtual
/// machines), and the QEMU smoke job pointed at the kernel found and at a busybox initramfs built into the lab's data
/// directory (<see cref="JobPath"/>).
/// </summary>
internal sealed record DemoQemu(string Kernel, string Initramfs, string JobPath)
{
    public const string DeviceName = "qemu01";
    public const string DeviceType = "qemu";

    /// <summary>The device dictionary: examples/devices/qemu01.jinja2.</summary>
    public const string Dictionary = """
        {% extends 'qemu.jinja2' %}
        {% set mac_addr = '52:54:00:12:34:01' %}
        {% set memory = 256 %}
        {% set no_kvm = True %}

        """;

    /// <summary>
    /// Builds the initramfs and writes the job (<paramref name="exampleJob"/> pointed at the images) into
    /// <paramref name="dataDir"/>; null when <paramref name="tools"/> lacks a part (<see cref="QemuSmokeJob.Missing"/>
    /// says which).
    /// </summary>
    public static DemoQemu? Prepare(QemuSmokeJob tools, string exampleJob, string dataDir)
    {
        if (tools.Missing is not null) return null;
        Directory.CreateDirectory(dataDir);
        var initramfs = Path.Combine(dataDir, "busybox-initramfs.cpio.gz");
        BusyboxInitramfs.Build(tools.Busybox!, initramfs);
        var job = Path.Combine(dataDir, Path.GetFileName(exampleJob));
        File.WriteAllText(job, QemuSmokeJob.PointAt(File.ReadAllText(exampleJob), tools.Kernel!, initramfs));
        return new DemoQemu(tools.Kernel!, initramfs, job);
    }
}
