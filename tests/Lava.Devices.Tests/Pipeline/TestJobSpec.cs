using System.Formats.Tar;
using System.IO.Compression;
using Lava.Actors.Jobs;
using Lava.Actors.Jobs.Logs;
using Lava.Devices.BoardSimulator;
using Lava.Devices.Tests.TestShell;
using Xunit;

namespace Lava.Devices.Tests.Pipeline;

/// <summary>
/// The job runner's test stage on a simulated board (real TCP console, PDU and shell): the overlay built and typed at
/// the prompt, lava-test-shell's cases in results.jsonl, its timeout, a git definition, cancel.
/// </summary>
public sealed class TestJobSpec
{
    private const string BootAndTest = """
        job_name: sim test
        visibility: public
        timeouts: {job: {minutes: 5}, action: {minutes: 1}}
        actions:
        - boot:
            method: u-boot
            commands: ramdisk
            auto_login: {login_prompt: 'login:', username: root}
            prompts: ['root@[a-z0-9-]+:~# ']
        - test:
            timeout: {seconds: TIMEOUT}
            definitions:
        """;

    private static readonly string[] BootCases =
        ["connect-device", "pdu-reboot", "reset-device", "bootloader-interrupt", "bootloader-commands", "auto-login-action", "uboot-commands", "uboot-action"];

    internal static string SimSmoke => File.ReadAllText(Path.Combine(RepositoryRoot, "examples", "jobs", "sim-smoke.yaml"));

    internal static string RepositoryRoot { get; } = Path.GetDirectoryName(LavaSimTemplateSpec.DeviceTypes)!;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_sim_smoke_example_must_pass_with_exactly_its_test_cases_even_with_garbage_on_the_console(bool garbage)
    {
        await using var job = JobDirectory.WithBoard(garbage ? new BoardFaults { GarbageInBootLog = true } : null);
        job.Write("job.yaml", SimSmoke);

        await job.RunAsync();

        Assert.Equal(("pass", "", ""), job.End());
        var results = job.Results();
        Assert.Equal(
            [
                ("0_smoke", "shell-true", "pass", null, null, null),
                ("0_smoke", "shell-false", "fail", null, null, null),
                ("0_smoke", "uptime", "pass", "1.5", "s", null),
                ("0_smoke", "tmp-writable", "pass", null, null, "files"),
            ],
            results.Where(r => r.Suite != "lava").Select(r => (r.Suite, r.Name, r.Result, r.Measurement, r.Units, r.Set)));
        var lava = results.Where(r => r.Suite == "lava").ToList();
        Assert.Equal([.. BootCases, "0_smoke", "lava-test-shell", "lava-test-retry", "power-off", "finalize", "job"], lava.Select(r => r.Name));
        Assert.All(lava, r => Assert.Equal("pass", r.Result));
        Assert.Equal(("2.1", "0"), (lava.Single(r => r.Name == "lava-test-shell").Extra!["level"], lava.Single(r => r.Name == "lava-test-shell").Extra!["stage"]));
        Assert.Equal(("7_0.0", "inline", "inline/smoke.yaml"), (lava.Single(r => r.Name == "0_smoke").Extra!["uuid"], lava.Single(r => r.Name == "0_smoke").Extra!["repository"], lava.Single(r => r.Name == "0_smoke").Extra!["path"]));
        var log = job.Log();
        Assert.All(results, r => Assert.Equal("results", log[(int)r.LogLine!.Value].Level));
        Assert.Single(log, r => r.Level == "results" && ((LogMap)r.Msg).Entries.Contains(KeyValuePair.Create("case", (LogValue)new LogText("shell-true"))));
        Assert.Contains(log, r => r.Level == "input" && r.Msg == new LogText("lava-7/bin/lava-test-runner lava-7/0"));
        Assert.Equal(["lava-7/0/tests/0_smoke/run.sh", "lava-7/bin/lava-test-runner"], TarEntries(job).Where(e => e.EndsWith("run.sh", StringComparison.Ordinal) || e.EndsWith("/lava-test-runner", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.True(new FileInfo(Path.Combine(job.Path, "overlay.cpio")).Length > 0);
        Assert.False(job.Board!.IsPoweredOn);
    }

    [Fact]
    public async Task A_deploy_before_the_test_must_build_the_overlay_as_its_lava_overlay_step()
    {
        await using var job = JobDirectory.WithBoard();
        var image = job.Write("image.bin", "image");
        job.Write("job.yaml", SimSmoke.Replace("actions:\n", $"actions:\n- deploy: {{to: downloads, images: {{image: {{url: 'file://{image}'}}}}}}\n", StringComparison.Ordinal));

        await job.RunAsync();

        Assert.Equal(("pass", "", ""), job.End());
        var lava = job.Results().Where(r => r.Suite == "lava").ToList();
        Assert.Equal(["file-download", "lava-overlay", "downloads"], lava.Take(3).Select(r => r.Name));
        Assert.Equal(("1.2", "lava-7"), (lava[1].Extra!["level"], lava[1].Extra!["root"]));
        Assert.Equal(4, job.Results().Count(r => r.Suite == "0_smoke"));
    }

    [Fact]
    public async Task A_second_test_action_must_run_its_own_stage_without_typing_the_overlay_again()
    {
        await using var job = JobDirectory.WithBoard();
        job.Write("job.yaml", SimSmoke + """
            - test:
                definitions:
                - from: inline
                  name: second
                  path: inline/second.yaml
                  repository:
                    metadata: {format: Lava-Test Test Definition 1.0, name: second}
                    run: {steps: ["lava-test-case again --result pass"]}
            """);

        await job.RunAsync();

        Assert.Equal(("pass", "", ""), job.End());
        var results = job.Results();
        Assert.Equal(["0_smoke", "0_smoke", "0_smoke", "0_smoke", "1_second"], results.Where(r => r.Suite != "lava").Select(r => r.Suite));
        Assert.Equal("pass", results.Single(r => r.Suite == "1_second" && r.Name == "again").Result);
        Assert.Equal(["0", "1"], results.Where(r => r.Name == "lava-test-shell").Select(r => r.Extra!["stage"]));
        Assert.Single(job.LogText(), l => l.StartsWith("info: Transferring the overlay", StringComparison.Ordinal));
        Assert.Contains("input: lava-7/bin/lava-test-runner lava-7/1", job.LogText());
    }

    [Fact]
    public async Task A_test_that_outlives_its_timeout_must_end_the_job_with_a_LAVATimeout_error()
    {
        await using var job = JobDirectory.WithBoard();
        job.Write("job.yaml", Test(15, "lava-test-case started --result pass", "read never_typed"));

        await job.RunAsync();

        var (result, errorType, errors) = job.End();
        Assert.Equal(("fail", "LAVATimeout"), (result, errorType));
        Assert.StartsWith("lava-test-shell timed out after ", errors, StringComparison.Ordinal);
        var results = job.Results();
        Assert.Equal([("0_slow", "started", "pass")], results.Where(r => r.Suite != "lava").Select(r => (r.Suite, r.Name, r.Result)));
        Assert.Equal(
            [("0_slow", "fail"), ("lava-test-shell", "fail"), ("lava-test-retry", "fail")],
            results.Where(r => r.Suite == "lava" && r.Name is "0_slow" or "lava-test-shell" or "lava-test-retry").Select(r => (r.Name, r.Result)));
        Assert.Equal(("fail", "LAVATimeout"), (results[^1].Result, results[^1].Extra!["error_type"]));
        Assert.False(job.Board!.IsPoweredOn);
    }

    [Fact]
    public async Task A_definition_from_a_local_git_repository_must_run_its_own_script()
    {
        await using var job = JobDirectory.WithBoard();
        var repository = Directory.CreateDirectory(Path.Combine(job.Path, "repo")).FullName;
        File.WriteAllText(Path.Combine(repository, "smoke.yaml"), """
            metadata: {format: Lava-Test Test Definition 1.0, name: from-git}
            run:
              steps:
              - sh ./check.sh
            """);
        File.WriteAllText(Path.Combine(repository, "check.sh"), "lava-test-case from-script --result pass\n");
        await GitAsync(repository, "init", "-q", "-b", "main");
        await GitAsync(repository, "add", ".");
        await GitAsync(repository, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "tests");
        var commit = (await TestShellFixtures.RunAsync("git", repository, "rev-parse", "HEAD")).Output.Trim();
        job.Write("job.yaml", BootAndTest.Replace("TIMEOUT", "60", StringComparison.Ordinal) + $"""

                - {"{"}from: git, name: gitdef, repository: '{repository}', path: smoke.yaml, branch: main{"}"}
            """);

        await job.RunAsync();

        Assert.Equal(("pass", "", ""), job.End());
        var results = job.Results();
        Assert.Equal([("0_gitdef", "from-script", "pass")], results.Where(r => r.Suite != "lava").Select(r => (r.Suite, r.Name, r.Result)));
        var run = results.Single(r => r.Suite == "lava" && r.Name == "0_gitdef");
        Assert.Equal((commit, repository, "smoke.yaml"), (run.Extra!["commit_id"], run.Extra["repository"], run.Extra["path"]));
    }

    [Fact]
    public async Task Cancel_during_the_test_must_end_canceled_with_the_board_powered_off()
    {
        await using var job = JobDirectory.WithBoard();
        job.Write("job.yaml", Test(120, "lava-test-case started --result pass", "read never_typed"));
        using var stop = new CancellationTokenSource();
        var run = job.RunAsync(stop.Token);

        await job.WaitForLogAsync(r => r.Level == "results" && ((LogMap)r.Msg).Entries.Contains(KeyValuePair.Create("case", (LogValue)new LogText("started"))), "recording the first test case");
        Assert.True(job.Board!.IsPoweredOn);
        await stop.CancelAsync();
        await run;

        Assert.Equal(("fail", "Canceled", "The job was canceled"), job.End());
        Assert.False(job.Board.IsPoweredOn, "cancel must run the power-off command");
        var results = job.Results();
        Assert.Equal("fail", results.Single(r => r.Suite == "lava" && r.Name == "0_slow").Result);
        Assert.Equal("fail", results.Single(r => r.Name == "lava-test-shell").Result);
    }

    private static string Test(int timeoutSeconds, params string[] steps) =>
        BootAndTest.Replace("TIMEOUT", timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal) + """

                - from: inline
                  name: slow
                  path: inline/slow.yaml
                  repository:
                    metadata: {format: Lava-Test Test Definition 1.0, name: slow}
                    run:
                      steps:

            """ + string.Concat(steps.Select(step => $"          - {step}\n"));

    private static List<string> TarEntries(JobDirectory job)
    {
        using var file = File.OpenRead(Path.Combine(job.Path, "overlay.tar.gz"));
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        var names = new List<string>();
        while (tar.GetNextEntry() is { } entry)
        {
            names.Add(entry.Name);
        }
        return names;
    }

    private static async Task GitAsync(string directory, params string[] arguments)
    {
        var (code, output) = await TestShellFixtures.RunAsync("git", directory, arguments);
        Assert.True(code == 0, $"git {string.Join(' ', arguments)}: {output}");
    }
}
