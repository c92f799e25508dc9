using Lava.Actors.Jobs.Definition;
using Lava.Actors.Lab.Devices;
using Lava.Cli.Demo;
using Lava.Devices.Qemu;
using Xunit;

namespace Lava.Cli.Tests;

/// <summary>
/// The demo's QEMU device: present only when QEMU, busybox and a kernel all are; its initramfs and its job written into
/// the lab's data directory, the job pointed at them; its dictionary rendering as examples/devices/qemu01.jinja2 does.
/// </summary>
public sealed class DemoQemuSpec : IDisposable
{
    private static readonly string Root = RepositoryRoot();
    private static readonly string ExampleJob = Path.Combine(Root, "examples", "jobs", "qemu-smoke.yaml");
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("lava-demo-qemu-");

    public void Dispose() => _directory.Delete(recursive: true);

    public static TheoryData<string?, string?, string?, string> MissingParts => new()
    {
        { null, "/usr/bin/busybox", "/boot/vmlinuz", "qemu-system-x86_64 is not installed (Debian package qemu-system-x86)" },
        { "/usr/bin/qemu-system-x86_64", null, "/boot/vmlinuz", "busybox is not installed (Debian package busybox-static)" },
        { "/usr/bin/qemu-system-x86_64", "/usr/bin/busybox", null, "no Debian kernel (LAVA_TEST_KERNEL, or one unpacked by ./lava test under ~/.cache/lava/kernel)" },
    };

    [Theory]
    [MemberData(nameof(MissingParts))]
    public void A_machine_lacking_a_part_must_get_no_qemu_device_and_be_told_which(string? qemu, string? busybox, string? kernel, string missing)
    {
        var tools = new QemuSmokeJob(qemu, busybox, kernel);

        Assert.Equal(missing, tools.Missing);
        Assert.Null(DemoQemu.Prepare(tools, ExampleJob, _directory.FullName));
        Assert.Empty(_directory.EnumerateFileSystemInfos());
    }

    [Fact]
    public void A_machine_with_every_part_must_get_the_initramfs_and_the_job_pointed_at_it_in_the_data_directory()
    {
        var kernel = WriteFile("vmlinuz-6.1.0-test-amd64", "not really a kernel");
        var busybox = WriteFile("busybox", "not really busybox");
        var data = Path.Combine(_directory.FullName, "data");

        var qemu = DemoQemu.Prepare(new QemuSmokeJob("/usr/bin/qemu-system-x86_64", busybox, kernel), ExampleJob, data);

        Assert.NotNull(qemu);
        Assert.Equal(Path.Combine(data, "busybox-initramfs.cpio.gz"), qemu.Initramfs);
        Assert.True(new FileInfo(qemu.Initramfs).Length > 0);
        Assert.Equal(Path.Combine(data, "qemu-smoke.yaml"), qemu.JobPath);
        var job = File.ReadAllText(qemu.JobPath);
        Assert.DoesNotContain("/srv/lava-images", job, StringComparison.Ordinal);
        var images = (IReadOnlyDictionary<object, object?>)Deploy(job)["images"]!;
        Assert.Equal("file://" + kernel, ((IReadOnlyDictionary<object, object?>)images["kernel"]!)["url"]);
        Assert.Equal("file://" + qemu.Initramfs, ((IReadOnlyDictionary<object, object?>)images["initrd"]!)["url"]);
    }

    [Fact]
    public void Pointing_the_job_at_images_must_change_only_the_two_urls()
    {
        var example = File.ReadAllText(ExampleJob);

        var job = QemuSmokeJob.PointAt(example, "/k/vmlinuz", "/i/initrd.cpio.gz");

        var changed = example.Split('\n').Zip(job.Split('\n')).Where(p => p.Item1 != p.Item2).ToList();
        Assert.Equal(
            [
                ("        url: " + QemuSmokeJob.KernelUrl, "        url: file:///k/vmlinuz"),
                ("        url: " + QemuSmokeJob.InitramfsUrl, "        url: file:///i/initrd.cpio.gz"),
            ],
            changed);
        Assert.Equal(example.Split('\n').Length, job.Split('\n').Length);
    }

    [Fact]
    public void The_device_dictionary_must_render_as_the_example_qemu01_under_tcg()
    {
        var templates = DeviceTemplates.ForLab(Path.Combine(Root, "examples", "devices"), Path.Combine(Root, "device-types"));
        var context = new Dictionary<string, object?> { ["arch"] = "amd64" };

        var rendered = templates.RenderDevice(DemoQemu.DeviceName, DemoQemu.Dictionary, context);

        Assert.Equal(templates.RenderDevice("qemu01", context), rendered);
        Assert.DoesNotContain("-enable-kvm", rendered, StringComparison.Ordinal);
        Assert.Contains("- -m 256", rendered, StringComparison.Ordinal);
    }

    private string WriteFile(string name, string text)
    {
        var path = Path.Combine(_directory.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static IReadOnlyDictionary<object, object?> Deploy(string job) =>
        ((List<object?>)((IReadOnlyDictionary<object, object?>)JobDefinitionParser.Parse(job)!)["actions"]!)
            .Cast<IReadOnlyDictionary<object, object?>>().Select(a => a.GetValueOrDefault("deploy")).OfType<IReadOnlyDictionary<object, object?>>().First();

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Lava.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"Lava.sln not found above {AppContext.BaseDirectory}");
    }
}
