using System.Text.RegularExpressions;
using static Lava.Actors.Jobs.Definition.Rules;

namespace Lava.Actors.Jobs.Definition;

/// <summary>
/// LAVA 2023.01's per-action schemas (<c>lava_common/schemas/{boot,deploy,test}/*.py</c>, <c>command.py</c>), one
/// table entry per module, named as <c>validate_action</c> imports it (<c>boot.u_boot</c>): a name without an entry
/// is LAVA's "unknown action type". As in voluptuous, nested mappings share the job's <c>extra</c> mode.
/// </summary>
internal sealed partial class ActionSchemas
{
    private static readonly ActionSchemas Lenient = new(extra: true);
    private static readonly ActionSchemas Strict = new(extra: false);

    private readonly bool _extra;
    private readonly Dictionary<string, Rule> _byName;

    private ActionSchemas(bool extra)
    {
        _extra = extra;
        _byName = Table().ToDictionary(entry => entry.Name, entry => entry.Rule, StringComparer.Ordinal);
    }

    /// <summary>
    /// The schema of module <paramref name="name"/>, or null when LAVA has no such module (2023.01 has no
    /// <c>deploy.sd</c>: only <c>usb</c> and <c>sata</c>, although their schema takes <c>to: sd</c>).
    /// </summary>
    public static Rule? Find(string name, bool strict) => (strict ? Strict : Lenient)._byName.GetValueOrDefault(name);

    /// <summary><c>timeout()</c> of <c>lava_common/schemas</c>: exactly one unit, at least 1.</summary>
    public static Rule Timeout(bool extra) => Any(
        Map(extra, Req("days", Range(min: 1)), Opt("skip", Bool)),
        Map(extra, Req("hours", Range(min: 1)), Opt("skip", Bool)),
        Map(extra, Req("minutes", Range(min: 1)), Opt("skip", Bool)),
        Map(extra, Req("seconds", Range(min: 1)), Opt("skip", Bool)));

    private IEnumerable<(string Name, Rule Rule)> Table()
    {
        var prompts = Any(All(Str, Length(min: 1)), Seq(All(Str, Length(min: 1))));
        var autoLogin = Any(
            Map(_extra, Req("login_prompt", All(Str, Length(min: 1))), Req("username", Str), Opt("login_commands", Seq(All(Str, Length(min: 1))))),
            Map(_extra, Req("login_prompt", All(Str, Length(min: 1))), Req("username", Str), Req("password_prompt", Str), Req("password", Str),
                Opt("login_commands", Seq(Str))));
        var transferOverlay = Map(_extra, Req("download_command", Str), Req("unpack_command", Str), Opt("transfer_method", Str));
        var strOrStrs = Any(Str, Seq(Str));
        Key[] login = [Opt("prompts", prompts), Opt("auto_login", autoLogin), Opt("transfer_overlay", transferOverlay)];
        Key[] grub = [Req("commands", strOrStrs), Opt("auto_login", autoLogin), Opt("boot_finished", strOrStrs), Opt("expect_shell", Bool),
            Opt("prompts", prompts), Opt("use_bootscript", Bool), Opt("transfer_overlay", transferOverlay)];

        yield return Boot("barebox", [Req("commands", strOrStrs), .. login]);
        yield return Boot("bootloader", Req("bootloader", Str), Req("commands", Seq(Str)), Opt("use_bootscript", Bool), Opt("prompts", prompts));
        yield return Boot("cmsis-dap");
        yield return Boot("depthcharge", [Req("commands", strOrStrs), Opt("extra_kernel_args", Str), Opt("use_bootscript", Bool), .. login]);
        yield return Boot("dfu");
        yield return Boot("docker", Req("command", Str), Opt("prompts", prompts), Opt("downloads-namespace", Str));
        yield return Boot("fastboot", [Opt("commands", Seq(Str)), Opt("use_bootscript", Bool), .. login, Opt("docker", Docker())]);
        yield return Boot("fvp", Opt("use_telnet", Bool), Req("console_string", Str), Opt("feedbacks", Seq(Str)), Req("image", Str),
            Opt("license_variable", Str), Opt("version_string", Str), Req("arguments", Seq(Str)), Req("prompts", prompts),
            Req("docker", Docker("name")), Opt("transfer_overlay", transferOverlay), Opt("auto_login", autoLogin));
        yield return Boot("gdb", Req("commands", Str), Opt("container", Str));
        yield return Boot("grub", grub);
        yield return Boot("grub-efi", grub);
        yield return Boot("ipxe", [Req("commands", strOrStrs), Opt("use_bootscript", Bool), .. login]);
        yield return Boot("jlink");
        yield return Boot("kexec", Req("boot_message", Str), Opt("prompts", prompts), Opt("auto_login", autoLogin), Opt("deploy", Bool),
            Opt("command", Str), Opt("kernel", Str), Opt("dtb", Str), Opt("initrd", Str), Opt("options", Seq(Str)), Opt("kernel-config", Str),
            Opt("transfer_overlay", transferOverlay), Opt("on_panic", Bool));
        yield return Boot("lxc", Req("prompts", prompts));
        yield return Boot("minimal", [.. login, Opt("pre_power_command", Bool), Opt("pre_os_command", Bool), Opt("reset", Bool)]);
        yield return Boot("monitor");
        yield return Boot("musca", Opt("prompts", prompts));
        yield return Boot("new_connection", [Req("connection", Str), .. login]);
        yield return Boot("openocd");
        yield return Boot("pyocd");
        yield return Boot("qemu", [Opt("connection", Literal("serial")), Opt("media", Literal("tmpfs")), .. login,
            Opt("docker", Map(_extra, [.. DockerKeys("image"), Opt("binary", Str)]))]);
        yield return Boot("qemu-iso", Req("media", Literal("img")), Opt("prompts", prompts), Opt("auto_login", autoLogin));
        yield return Boot("qemu-nfs", [Opt("connection", Literal("serial")), .. login]);
        yield return Boot("recovery", Req("commands", Any(Literal("recovery"), Literal("exit"))));
        yield return Boot("schroot", Opt("prompts", prompts), Req("connection", Literal("ssh")), Req("schroot", Str));
        // ssh.py replaces the value of the common "parameters" key (its key stays optional).
        yield return Boot("ssh", Opt("prompts", prompts), Req("connection", Literal("ssh")),
            Opt("parameters", Map(_extra, Opt("hostID", Str), Opt("host_key", Str))));
        yield return Boot("u-boot", [Req("commands", strOrStrs), Opt("use_bootscript", Bool), .. login]);
        yield return Boot("uefi", Req("commands", strOrStrs), Opt("shell_menu", Str), Opt("prompts", prompts), Opt("auto_login", autoLogin));
        yield return Boot("uefi-menu", Opt("commands", Str), Opt("line_separator", Str), Opt("prompts", prompts), Opt("auto_login", autoLogin));
        yield return Boot("uuu", Req("commands", Any(Str, Seq(Map(_extra, AnyKey(Str, Str))))), Opt("docker", Docker()));

        var url = Url();
        var images = Map(_extra, ReqAnyStr(url, "'images' is empty"));
        Key[] ramdiskOptions = [Opt("install_modules", Bool), Opt("install_overlay", Bool)];
        var usbWriter = Map(_extra, Req("tool", Str), Req("options", Str), Req("prompt", Str));
        Key[] usb = [Req("to", Any(Literal("sata"), Literal("sd"), Literal("usb"))),
            Excl("images", "image", Map(_extra, Req("image", url), AnyKey(Str, url))), Excl("image", "image", url),
            Req("device", Str), Opt("download", usbWriter), Opt("writer", usbWriter), Opt("tool", Map(_extra, Req("prompts", Seq(Str)))),
            Opt("uniquify", Bool)];

        yield return Deploy("docker", Req("image", Any(Match(DockerImage(), "Invalid docker image name"), Docker("name"))), Opt("repeat", Range(min: 1)));
        yield return Deploy("download", Req("images", images));
        yield return Deploy("downloads", Req("images", images),
            Opt("postprocess", Map(_extra, Req("docker", Map(_extra, [.. DockerKeys("image"), Req("steps", Seq(Str))])))));
        yield return Deploy("fastboot", Req("images", Map(_extra, ReqAnyStr(Url(Opt("apply-overlay", Bool), Opt("root_partition", Range(min: 0)),
                Opt("sparse", Bool), Opt("reboot", Any(Literal("hard-reset"), Literal("fastboot-reboot"), Literal("fastboot-reboot-bootloader"),
                    Literal("fastboot-reboot-fastboot")))), "'images' is empty"))),
            Opt("docker", Docker()), Opt("connection", Literal("lxc")));
        yield return Deploy("flasher", Req("images", Map(_extra, AnyKey(Str, url))));
        yield return Deploy("fvp", Opt("ramdisk", Map(_extra, Opt("install_overlay", Bool), Opt("compression", Str), Opt("header", Literal("u-boot")))),
            Opt("uniquify", Bool), Req("images", images));
        yield return Deploy("iso-installer",
            Req("images", Map(_extra, Req("iso", Url(Opt("image_arg", Str))), Req("preseed", url))),
            Req("iso", Map(_extra, Req("installation_size", Str), Opt("kernel", Str), Opt("initrd", Str))));
        yield return Deploy("lxc", Opt("packages", Seq(Str)));
        yield return Deploy("mps", Req("images", All(Map(_extra, Opt("recovery_image", url), AnyKey(Match(TestBinary()), Url(Opt("rename", Str)))),
            Length(min: 1))));
        yield return Deploy("musca", Req("images", Map(_extra, new Key("test_binary", null, url, Required: true, Message: "'images' has no 'test_binary' entry"))));
        yield return Deploy("nbd", Kernel(), Req("nbdroot", url), Req("initrd", url), Opt("dtb", url));
        yield return ("deploy.nfs", Any(
            Map(_extra, Merge(DeployKeys(), [Req("to", Literal("nfs")), Opt("nfsrootfs", url), Opt("modules", url)])),
            Map(_extra, Merge(DeployKeys(), [Req("to", Literal("nfs")), Req("images", Map(_extra, ReqAnyStr(Url(Opt("image_arg", Str)), "'images' is empty")))]))));
        yield return Deploy("overlay");
        yield return Deploy("recovery", Req("images", images));
        yield return ("deploy.sata", Map(_extra, Merge(DeployKeys(), usb)));
        yield return Deploy("ssh", Opt("firmware", url), Opt("kernel", url), Opt("rootfs", url), Opt("modules", url));
        yield return Deploy("tftp", Kernel(), Opt("dtb", url), Opt("modules", url), Opt("preseed", url),
            Opt("ramdisk", Url([.. ramdiskOptions, Opt("header", Literal("u-boot"))])),
            Excl("nfsrootfs", "nfs", Url([.. ramdiskOptions, Opt("prefix", Str)])),
            Excl("persistent_nfs", "nfs", Map(_extra, Req("address", Str), Opt("install_overlay", Bool))),
            Opt("tee", url));
        yield return Deploy("tmpfs", Req("images", Map(_extra, ReqAnyStr(Url(Opt("format", Literal("qcow2")), Opt("image_arg", Str)), "'images' is empty"))),
            Opt("type", Literal("monitor")), Opt("uefi", url));
        yield return Deploy("u-boot-ums", Req("image", Url(Opt("root_partition", Range(min: 0)))));
        yield return ("deploy.usb", Map(_extra, Merge(DeployKeys(), usb)));
        yield return Deploy("uuu", Req("images", All(Map(_extra, Req("boot", url),
            AnyKey(Str, Url(Opt("apply-overlay", Bool), Opt("root_partition", Range(min: 0))))), Length(min: 1))));
        yield return Deploy("vemsd", Req("recovery_image", url));

        foreach (var test in Tests())
        {
            yield return test;
        }
        yield return ("command", Map(_extra, Merge(ActionKeys(), [Req("name", Str)])));
    }

    private IEnumerable<(string Name, Rule Rule)> Tests()
    {
        var name = Match(TestName());
        var strings = Seq(Str);
        Key[] common = [Req("path", Str), Req("name", name),
            Opt("skip_install", Seq(Any(Literal("keys"), Literal("sources"), Literal("deps"), Literal("steps"), Literal("git-repos"), Literal("all")))),
            Opt("lava-signal", Any(Literal("kmsg"), Literal("stdout")))];
        var fixup = Map(_extra, AnyKey(Str, Any(Literal("pass"), Literal("fail"), Literal("skip"), Literal("unknown"))));
        var testdef = Map(_extra,
            Req("metadata", Map(_extra, Req("format", Literal("Lava-Test Test Definition 1.0")), Req("name", Str), Opt("description", Str),
                Opt("environment", strings), Opt("devices", strings), Opt("maintainer", strings), Opt("scope", strings), Opt("os", strings))),
            Opt("install", Map(_extra, Opt("deps", strings), AnyKey(Match(DistroDeps()), strings), Opt("git-repos", strings), Opt("keys", strings),
                Opt("steps", strings), Opt("sources", strings))),
            Opt("parameters", Dict), Opt("params", Dict),
            Opt("parse", Map(_extra, Opt("fixupdict", fixup))),
            Opt("run", Map(_extra, Req("steps", strings))));
        Key[] definitions = [Req("definitions", Seq(Any(
            Map(_extra, [Req("repository", Str), Req("from", Literal("git")), Opt("branch", Str), Opt("history", Bool), Opt("revision", Str),
                Opt("parameters", Dict), Opt("params", Dict), .. common]),
            Map(_extra, [Req("repository", Str), Req("from", Literal("url")), Req("compression", Str), Opt("parameters", Dict), Opt("params", Dict),
                .. common]),
            Map(_extra, [Req("repository", testdef), Req("from", Literal("inline")), .. common]))))];
        var message = All(Str, Length(min: 1));

        yield return ("test.definition", Map(_extra, Merge(ActionKeys(), definitions)));
        yield return ("test.docker", Map(_extra, Merge(ActionKeys(), definitions, [Req("docker", Docker()), Opt("downloads-namespace", Str)])));
        var step = Map(_extra, Opt("command", Any(Str, Null)), Opt("delay", Int), Opt("lava-send", Str), Opt("lava-sync", Str),
            Opt("lava-wait", Str), Opt("lava-wait-all", Str), Opt("name", name), Opt("wait_for_prompt", Bool),
            Opt("successes", Seq(Map(_extra, Req("message", message)))),
            Opt("failures", Seq(Map(_extra, Req("message", message),
                Opt("exception", Any(Literal("InfrastructureError"), Literal("JobError"), Literal("TestError"))), Opt("error", message)))));
        var interactive = Map(_extra, Req("name", name), Req("prompts", Seq(message)), Opt("echo", Literal("discard")), Req("script", Seq(step)));
        yield return ("test.interactive", Map(_extra, Merge(ActionKeys(), [Req("interactive", Seq(interactive))])));
        yield return ("test.monitor", Map(_extra, Merge(ActionKeys(), [Req("monitors", Seq(Map(_extra,
            Req("name", name), Req("start", Str), Req("end", Str), Req("pattern", Str), Opt("fixupdict", fixup))))])));
    }

    private (string, Rule) Boot(string method, params Key[] keys) =>
        ("boot." + method.Replace('-', '_'), Map(_extra, Merge(ActionKeys(), [
            Opt("parameters", Map(_extra, Opt("kernel-start-message", Str), Opt("shutdown-message", Str))),
            Opt("soft_reboot", Any(Str, Seq(Str))),
            Req("method", Msg(Literal(method), $"'method' should be '{method}'")),
        ], keys)));

    private (string, Rule) Deploy(string to, params Key[] keys) =>
        ("deploy." + to.Replace('-', '_'), Map(_extra, Merge(DeployKeys(), [Req("to", Literal(to))], keys)));

    private Key[] DeployKeys() => Merge(ActionKeys(), [Opt("os", Str), Opt("authorize", Literal("ssh"))]);

    // tftp and nbd word the missing kernel themselves.
    private Key Kernel() => new("kernel", null, Url(Opt("type", Any(Literal("image"), Literal("uimage"), Literal("zimage")))),
        Required: true, Message: "needs a kernel to deploy");

    /// <summary><c>action()</c>: the keys every action block accepts.</summary>
    private Key[] ActionKeys() =>
    [
        Opt("namespace", All(Str, NotIn(["common", "docker-test-shell"], "'common' and 'docker-test-shell' are reserved namespace names"))),
        Opt("connection-namespace", Str),
        Opt("protocols", Anything),
        Opt("role", Seq(Str)),
        Opt("timeout", Timeout(_extra)),
        Opt("timeouts", Map(_extra, AnyKey(Str, Timeout(_extra)))),
        Opt("repeat", Range(min: 1)),
        Opt("failure_retry", Range(min: 1)),
        Opt("failure_retry_interval", Range(min: 1)),
    ];

    /// <summary><c>deploy.url(extra)</c>: an image reference, plain or with overlays injected into it.</summary>
    private Rule Url(params Key[] extra)
    {
        Key[] baseUrl = [Req("url", Str), Opt("headers", Dict),
            Opt("compression", Any(Literal("bz2"), Literal("gz"), Literal("xz"), Literal("zip"), Literal("zstd"), Null)),
            Opt("archive", Literal("tar")), Opt("md5sum", Str), Opt("sha256sum", Str), Opt("sha512sum", Str)];
        return Any(
            Map(_extra, Merge(baseUrl, extra)),
            Map(_extra, Merge(baseUrl, extra, [
                Req("format", Any(Literal("cpio.newc"), Literal("ext4"), Literal("tar"))),
                Opt("partition", Int), Opt("sparse", Bool),
                Req("overlays", Map(_extra, Opt("lava", Bool), AnyKey(Str, Map(_extra, Merge(baseUrl,
                    [Req("format", Any(Literal("file"), Literal("tar"))), Req("path", Str)]))))),
            ])));
    }

    private Key[] DockerKeys(string imageKey) =>
        [Req(imageKey, Match(DockerImage(), "Invalid docker image name")), Opt("local", Bool), Opt("container_name", Str), Opt("network_from", Str)];

    private Rule Docker(string imageKey = "image") => Map(_extra, DockerKeys(imageKey));

    [GeneratedRegex("^[a-z0-9]+[a-z0-9._/:-]*[a-z0-9]+(:[a-zA-Z0-9_]+[a-zA-Z0-9._-]*)?$")]
    private static partial Regex DockerImage();

    [GeneratedRegex("^[-_a-zA-Z0-9.]+$")]
    private static partial Regex TestName();

    [GeneratedRegex("^deps-.+")]
    private static partial Regex DistroDeps();

    [GeneratedRegex(@"^test_binary(_\w+)?$")]
    private static partial Regex TestBinary();
}
