using Lava.Actors.Jobs.Definition;
using Lava.Actors.Lab.Devices;
using Lava.Devices.Qemu;
using Xunit;

namespace Lava.Devices.Tests.Qemu;

/// <summary>
/// A fact that boots QEMU: skipped, with the reason, when qemu-system-x86_64, busybox or a Debian kernel
/// (LAVA_TEST_KERNEL, or one unpacked by <c>./lava test</c> under ~/.cache/lava/kernel) is missing, except with
/// CI=true where it runs and fails.
/// </summary>
internal sealed class RequiresQemuFactAttribute : FactAttribute
{
    public RequiresQemuFactAttribute()
    {
        if (QemuAssets.Missing() is { } missing && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = $"{missing} (./lava test installs it): QEMU boot skipped (with CI=true it fails instead)";
        }
    }
}

/// <summary>The same for a theory.</summary>
internal sealed class RequiresQemuTheoryAttribute : TheoryAttribute
{
    public RequiresQemuTheoryAttribute()
    {
        if (QemuAssets.Missing() is { } missing && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = $"{missing} (./lava test installs it): QEMU boot skipped (with CI=true it fails instead)";
        }
    }
}

/// <summary>What the QEMU specs boot, and the shipped examples they boot it with.</summary>
internal static class QemuAssets
{
    /// <summary>How long a step of a boot under TCG may take; LAVA_TEST_TIMEFACTOR stretches it.</summary>
    public static TimeSpan Deadline { get; } = TimeSpan.FromSeconds(90 * TestTime.Factor);

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string? Kernel => UnpackedKernel.Find();

    public static string? Qemu => Consoles.PtyPair.FindOnPath("qemu-system-x86_64");

    public static string? Missing() =>
        Qemu is null ? "qemu-system-x86_64 is not installed"
        : BusyboxInitramfs.FindBusybox() is null ? "busybox-static is not installed"
        : Kernel is null ? "no Debian kernel (LAVA_TEST_KERNEL)"
        : null;

    /// <summary>examples/jobs/qemu-smoke.yaml as a tree.</summary>
    public static OrderedDictionary<object, object?> SmokeJob() =>
        (OrderedDictionary<object, object?>)JobDefinitionParser.Parse(File.ReadAllText(Path.Combine(RepositoryRoot, "examples", "jobs", "qemu-smoke.yaml")))!;

    /// <summary>The job's action block of <paramref name="type"/>.</summary>
    public static OrderedDictionary<object, object?> Action(OrderedDictionary<object, object?> job, string type) =>
        ((List<object?>)job["actions"]!).Cast<OrderedDictionary<object, object?>>().Select(a => a.GetValueOrDefault(type)).OfType<OrderedDictionary<object, object?>>().First();

    /// <summary>examples/devices/qemu01.jinja2 rendered with the shipped device types and <paramref name="context"/>.</summary>
    public static object? RenderQemu01(IReadOnlyDictionary<string, object?> context) =>
        DeviceTemplates.ForLab(Path.Combine(RepositoryRoot, "examples", "devices"), Path.Combine(RepositoryRoot, "device-types"))
            .LoadDeviceConfiguration("qemu01", context);

    /// <summary>The job's context map as template variables.</summary>
    public static IReadOnlyDictionary<string, object?> Context(OrderedDictionary<object, object?> job) =>
        ((OrderedDictionary<object, object?>)job["context"]!).ToDictionary(p => (string)p.Key, p => p.Value);

    /// <summary>The deploy action's images as deployed to <paramref name="paths"/> (label → file).</summary>
    public static List<QemuImage> Images(OrderedDictionary<object, object?> job, IReadOnlyDictionary<string, string> paths) =>
        [.. ((OrderedDictionary<object, object?>)Action(job, "deploy")["images"]!)
            .Select(p => new QemuImage((string)p.Key, paths[(string)p.Key], ((OrderedDictionary<object, object?>)p.Value!).GetValueOrDefault("image_arg") as string))];

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Lava.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Lava.sln not found above the test binaries");
    }
}
