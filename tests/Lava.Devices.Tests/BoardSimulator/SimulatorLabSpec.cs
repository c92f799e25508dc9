using Lava.Devices.BoardSimulator;
using Xunit;

namespace Lava.Devices.Tests.BoardSimulator;

/// <summary>The lab file of <c>./lava sim</c>: the example loads, bad input names its field, a lab starts and powers.</summary>
public sealed class SimulatorLabSpec
{
    private const string TwoBoards = """
        boards:
          - name: on-pdu
            autoboot_seconds: 5
          - name: always-on
        pdus:
          - name: pdu
            reboot_delay_ms: 10
            outlets:
              4: on-pdu
        """;

    [Fact]
    public void The_example_lab_must_load_with_its_prompts_credentials_faults_and_outlets()
    {
        var lab = SimulatorLabFile.Load(Path.Combine(RepositoryRoot(), "examples", "sim", "lab.yaml"));

        Assert.Equal(["sim-bbb-01", "sim-bbb-02", "sim-flaky-01"], lab.Boards.Select(b => b.Name));
        var first = lab.Boards[0];
        Assert.Equal((7001, 115200, "=>", "root", null), (first.Port, first.BaudRate, first.BootloaderPrompt, first.Username, first.Password));
        Assert.Equal("root@sim-bbb-01:~# ", first.EffectiveShellPrompt);
        Assert.Equal(("lava", "lava"), (lab.Boards[1].Username, lab.Boards[1].Password));
        Assert.Equal(new BoardFaults { HangAfterKernelLines = 4, GarbageInBootLog = true, SlowConsoleBaud = 9600 }, lab.Boards[2].Faults);
        Assert.Equal(0, first.BootLogBytes);
        Assert.Equal(1_000_000, SimulatorLabFile.Parse("boards:\n- name: a\n  boot_log_bytes: 1000000").Boards[0].BootLogBytes);
        var pdu = Assert.Single(lab.Pdus);
        Assert.Equal((7100, "sim-flaky-01"), (pdu.Port, pdu.Outlets[3]));
    }

    [Theory]
    [InlineData("pdus: []", "lab file: boards: required: a list")]
    [InlineData("boards: []", "lab file: boards: at least one board is needed")]
    [InlineData("boards:\n- port: 7001", "lab file: boards[0].name: required")]
    [InlineData("boards:\n- name: a b", "lab file: boards[0].name: 'a b' may hold only letters, digits, '-', '_' and '.'")]
    [InlineData("boards:\n- name: a\n  port: seven", "lab file: boards[0].port: expected a whole number, got 'seven'")]
    [InlineData("boards:\n- name: a\n  port: 70000", "lab file: boards[0].port: 70000 is out of range (0 to 65535)")]
    [InlineData("boards:\n- name: a\n  host: example.org", "lab file: boards[0].host: expected an IP address to listen on, got 'example.org'")]
    [InlineData("boards:\n- name: a\n  colour: red", "lab file: boards[0].colour: unknown key (known: name, host, port, baud, autoboot_seconds, boot_log_bytes, prompts, credentials, shell, faults)")]
    [InlineData("boards:\n- name: a\n  boot_log_bytes: -5", "lab file: boards[0].boot_log_bytes: -5 is out of range (0 to 2147483647)")]
    [InlineData("boards:\n- name: a\n  prompts: '=>'", "lab file: boards[0].prompts: expected a mapping")]
    [InlineData("boards:\n- name: a\n  prompts:\n    shell: ''", "lab file: boards[0].prompts.shell: must not be empty")]
    [InlineData("boards:\n- name: a\n- name: b\n  faults:\n    hang_after_kernel_lines: -1", "lab file: boards[1].faults.hang_after_kernel_lines: -1 is out of range (0 to 1000)")]
    [InlineData("boards:\n- name: a\n  faults:\n    fail_power: sometimes", "lab file: boards[0].faults.fail_power: expected true or false, got 'sometimes'")]
    [InlineData("boards:\n- name: a\n- name: a", "lab file: boards[1].name: 'a' names two boards")]
    [InlineData("boards:\n- name: a\n  port: 7001\n- name: b\n  port: 7001", "lab file: boards[1].port: 7001 is used twice")]
    [InlineData("boards:\n- name: a\npdus:\n- name: p\n  outlets:\n    1: b", "lab file: pdus[0].outlets.1: no board is named 'b'")]
    [InlineData("boards:\n- name: a\npdus:\n- name: p\n  outlets:\n    one: a", "lab file: pdus[0].outlets.one: an outlet is a whole number from 1 to 9999")]
    [InlineData("boards:\n- name: a\npdus:\n- name: p\n  outlets:\n    1: a\n    2: a", "lab file: pdus[0].outlets.2: 'a' is already powered by pdus[0].outlets.1")]
    [InlineData("boards:\n- name: a\npdus:\n- name: p", "lab file: pdus[0].outlets: required: a mapping of outlet number to board name")]
    [InlineData("boards: [", "lab file: not YAML (line ")]
    public void Bad_input_must_be_refused_with_a_message_naming_the_field(string yaml, string expected)
    {
        var error = Assert.Throws<SimulatorLabException>(() => SimulatorLabFile.Parse(yaml));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lab_must_start_boards_on_an_outlet_off_and_the_others_on()
    {
        await using var lab = await SimulatorLab.StartAsync(SimulatorLabFile.Parse(TwoBoards), fast: true);
        var onPdu = lab.Boards.Single(b => b.Name == "on-pdu");
        await using var console = await ConsoleClient.ConnectAsync(onPdu);

        Assert.False(onPdu.IsPoweredOn);
        Assert.True(lab.Boards.Single(b => b.Name == "always-on").IsPoweredOn);
        using var deadline = new CancellationTokenSource(ConsoleClient.Deadline);
        Assert.Equal("ok", await PduClient.SendAsync("127.0.0.1", lab.Pdus[0].Port, "on 4", deadline.Token));
        await console.ExpectAsync("Hit any key to stop autoboot:  5");
        var lines = lab.Describe().ToList();
        Assert.Contains(lines, l => l.StartsWith($"board on-pdu: console 127.0.0.1:{onPdu.Port} ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"pdu pdu: 127.0.0.1:{lab.Pdus[0].Port}, outlets 4=on-pdu", StringComparison.Ordinal));
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Lava.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException($"no Lava.sln above {AppContext.BaseDirectory}");
    }
}
