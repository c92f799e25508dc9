using System.Diagnostics;
using Lava.Devices.BoardSimulator;
using Lava.Devices.Consoles;
using Lava.Devices.TestShell;
using Lava.Devices.Tests.BoardSimulator;
using Lava.Devices.Tests.Consoles;
using Xunit;

namespace Lava.Devices.Tests.TestShell;

/// <summary>
/// Test actions end to end on the board simulator's real shell, reached over telnet: the overlay typed at the prompt
/// and unpacked in the shell's directory, lava-test-runner run there, its signals turned into results.
/// </summary>
public sealed class TestShellOnBoardSpec : IAsyncLifetime
{
    private const string Prompt = "root@sim-ts:~# ";
    private static readonly TimeSpan Step = ConsoleClient.Deadline;

    private readonly string _work = Directory.CreateTempSubdirectory("lava-testshell-spec-").FullName;
    private readonly RecordingSink _sink = new();
    private SimulatedBoard _board = null!;
    private ConsoleExpect _console = null!;

    public async Task InitializeAsync()
    {
        _board = SimulatedBoard.Start(SimulatedBoardSpec.Fast("sim-ts"));
        _console = new ConsoleExpect(await TelnetConsole.ConnectAsync("127.0.0.1", _board.Port, CancellationToken.None), new RecordingLog());
        await _board.PowerOnAsync();
        await _console.ExpectAsync(["Hit any key to stop autoboot"], Step);
        await _console.SendAsync(" ");
        await _console.ExpectAsync(["=> "], Step);
        await _console.SendLineAsync("boot");
        await _console.ExpectAsync(["login: "], Step);
        await _console.SendLineAsync("root");
        await _console.ExpectAsync([Prompt], Step);
    }

    public async Task DisposeAsync()
    {
        await _console.DisposeAsync();
        await _board.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [Fact]
    public async Task An_inline_definition_transferred_over_the_prompt_must_give_exactly_its_cases()
    {
        var session = await TransferAsync(TestShellFixtures.SmokeDefinitions);

        await session.Session.RunDefinitionsAsync(session.Overlay);

        Assert.Equal(
            [
                ("0_smoke", "always-true", "pass", null, null, null),
                ("0_smoke", "always-false", "fail", null, null, null),
                ("0_smoke", "boot-time", "pass", "12.7", "s", null),
                ("0_smoke", "ping", "fail", null, null, "network"),
                ("0_smoke", "params", "pass", null, null, null),
            ],
            _sink.Cases);
        var run = Assert.Single(_sink.Results, r => r.Suite == "lava");
        Assert.Equal(("0_smoke", "pass", "42_0.0", "inline", "unspecified"), (run.Name, run.Result, run.Extra!["uuid"], run.Extra["repository"], run.Extra["revision"]));
        Assert.All(_sink.Results, r => Assert.Equal("results", _sink.LogRecords[(int)r.LogLine!.Value - 1].Level));
        var trueCase = _sink.Results.Single(r => r.Name == "always-true");
        Assert.True(long.Parse(trueCase.Extra!["starttc"]) < long.Parse(trueCase.Extra["endtc"]));
    }

    [Fact]
    public async Task A_parse_pattern_must_turn_output_lines_into_cases_between_startrun_and_endrun()
    {
        var session = await TransferAsync("""
            - from: inline
              name: parsed
              path: inline/parsed.yaml
              repository:
                metadata: {format: Lava-Test Test Definition 1.0, name: parsed}
                run:
                  steps:
                  - printf 'RESULT disk/read PASS\nRESULT disk/write FAIL\nRESULT odd WHATEVER\nRESULT net SKIP\n'
                parse:
                  pattern: '^RESULT (?P<test_case_id>\S+) (?P<result>PASS|FAIL|SKIP|WHATEVER)'
                  fixupdict: {PASS: pass, FAIL: fail, SKIP: skip}
            """);

        await session.Session.RunDefinitionsAsync(session.Overlay);

        Assert.Equal(
            [("0_parsed", "disk_read", "pass", null, null, null), ("0_parsed", "disk_write", "fail", null, null, null), ("0_parsed", "net", "skip", null, null, null)],
            _sink.Cases);
    }

    [Fact]
    public async Task A_git_definition_from_a_local_repository_must_run_its_own_scripts()
    {
        var repository = Directory.CreateDirectory(Path.Combine(_work, "repo")).FullName;
        Directory.CreateDirectory(Path.Combine(repository, "tests"));
        File.WriteAllText(Path.Combine(repository, "tests/smoke.yaml"), """
            metadata: {format: Lava-Test Test Definition 1.0, name: from-git}
            params: {WHO: nobody}
            run:
              steps:
              - ./tests/check.sh "$WHO"
            """);
        File.WriteAllText(Path.Combine(repository, "tests/check.sh"), "#!/bin/sh\nlava-test-case \"who-$1\" --result pass\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path.Combine(repository, "tests/check.sh"), (UnixFileMode)0b111_101_101);
        }
        await GitAsync(repository, "init", "-q", "-b", "main");
        await GitAsync(repository, "add", ".");
        await GitAsync(repository, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "tests");
        var commit = (await TestShellFixtures.RunAsync("git", repository, "rev-parse", "HEAD")).Output.Trim();

        var session = await TransferAsync($"""
            - from: git
              name: gitdef
              repository: {repository}
              path: tests/smoke.yaml
              branch: main
              parameters: {"{WHO: lava}"}
            """);
        await session.Session.RunDefinitionsAsync(session.Overlay);

        Assert.Equal([("0_gitdef", "who-lava", "pass", null, null, null)], _sink.Cases);
        var run = Assert.Single(_sink.Results, r => r.Suite == "lava");
        Assert.Equal((commit, repository, "tests/smoke.yaml"), (run.Extra!["commit_id"], run.Extra["repository"], run.Extra["path"]));
    }

    [Fact]
    public async Task A_missing_git_path_must_be_lavas_job_error()
    {
        var repository = Directory.CreateDirectory(Path.Combine(_work, "empty")).FullName;
        await GitAsync(repository, "init", "-q");
        await GitAsync(repository, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "--allow-empty", "-m", "none");

        var error = await Assert.ThrowsAsync<TestShellError>(() => TestShellFixtures.FetchAsync(
            $"- {{from: git, name: g, repository: {repository}, path: nope.yaml}}", Path.Combine(_work, "defs")));

        Assert.Equal(("Job", $"Unable to find test definition YAML: {Path.Combine(_work, "defs", "0_g", "nope.yaml")}"), (error.ErrorType, error.Message));
    }

    [Fact]
    public async Task An_interactive_test_must_record_named_commands_and_its_script()
    {
        var session = new TestShellSession(_console, _sink, Options(TimeSpan.FromSeconds(60)));

        await session.RunInteractiveAsync(TestShellFixtures.Definitions($$"""
            - name: shell-checks
              prompts: ["{{Prompt}}"]
              echo: discard
              script:
              - name: arithmetic
                command: echo $((40+2))
                successes: [{message: "(?P<answer>4\\d)"}]
              - name: broken
                command: echo BRO""KEN
                failures: [{message: BROKEN}]
              - command: "echo {answer}-again"
                successes: [{message: 42-again}]
            """));

        Assert.Equal([("0_shell-checks", "arithmetic", "pass", null, null, null), ("0_shell-checks", "broken", "fail", null, null, null)], _sink.Cases);
        var script = Assert.Single(_sink.Results, r => r.Suite == "lava");
        Assert.Equal(("0_shell-checks", "pass"), (script.Name, script.Result));
    }

    [Fact]
    public async Task A_test_that_outlives_its_timeout_must_end_with_lavas_timeout_error_and_a_failed_run()
    {
        var session = await TransferAsync("""
            - from: inline
              name: slow
              path: inline/slow.yaml
              repository:
                metadata: {format: Lava-Test Test Definition 1.0, name: slow}
                run: {steps: ["lava-test-case started --result pass", "read never_typed"]}
            """, TimeSpan.FromSeconds(3));

        var error = await Assert.ThrowsAsync<TestShellError>(() => session.Session.RunDefinitionsAsync(session.Overlay));

        Assert.Equal(("LAVATimeout", "lava-test-shell timed out after 3 seconds"), (error.ErrorType, error.Message));
        Assert.Equal([("0_slow", "started", "pass", null, null, null)], _sink.Cases);
        var run = Assert.Single(_sink.Results, r => r.Suite == "lava");
        Assert.Equal(("0_slow", "fail"), (run.Name, run.Result));
    }

    [Fact]
    public async Task Lava_test_raise_must_abort_with_a_test_error()
    {
        var session = await TransferAsync("""
            - from: inline
              name: raising
              path: inline/raising.yaml
              repository:
                metadata: {format: Lava-Test Test Definition 1.0, name: raising}
                run: {steps: ["lava-test-raise the device is on fire"]}
            """);

        var error = await Assert.ThrowsAsync<TestShellError>(() => session.Session.RunDefinitionsAsync(session.Overlay));

        Assert.Equal(("Test", "the device is on fire"), (error.ErrorType, error.Message));
        Assert.Equal("fail", Assert.Single(_sink.Results, r => r.Suite == "lava").Result);
    }

    [Fact]
    public async Task Multinode_calls_must_reach_the_api_and_its_answer_must_reach_the_helper()
    {
        var api = new ScriptedMultinode();
        var fetched = await TestShellFixtures.FetchAsync("""
            - from: inline
              name: mn
              path: inline/mn.yaml
              repository:
                metadata: {format: Lava-Test Test Definition 1.0, name: mn}
                run:
                  steps:
                  - lava-send ready ip=10.0.0.2
                  - lava-wait go
                  - lava-test-case got-$(cut -d= -f2 mn-cache) --result pass
            """, Path.Combine(_work, "defs"));
        var overlay = Overlay.Build(new OverlayOptions { JobId = "42", ResultsDirectory = "lava-%s", Environment = [new("LAVA_MULTI_NODE_CACHE", "mn-cache")] }, fetched);
        var session = new TestShellSession(_console, _sink, Options(TimeSpan.FromSeconds(60)), api);
        await session.TransferOverlayAsync(overlay);

        await session.RunDefinitionsAsync(overlay);

        Assert.Equal(["LAVA_SEND ready ip=10.0.0.2", "LAVA_WAIT go"], api.Requests);
        Assert.Equal([("0_mn", "got-yes", "pass", null, null, null)], _sink.Cases);
    }

    private TestShellOptions Options(TimeSpan timeout) => new() { Prompts = [Prompt], Timeout = timeout, ConnectionTimeout = Step };

    private async Task<(TestShellSession Session, Overlay Overlay)> TransferAsync(string definitions, TimeSpan? timeout = null)
    {
        var fetched = await TestShellFixtures.FetchAsync(definitions, Path.Combine(_work, "defs"));
        var overlay = Overlay.Build(new OverlayOptions { JobId = "42", ResultsDirectory = "lava-%s" }, fetched);
        var session = new TestShellSession(_console, _sink, Options(timeout ?? TimeSpan.FromSeconds(60)));
        await session.TransferOverlayAsync(overlay);
        return (session, overlay);
    }

    private static async Task GitAsync(string directory, params string[] arguments)
    {
        var (code, output) = await TestShellFixtures.RunAsync("git", directory, arguments);
        Assert.True(code == 0, $"git {string.Join(' ', arguments)}: {output}");
    }

    private sealed class ScriptedMultinode : IMultinodeApi
    {
        public List<string> Requests { get; } = [];

        public Task<string> RequestAsync(MultinodeRequest request, CancellationToken cancellationToken)
        {
            Requests.Add(string.Join(' ', [request.Api, request.MessageId, .. request.Arguments]));
            return Task.FromResult(request.Api == "LAVA_WAIT" ? "<LAVA_WAIT_COMPLETE 43:answer=yes>" : $"<{request.Api}_COMPLETE>");
        }
    }
}
