using Lava.Actors.Jobs.Definition;
using Lava.Devices.Qemu;
using Xunit;

namespace Lava.Devices.Tests.Qemu;

/// <summary>
/// The shipped examples (qemu01 and the smoke job) against the job validators and the device-type templates, and
/// the qemu command line built from them.
/// </summary>
public sealed class QemuCommandLineSpec : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("lava-qemu-cmd-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void The_smoke_job_must_pass_both_validators_strictly()
    {
        var job = QemuAssets.SmokeJob();

        Assert.Null(SubmissionSchema.Validate(job));
        Assert.Null(StrictSchema.Validate(job, strict: true));
        Assert.Equal("qemu", JobDefinition.FromTree(job).DeviceType);
    }

    [Fact]
    public void Qemu01_rendered_with_the_jobs_context_must_give_the_command_line_of_a_tcg_guest_on_stdio()
    {
        var job = QemuAssets.SmokeJob();
        var configuration = QemuAssets.RenderQemu01(QemuAssets.Context(job));
        var images = QemuAssets.Images(job, new Dictionary<string, string> { ["kernel"] = "/images/vmlinuz", ["initrd"] = "/images/initrd with space.gz" });

        var command = QemuCommandLine.Build(configuration, QemuAssets.Action(job, "boot"), images, _directory);

        Assert.Equal("qemu-system-x86_64", command.Program);
        Assert.Equal(
            ["-nographic", "-net", "nic,model=virtio,macaddr=52:54:00:12:34:01", "-net", "user", "-m", "256", "-monitor", "none",
             "-kernel", "/images/vmlinuz", "-append", "console=ttyS0,115200 loglevel=6", "-initrd", "/images/initrd with space.gz", "-no-reboot"],
            command.Arguments);
        Assert.Equal(
            "qemu-system-x86_64 -nographic -net nic,model=virtio,macaddr=52:54:00:12:34:01 -net user -m 256 -monitor none -kernel /images/vmlinuz -append 'console=ttyS0,115200 loglevel=6' -initrd '/images/initrd with space.gz' -no-reboot",
            command.ToString());
    }

    [Fact]
    public void Without_no_kvm_the_template_must_ask_for_kvm_and_the_jobs_extra_options_must_follow_the_options()
    {
        var job = QemuAssets.SmokeJob();
        var dictionary = "{% extends 'qemu.jinja2' %}\n{% set mac_addr = '52:54:00:12:34:02' %}\n";
        var templates = Lava.Actors.Lab.Devices.DeviceTemplates.ForLab(_directory, Path.Combine(QemuAssets.RepositoryRoot, "device-types"));
        var context = new Dictionary<string, object?>(QemuAssets.Context(job)) { ["extra_options"] = new List<object?> { "-smp 2", "-no-hpet" } };
        var configuration = Lava.Actors.Lab.Devices.DeviceYaml.Load(templates.RenderDevice("qemu02", dictionary, context));

        var command = QemuCommandLine.Build(configuration, QemuAssets.Action(job, "boot"), [], _directory);

        Assert.Equal(
            ["-cpu", "host", "-enable-kvm", "-nographic", "-net", "nic,model=virtio,macaddr=52:54:00:12:34:02", "-net", "user", "-m", "512",
             "-monitor", "none", "-smp", "2", "-no-hpet", "-no-reboot"],
            command.Arguments);
    }

    [Fact]
    public async Task The_overlay_must_be_appended_to_the_initrd_after_zero_padding_to_4_bytes_and_booted_in_its_place()
    {
        var job = QemuAssets.SmokeJob();
        var initrd = Path.Combine(_directory, "initrd.gz");
        var overlay = Path.Combine(_directory, "overlay.cpio");
        await File.WriteAllBytesAsync(initrd, [1, 2, 3, 4, 5]);
        await File.WriteAllBytesAsync(overlay, "0707"u8.ToArray());
        var images = QemuAssets.Images(job, new Dictionary<string, string> { ["kernel"] = "/k", ["initrd"] = initrd });

        var command = QemuCommandLine.Build(QemuAssets.RenderQemu01(QemuAssets.Context(job)), QemuAssets.Action(job, "boot"), images, _directory, overlay);

        var combined = Path.Combine(_directory, QemuCommandLine.InitrdWithOverlay);
        Assert.Equal(combined, command.Arguments[command.Arguments.ToList().IndexOf("-initrd") + 1]);
        Assert.Equal([1, 2, 3, 4, 5, 0, 0, 0, (byte)'0', (byte)'7', (byte)'0', (byte)'7'], await File.ReadAllBytesAsync(combined));
    }

    [Fact]
    public void A_configuration_without_nographic_must_get_the_serial_console_on_stdio()
    {
        var configuration = Configuration("qemu-system-aarch64", ["-machine virt", "-display gtk"]);

        var command = QemuCommandLine.Build(configuration, Boot("tmpfs"), [new QemuImage("kernel", "/k", "-kernel {kernel} -append \"root=/dev/ram0 console=ttyAMA0\"")], _directory);

        Assert.Equal(["-machine", "virt", "-display", "gtk", "-kernel", "/k", "-append", "root=/dev/ram0 console=ttyAMA0", "-serial", "stdio", "-monitor", "none", "-no-reboot"], command.Arguments);
    }

    [Fact]
    public void A_boot_the_qemu_command_line_cannot_serve_must_be_a_job_error_and_a_device_without_qemu_a_configuration_error()
    {
        var configuration = Configuration("qemu-system-x86_64", []);

        Assert.Equal("Job", Assert.Throws<QemuException>(() => QemuCommandLine.Build(configuration, Boot("nfs"), [], _directory)).ErrorType);
        Assert.Equal("Job", Assert.Throws<QemuException>(() => QemuCommandLine.Build(configuration, new OrderedDictionary<object, object?> { ["method"] = "u-boot" }, [], _directory)).ErrorType);
        var noInitrd = Assert.Throws<QemuException>(() => QemuCommandLine.Build(configuration, Boot("tmpfs"), [new QemuImage("kernel", "/k", "-kernel {kernel}")], _directory, "/overlay.cpio"));
        Assert.Equal("Job", noInitrd.ErrorType);
        Assert.Contains("initrd", noInitrd.Message, StringComparison.Ordinal);
        Assert.Equal("Configuration", Assert.Throws<QemuException>(() => QemuCommandLine.Build(new OrderedDictionary<string, object?>(), Boot("tmpfs"), [], _directory)).ErrorType);
        Assert.Equal("Configuration", Assert.Throws<QemuException>(() => QemuCommandLine.Build(Configuration("qemu-system-x86_64", ["-append 'unterminated"]), Boot("tmpfs"), [], _directory)).ErrorType);
    }

    private static OrderedDictionary<object, object?> Boot(string media) => new() { ["method"] = "qemu", ["media"] = media };

    private static OrderedDictionary<string, object?> Configuration(string command, List<object?> options) => new()
    {
        ["actions"] = new OrderedDictionary<string, object?>
        {
            ["boot"] = new OrderedDictionary<string, object?>
            {
                ["methods"] = new OrderedDictionary<string, object?>
                {
                    ["qemu"] = new OrderedDictionary<string, object?>
                    {
                        ["parameters"] = new OrderedDictionary<string, object?> { ["command"] = command, ["options"] = options },
                    },
                },
            },
        },
    };
}
