using Lava.Actors.Jobs.Logs;
using Lava.Devices.BoardSimulator;
using Xunit;

namespace Lava.Devices.Tests.Pipeline;

/// <summary>The job runner booting a simulated board (real TCP console and PDU) with LAVA's u-boot and minimal methods.</summary>
public sealed class BootJobSpec
{
    private const string UBootJob = """
        job_name: sim u-boot boot
        visibility: public
        timeouts:
          job: {minutes: 5}
          action: {minutes: 1}
          actions:
            auto-login-action: {seconds: AUTOLOGIN}
        actions:
        - boot:
            method: u-boot
            commands: ramdisk
            auto_login:
              login_prompt: 'login:'
              username: root
            prompts: ['root@sim-01:~# ']
        """;

    private static string Job(int autoLoginSeconds = 60) => UBootJob.Replace("AUTOLOGIN", autoLoginSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    [Fact]
    public async Task A_uboot_boot_with_auto_login_must_reach_the_shell_prompt_and_record_each_action_in_the_lava_suite()
    {
        await using var job = JobDirectory.WithBoard();
        job.Write("job.yaml", Job());

        await job.RunAsync();

        Assert.Equal(("pass", "", ""), job.End());
        var log = job.Log();
        var text = job.LogText().ToList();
        Assert.Contains("info: start: 1 uboot-action (timeout 00:03:00) [common]", text); // the device's actions.uboot-action beats the job's action
        Assert.Contains("info: start: 1.2.4 auto-login-action (timeout 00:01:00) [common]", text);
        Assert.Contains(log, r => r.Level == "input" && r.Msg == new LogText("root"));
        Assert.Contains(log, r => r.Level == "target" && ((LogText)r.Msg).Value.Contains("Linux version 6.1.0-sim", StringComparison.Ordinal));
        Assert.Contains(log, r => r.Level == "input" && r.Msg == new LogText("booti ${kernel_addr_r} - ${fdt_addr_r}"));

        var results = job.Results();
        Assert.Equal(
            ["connect-device", "pdu-reboot", "reset-device", "bootloader-interrupt", "bootloader-commands", "auto-login-action", "uboot-commands", "uboot-action", "power-off", "finalize", "job"],
            results.Select(r => r.Name));
        Assert.All(results, r => Assert.Equal(("lava", "pass"), (r.Suite, r.Result)));
        Assert.Equal("1.2.4", results.Single(r => r.Name == "auto-login-action").Extra!["level"]);
        foreach (var result in results)
        {
            var line = log[(int)result.LogLine!.Value];
            Assert.Equal("results", line.Level);
            Assert.Contains(KeyValuePair.Create("case", (LogValue)new LogText(result.Name)), ((LogMap)line.Msg).Entries);
        }
        Assert.False(job.Board!.IsPoweredOn, "finalize must power the board off");
    }

    [Fact]
    public async Task A_board_hanging_in_its_kernel_must_time_out_the_auto_login_with_an_infrastructure_error()
    {
        await using var job = JobDirectory.WithBoard(new BoardFaults { HangAfterKernelLines = 3 });
        job.Write("job.yaml", Job(autoLoginSeconds: 3));

        await job.RunAsync();

        // LAVA says JobError; a board hanging before its login prompt is the lab's problem.
        var (result, errorType, errors) = job.End();
        Assert.Equal(("fail", "Infrastructure"), (result, errorType));
        Assert.StartsWith("auto-login-action timed out after ", errors, StringComparison.Ordinal);
        Assert.Contains("info: start: 1.2.4 auto-login-action (timeout 00:00:03) [common]", job.LogText());
        var cases = job.Results();
        Assert.Equal("fail", cases.Single(r => r.Name == "auto-login-action").Result);
        Assert.Equal(("fail", "Infrastructure"), (cases[^1].Result, cases[^1].Extra!["error_type"]));
        Assert.False(job.Board!.IsPoweredOn);
    }

    [Fact]
    public async Task A_bootloader_that_never_offers_its_prompt_must_time_out_with_an_infrastructure_error()
    {
        await using var job = JobDirectory.WithBoard(options: o => o with { AutobootSeconds = 0, Faults = new BoardFaults { HangAfterKernelLines = 1 } });
        job.Write("job.yaml", Job() + "\n    timeouts: {bootloader-interrupt: {seconds: 2}}\n");

        await job.RunAsync();

        // LAVA's bootloader-interrupt and bootloader-commands time out with InfrastructureError.
        var (result, errorType, errors) = job.End();
        Assert.Equal(("fail", "Infrastructure"), (result, errorType));
        Assert.StartsWith("bootloader-interrupt timed out after ", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Garbage_bytes_on_the_console_must_be_logged_escaped_and_the_job_must_still_pass()
    {
        await using var job = JobDirectory.WithBoard(new BoardFaults { GarbageInBootLog = true });
        job.Write("job.yaml", Job());

        await job.RunAsync();

        Assert.Equal(("pass", "", ""), job.End());
        var targets = job.Log().Where(r => r.Level == "target").Select(r => ((LogText)r.Msg).Value).ToList();
        Assert.Contains(targets, t => t.Contains("\\x", StringComparison.Ordinal));
        Assert.All(targets, t => Assert.DoesNotContain(t, c => char.IsControl(c) && c != '\t'));
    }

    [Fact]
    public async Task A_failing_power_command_must_end_the_job_with_an_infrastructure_error_naming_the_command()
    {
        await using var job = JobDirectory.WithBoard(new BoardFaults { FailPower = true });
        job.Write("job.yaml", Job());

        await job.RunAsync();

        var (result, errorType, errors) = job.End();
        Assert.Equal(("fail", "Infrastructure"), (result, errorType));
        Assert.Matches(@"^Unable to hard reset: '.*sim-pdu\.sh reboot 1' failed \(exit code 1\)$", errors);
        Assert.Contains(job.Log(), r => r.Level == "debug" && ((LogText)r.Msg).Value.StartsWith("error: outlet 1 (sim-01) failed to switch reboot", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cancel_mid_boot_must_power_the_board_off_close_the_console_and_end_canceled()
    {
        await using var job = JobDirectory.WithBoard(new BoardFaults { HangAfterKernelLines = 3 });
        job.Write("job.yaml", Job());
        using var stop = new CancellationTokenSource();
        var run = job.RunAsync(stop.Token);

        await job.WaitForLogAsync(r => r.Level == "target" && ((LogText)r.Msg).Value.Contains("Machine model", StringComparison.Ordinal), "showing the kernel booting");
        Assert.True(job.Board!.IsPoweredOn);
        await stop.CancelAsync();
        await run;

        Assert.Equal(("fail", "Canceled", "The job was canceled"), job.End());
        Assert.False(job.Board.IsPoweredOn, "cancel must run the power-off command");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.Equal("ok off", await PduClient.SendAsync("127.0.0.1", job.Pdu!.Port, "status 1", deadline.Token));
        Assert.Contains(job.LogText(), l => l.StartsWith("info: Calling: '", StringComparison.Ordinal) && l.EndsWith("sim-pdu.sh off 1'", StringComparison.Ordinal));
        Assert.Contains(job.LogText(), l => l.StartsWith("debug: Disconnected from telnet", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_wrong_password_must_end_the_job_with_LAVAs_login_incorrect_job_error()
    {
        await using var job = JobDirectory.WithBoard(options: o => o with { Password = "secret" });
        job.Write("job.yaml", Job().Replace("      username: root", "      username: root\n      password_prompt: 'Password:'\n      password: wrong", StringComparison.Ordinal));

        await job.RunAsync();

        Assert.Equal(("fail", "Job", "Login incorrect"), job.End());
        Assert.Contains(job.Log(), r => r.Level == "input" && r.Msg == new LogText("wrong"));
    }

    [Fact]
    public async Task A_minimal_boot_must_power_the_board_and_wait_for_its_prompts()
    {
        await using var job = JobDirectory.WithBoard(options: o => o with { AutobootSeconds = 0 });
        job.Write("job.yaml", """
            job_name: minimal
            visibility: public
            timeouts: {job: {minutes: 5}, action: {minutes: 1}}
            actions:
            - boot:
                method: minimal
                auto_login: {login_prompt: 'login:', username: root}
                prompts: ['root@sim-01:~# ']
            """);

        await job.RunAsync();

        Assert.Equal(("pass", "", ""), job.End());
        Assert.Equal(["connect-device", "pdu-reboot", "reset-device", "auto-login-action", "minimal-boot", "power-off", "finalize", "job"], job.Results().Select(r => r.Name));
    }
}
