using System.Diagnostics;
using Lava.Actors.Jobs;
using Lava.Actors.Jobs.Definition;
using Lava.Devices.TestShell;

namespace Lava.Devices.Tests.TestShell;

/// <summary>Definitions, a recording sink and a process runner for the test shell's specs.</summary>
internal static class TestShellFixtures
{
    /// <summary>An inline definition with passing, failing and measured cases, a test set and a parameter.</summary>
    public const string SmokeDefinitions = """
        - from: inline
          name: smoke
          path: inline/smoke.yaml
          parameters: {GREETING: "hello world"}
          repository:
            metadata: {format: Lava-Test Test Definition 1.0, name: smoke}
            params: {GREETING: unset, LOOPS: 3}
            run:
              steps:
              - lava-test-case always-true --shell true
              - lava-test-case always-false --shell false
              - lava-test-case boot-time --result pass --measurement 12.7 --units s
              - lava-test-set start network
              - lava-test-case ping --result fail
              - lava-test-set stop
              - test "$GREETING" = "hello world" && test "$LOOPS" = 3 && lava-test-case params --result pass
        """;

    public static IReadOnlyList<object?> Definitions(string yaml) => (List<object?>)JobDefinitionParser.Parse(yaml)!;

    public static async Task<IReadOnlyList<TestDefinition>> FetchAsync(string yaml, string work) =>
        await new TestDefinitionSource().FetchAllAsync(Definitions(yaml), work);

    public static async Task<(int Code, string Output)> RunAsync(string file, string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(deadline.Token);
        return (process.ExitCode, await output + await error);
    }
}

/// <summary>Keeps what a session logs and records; log lines are numbered from 1.</summary>
internal sealed class RecordingSink : ITestShellSink
{
    private readonly List<(string Level, string Message)> _log = [];
    private readonly List<TestCaseResult> _results = [];

    public IReadOnlyList<(string Level, string Message)> LogRecords => [.. _log];

    public IReadOnlyList<TestCaseResult> Results => [.. _results];

    public long Log(string level, string message)
    {
        _log.Add((level, message));
        return _log.Count;
    }

    public void Result(TestCaseResult result) => _results.Add(result);

    /// <summary>(suite, name, result, measurement, units, set) of every result but the lava suite's.</summary>
    public IReadOnlyList<(string, string, string, string?, string?, string?)> Cases =>
        [.. _results.Where(r => r.Suite != "lava").Select(r => (r.Suite, r.Name, r.Result, r.Measurement, r.Units, r.Set))];
}
