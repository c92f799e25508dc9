using Lava.Actors.Jobs.Definition;
using Xunit;

namespace Lava.Actors.Tests.Jobs;

/// <summary>
/// <c>validate</c> checks each action by the schema of its method, with voluptuous' messages and LAVA's paths
/// (<c>['actions[0]', 'deploy', 'tmpfs', ...]</c>), leniently unless strict.
/// </summary>
public sealed class ActionSchemaSpecs
{
    private static StrictSchema.Error? Validate(string action, bool strict = false) => StrictSchema.Validate(JobDefinitionParser.Parse($$"""
        job_name: one-action
        device_type: qemu
        visibility: public
        timeouts:
          job: {minutes: 30}
        actions:
        {{action}}
        """), strict);

    private static void Refused(string action, string path, string message, bool strict = false) =>
        Assert.Equal(new StrictSchema.Error(path, message), Validate(action, strict));

    [Theory]
    [InlineData("- deploy: {to: tmpfs, images: {rootfs: {url: 'http://x/r.img', compression: gz, image_arg: '-drive {rootfs}'}}}")]
    [InlineData("- deploy: {to: tftp, kernel: {url: 'http://x/zImage', type: zimage}, nfsrootfs: {url: 'http://x/r.tgz', prefix: r/}}")]
    [InlineData("- deploy: {to: nfs, nfsrootfs: {url: 'http://x/r.tgz'}}")]
    [InlineData("- deploy: {to: nfs, images: {nfsrootfs: {url: 'http://x/r.tgz', image_arg: x}}}")]
    [InlineData("- deploy: {to: usb, device: sd0, image: {url: 'http://x/sd.img'}}")]
    [InlineData("- deploy: {to: sata, device: hd0, images: {image: {url: 'http://x/sd.img'}, boot: {url: 'http://x/b'}}}")]
    [InlineData("- deploy: {to: fastboot, images: {boot: {url: 'http://x/b.img', reboot: hard-reset}}, docker: {image: 'linaro/adb:1'}}")]
    [InlineData("- deploy: {to: overlay}")]
    [InlineData("- deploy: {to: ssh, os: debian, authorize: ssh}")]
    [InlineData("- deploy: {to: download, images: {rootfs: {url: 'http://x/r.ext4', format: ext4, overlays: {lava: true, mod: {url: 'http://x/m.tar', format: tar, path: /}}}}}")]
    [InlineData("- deploy: {to: docker, image: 'debian:bookworm'}")]
    [InlineData("- deploy: {to: lxc, packages: [adb]}")]
    [InlineData("- deploy: {to: mps, images: {test_binary_1: {url: 'http://x/t.bin', rename: t.bin}}}")]
    [InlineData("- deploy: {to: iso-installer, images: {iso: {url: 'http://x/d.iso'}, preseed: {url: 'http://x/p.cfg'}}, iso: {installation_size: 2G}}")]
    [InlineData("- boot: {method: qemu, media: tmpfs, prompts: ['root@debian:~#'], auto_login: {login_prompt: 'login:', username: root}}")]
    [InlineData("- boot: {method: u-boot, commands: ramdisk, auto_login: {login_prompt: 'login:', username: r, password_prompt: 'Password:', password: p}}")]
    [InlineData("- boot: {method: minimal, reset: false, prompts: '# '}")]
    [InlineData("- boot: {method: ssh, connection: ssh, prompts: ['# '], parameters: {hostID: h1}}")]
    [InlineData("- boot: {method: grub-efi, commands: [boot], boot_finished: done}")]
    [InlineData("- boot: {method: recovery, commands: exit}")]
    [InlineData("- boot: {method: uuu, commands: [{bcu: reset usb}]}")]
    [InlineData("- boot: {method: cmsis-dap}")]
    [InlineData("- test: {definitions: [{from: git, repository: 'https://x/t.git', path: t.yaml, name: t, skip_install: [deps], params: {A: 1}}]}")]
    [InlineData("- test: {definitions: [{from: url, repository: 'https://x/t.tgz', compression: gz, path: t.yaml, name: t.1}]}")]
    [InlineData("- test: {definitions: [{from: inline, path: i.yaml, name: i, repository: {metadata: {format: Lava-Test Test Definition 1.0, name: i}, install: {deps-debian: [curl]}, run: {steps: ['lava-test-case x --result pass']}}}]}")]
    [InlineData("- test: {definitions: [{from: git, repository: 'https://x/t.git', path: t.yaml, name: t}], docker: {image: 'debian:bookworm', local: true}}")]
    [InlineData("- test: {interactive: [{name: net, prompts: ['=> '], echo: discard, script: [{name: dhcp, command: dhcp, successes: [{message: bound}], failures: [{message: TIMEOUT, exception: JobError, error: 'no dhcp'}]}, {command: null}]}]}")]
    [InlineData("- test: {monitors: [{name: zephyr, start: BOOT, end: DONE, pattern: '(?P<result>PASS)', fixupdict: {PASS: pass}}]}")]
    [InlineData("- command: {name: relay_on, namespace: n1, failure_retry: 2, failure_retry_interval: 5, timeouts: {power-on: {seconds: 30}}}")]
    public void Actions_matching_their_methods_schema_are_valid_even_when_strict(string action)
    {
        Assert.Null(Validate(action));
        Assert.Null(Validate(action, strict: true));
    }

    [Fact]
    public void Deploy_refusals_name_the_target_and_the_key()
    {
        Refused("- deploy: {to: tmpfs}", "['actions[0]', 'deploy', 'tmpfs', 'images']", "required key not provided");
        Refused("- deploy: {to: tmpfs, images: {}}", "['actions[0]', 'deploy', 'tmpfs', 'images', <class 'str'>]", "'images' is empty");
        Refused("- deploy: {to: tmpfs, images: {rootfs: {compression: gz}}}", "['actions[0]', 'deploy', 'tmpfs', 'images', 'rootfs', 'url']", "required key not provided");
        Refused("- deploy: {to: tmpfs, images: {rootfs: {url: u, compression: rar}}}", "['actions[0]', 'deploy', 'tmpfs', 'images', 'rootfs', 'compression']", "not a valid value");
        Refused("- deploy: {to: tftp, ramdisk: {url: u}}", "['actions[0]', 'deploy', 'tftp', 'kernel']", "needs a kernel to deploy");
        Refused("- deploy: {to: tftp, kernel: {url: u}, nfsrootfs: {url: n}, persistent_nfs: {address: 'a:/b'}}",
            "['actions[0]', 'deploy', 'tftp', <nfs>]", "two or more values in the same group of exclusion 'nfs'");
        Refused("- deploy: {to: usb, device: sd0, image: {url: u}, images: {image: {url: u}}}", "['actions[0]', 'deploy', 'usb', <image>]",
            "two or more values in the same group of exclusion 'image'");
        Refused("- deploy: {to: musca, images: {other: {url: u}}}", "['actions[0]', 'deploy', 'musca', 'images', 'test_binary']", "'images' has no 'test_binary' entry");
        Refused("- deploy: {to: docker, image: Debian}", "['actions[0]', 'deploy', 'docker', 'image']", "Invalid docker image name");
        Refused("- deploy: {to: fastboot, images: {boot: {url: u, reboot: never}}}", "['actions[0]', 'deploy', 'fastboot', 'images', 'boot', 'reboot']", "not a valid value");
        Refused("- deploy: {to: u_boot_ums, image: {url: u}}", "['actions[0]', 'deploy', 'u_boot_ums', 'to']", "not a valid value");
    }

    [Fact]
    public void A_target_without_a_schema_module_is_an_unknown_action_type()
    {
        // 2023.01 ships usb.py and sata.py but no sd.py, so "to: sd" is refused although usb's schema would take it.
        Refused("- deploy: {to: sd, device: sd0, image: {url: u}}", "['actions', 'deploy', 'sd']", "unknown action type");
        Refused("- deploy: {to: isoinstaller}", "['actions', 'deploy', 'isoinstaller']", "unknown action type");
    }

    [Fact]
    public void Boot_refusals_name_the_method_and_the_key()
    {
        Refused("- boot: {method: qemu, media: nfs}", "['actions[0]', 'boot', 'qemu', 'media']", "not a valid value");
        Refused("- boot: {method: qemu_nfs}", "['actions[0]', 'boot', 'qemu_nfs', 'method']", "'method' should be 'qemu-nfs'");
        Refused("- boot: {method: qemu, prompts: ['']}", "['actions[0]', 'boot', 'qemu', 'prompts', 0]", "length of value must be at least 1");
        Refused("- boot: {method: u-boot, commands: 5}", "['actions[0]', 'boot', 'u_boot', 'commands']", "expected str");
        Refused("- boot: {method: ssh, prompts: ['# ']}", "['actions[0]', 'boot', 'ssh', 'connection']", "required key not provided");
        Refused("- boot: {method: recovery, commands: reboot}", "['actions[0]', 'boot', 'recovery', 'commands']", "not a valid value");
        Refused("- boot: {method: bootloader, bootloader: u-boot, commands: boot}", "['actions[0]', 'boot', 'bootloader', 'commands']", "expected a list");
        Refused("- boot: {method: minimal, reset: maybe}", "['actions[0]', 'boot', 'minimal', 'reset']", "expected bool");
        Refused("- boot: {method: lxc}", "['actions[0]', 'boot', 'lxc', 'prompts']", "required key not provided");
    }

    [Fact]
    public void Auto_login_with_a_password_but_no_password_prompt_passes_leniently_and_is_an_extra_key_when_strict()
    {
        const string action = "- boot: {method: qemu, auto_login: {login_prompt: 'login:', username: root, password: x}}";

        Assert.Null(Validate(action));
        Refused(action, "['actions[0]', 'boot', 'qemu', 'auto_login', 'password']", "extra keys not allowed", strict: true);
    }

    [Fact]
    public void Unknown_keys_inside_an_action_pass_unless_strict()
    {
        const string action = "- deploy: {to: overlay, foo: 1}";

        Assert.Null(Validate(action));
        Refused(action, "['actions[0]', 'deploy', 'overlay', 'foo']", "extra keys not allowed", strict: true);
    }

    [Fact]
    public void Test_definition_refusals_point_into_the_definition()
    {
        const string prefix = "['actions[0]', 'test', 'definition', 'definitions', 0, ";
        Refused("- test: {definitions: [{from: git, repository: r, name: t}]}", prefix + "'path']", "required key not provided");
        Refused("- test: {definitions: [{from: git, repository: r, path: p, name: 'a b'}]}", prefix + "'name']",
            "does not match regular expression ^[-_a-zA-Z0-9.]+$");
        Refused("- test: {definitions: [{from: svn, repository: r, path: p, name: t}]}", prefix + "'from']", "not a valid value");
        Refused("- test: {definitions: [{from: git, repository: r, path: p, name: t, skip_install: [all, docs]}]}", prefix + "'skip_install', 1]", "not a valid value");
        Refused("- test: {definitions: [{from: inline, path: p, name: t, repository: {metadata: {format: v2, name: t}}}]}",
            prefix + "'repository', 'metadata', 'format']", "not a valid value");
        Refused("- test: {definitions: [{from: git, repository: r, path: p, name: t}], docker: {local: true}}",
            "['actions[0]', 'test', 'docker', 'docker', 'image']", "required key not provided");
    }

    [Fact]
    public void Interactive_and_monitor_refusals_point_into_the_block()
    {
        Refused("- test: {interactive: [{name: n, script: [{command: x}]}]}", "['actions[0]', 'test', 'interactive', 'interactive', 0, 'prompts']", "required key not provided");
        Refused("- test: {interactive: [{name: n, prompts: ['# '], script: [{command: x, failures: [{message: m, exception: Oops}]}]}]}",
            "['actions[0]', 'test', 'interactive', 'interactive', 0, 'script', 0, 'failures', 0, 'exception']", "not a valid value");
        Refused("- test: {monitors: [{name: m, start: s, end: e, pattern: p, fixupdict: {PASS: ok}}]}",
            "['actions[0]', 'test', 'monitor', 'monitors', 0, 'fixupdict', 'PASS']", "not a valid value");
        Refused("- test: {timeout: {minutes: 1}}", "['actions[0]', 'test']", "invalid action");
    }

    [Fact]
    public void Common_action_keys_are_checked_for_every_method()
    {
        Refused("- command: {}", "['actions[0]', 'command', 'name']", "required key not provided");
        Refused("- command: {name: c, namespace: common}", "['actions[0]', 'command', 'namespace']", "'common' and 'docker-test-shell' are reserved namespace names");
        Refused("- deploy: {to: overlay, failure_retry_interval: 0}", "['actions[0]', 'deploy', 'overlay', 'failure_retry_interval']", "value must be at least 1");
        // voluptuous' Any keeps the first of equally deep errors: the "days" alternative's missing key, not the zero.
        Refused("- boot: {method: dfu, timeouts: {power-on: {minutes: 0}}}", "['actions[0]', 'boot', 'dfu', 'timeouts', 'power-on', 'days']", "required key not provided");
    }
}
