using Lava.Actors.Lab.Devices;
using Lava.Devices.Pipeline;
using Xunit;

namespace Lava.Devices.Tests.Pipeline;

/// <summary>The shipped <c>lava-sim.jinja2</c> device type renders what the job runner reads for a simulated board.</summary>
public sealed class LavaSimTemplateSpec
{
    internal static string DeviceTypes { get; } = FindDeviceTypes();

    /// <summary>Renders a lava-sim device for the board's console port and the PDU command line.</summary>
    internal static string Render(int consolePort, string pduCommand, int outlet, string extra = "")
    {
        var dictionary = $$"""
            {% extends 'lava-sim.jinja2' %}
            {% set connection_command = 'telnet 127.0.0.1 {{consolePort}}' %}
            {% set pdu_command = '{{pduCommand}}' %}
            {% set pdu_outlet = {{outlet}} %}
            {{extra}}
            """;
        return new DeviceTemplates([DeviceTypes]).WithDevice("sim-01", dictionary).RenderDevice("sim-01");
    }

    [Fact]
    public void A_lava_sim_device_must_render_its_console_power_commands_and_uboot_boot_commands()
    {
        var device = DeviceConfiguration.Parse(Render(7001, "lava sim-pdu 127.0.0.1:7100", 3));

        Assert.Equal("telnet 127.0.0.1 7001", device.ConnectCommand);
        Assert.Equal(["lava sim-pdu 127.0.0.1:7100 on 3"], device.Commands("power_on"));
        Assert.Equal(["lava sim-pdu 127.0.0.1:7100 off 3"], device.Commands("power_off"));
        Assert.Equal(["lava sim-pdu 127.0.0.1:7100 reboot 3"], device.Commands("hard_reset"));
        Assert.Equal("=>", DeviceConfiguration.Text(device.Get("actions", "boot", "methods", "u-boot", "parameters", "bootloader_prompt")));
        var ramdisk = DeviceConfiguration.Strings(device.Get("actions", "boot", "methods", "u-boot", "ramdisk", "commands"));
        Assert.Equal("booti ${kernel_addr_r} - ${fdt_addr_r}", ramdisk[^1]);
        Assert.Equal("lava-%s", DeviceConfiguration.Text(device.Constant("lava_test_results_dir", "posix"))); // the shell's own directory
        Assert.NotNull(device.Timeouts);
        Assert.Equal(TimeSpan.FromMinutes(2), device.Timeouts!.Actions["auto-login-action"].Duration);
    }

    private static string FindDeviceTypes()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "device-types");
            if (File.Exists(Path.Combine(candidate, "lava-sim.jinja2")))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException("device-types/lava-sim.jinja2 not found above " + AppContext.BaseDirectory);
    }
}
