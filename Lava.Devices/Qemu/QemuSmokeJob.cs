namespace Lava.Devices.Qemu;

/// <summary>
/// What the QEMU smoke job (examples/jobs/qemu-smoke.yaml) needs on this machine: <see cref="QemuProgram"/> on the
/// PATH, busybox-static (<see cref="BusyboxInitramfs.FindBusybox"/>) and a Debian kernel (<see cref="UnpackedKernel"/>);
/// and the job's text pointed at the kernel found and the initramfs built, in place of the file URLs where the LAVA
/// reference run kept its images. Used by the demo, the bench and the tests.
/// </summary>
public sealed record QemuSmokeJob(string? Qemu, string? Busybox, string? Kernel)
{
    /// <summary>The QEMU the smoke job's device type (<c>qemu</c>, <c>arch: amd64</c>) runs.</summary>
    public const string QemuProgram = "qemu-system-x86_64";

    /// <summary>The kernel's URL in the example job.</summary>
    public const string KernelUrl = "file:///srv/lava-images/vmlinuz";

    /// <summary>The initramfs's URL in the example job.</summary>
    public const string InitramfsUrl = "file:///srv/lava-images/busybox-initramfs.cpio.gz";

    /// <summary>What this machine has: each part's path, or null.</summary>
    public static QemuSmokeJob Detect() => new(FindOnPath(QemuProgram), BusyboxInitramfs.FindBusybox(), UnpackedKernel.Find());

    /// <summary>One line naming what is missing (the first of QEMU, busybox, kernel), or null when everything is here.</summary>
    public string? Missing =>
        Qemu is null ? $"{QemuProgram} is not installed (Debian package qemu-system-x86)"
        : Busybox is null ? "busybox is not installed (Debian package busybox-static)"
        : Kernel is null ? $"no Debian kernel ({UnpackedKernel.Variable}, or one unpacked by ./lava test under ~/.cache/lava/kernel)"
        : null;

    /// <summary><paramref name="definition"/> with the example's image URLs replaced by file URLs of <paramref name="kernel"/> and <paramref name="initramfs"/>.</summary>
    public static string PointAt(string definition, string kernel, string initramfs)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentException.ThrowIfNullOrEmpty(kernel);
        ArgumentException.ThrowIfNullOrEmpty(initramfs);
        return definition
            .Replace(KernelUrl, "file://" + Path.GetFullPath(kernel), StringComparison.Ordinal)
            .Replace(InitramfsUrl, "file://" + Path.GetFullPath(initramfs), StringComparison.Ordinal);
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program)).FirstOrDefault(File.Exists);
}
