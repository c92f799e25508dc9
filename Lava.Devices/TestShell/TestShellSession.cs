using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Lava.Actors.Jobs;
using Lava.Devices.Consoles;

namespace Lava.Devices.TestShell;

/// <summary>
/// Runs one test action over a console at a shell prompt, as LAVA's <c>lava-test-shell</c>,
/// <c>lava-test-interactive</c> and <c>lava-test-monitor</c> actions: transfers the overlay over the prompt when asked,
/// starts <c>lava-test-runner</c> for the stage, turns the signals and parse-pattern matches into test cases and the
/// <c>lava</c> suite's run entries, answers MultiNode calls through <see cref="IMultinodeApi"/>. Failures are
/// <see cref="TestShellError"/>s (a timeout is LAVA's LAVATimeout, a closed console an Infrastructure error, TESTRAISE a
/// Test error). One action at a time.
/// </summary>
public sealed partial class TestShellSession(
    ConsoleExpect console, ITestShellSink sink, TestShellOptions options, IMultinodeApi? multinode = null, TimeProvider? clock = null)
{
    private static readonly HashSet<string> Results = ["pass", "fail", "skip", "unknown"];
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly List<Regex> _prompts = [.. options.Prompts.Select(p => new Regex(p, RegexOptions.CultureInvariant))];

    /// <summary>Unpacks <paramref name="overlay"/> on the board by typing it at the prompt (<see cref="TransferOverPrompt"/>).</summary>
    public async Task TransferOverlayAsync(Overlay overlay, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(overlay);
        var archive = overlay.ToTarGz();
        // A relative root means a shell in a directory of its own on a shared host (the board simulator): the
        // temporary file stays in that directory too, so that boards transferring at once do not mix their files.
        var commands = overlay.Root.StartsWith('/')
            ? TransferOverPrompt.Commands(archive)
            : TransferOverPrompt.Commands(archive, ".", file: "./lava-overlay.tar.gz.b64");
        sink.Log("info", $"Transferring the overlay to {overlay.Root} over the console ({archive.Length} bytes, {commands.Count} commands)");
        await PromptAsync(cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < commands.Count - 1; i++)
        {
            await console.SendLineAsync(commands[i], cancellationToken: cancellationToken).ConfigureAwait(false);
            await WaitAsync(_prompts, options.ConnectionTimeout, "transfer-overlay", cancellationToken).ConfigureAwait(false);
        }
        await console.SendLineAsync(commands[^1], cancellationToken: cancellationToken).ConfigureAwait(false);
        var done = await WaitAsync([new Regex(TransferOverPrompt.Unpacked), new Regex(TransferOverPrompt.Failed)], options.ConnectionTimeout, "transfer-overlay", cancellationToken).ConfigureAwait(false);
        await WaitAsync(_prompts, options.ConnectionTimeout, "transfer-overlay", cancellationToken).ConfigureAwait(false);
        if (done.Index == 1)
        {
            throw TestShellError.Infrastructure($"Unable to unpack the overlay in {overlay.Root} on the device");
        }
    }

    /// <summary>
    /// Runs the definitions of stage <see cref="TestShellOptions.Stage"/> of <paramref name="overlay"/>, which must be on
    /// the board, until the runner exits. Records every case through the sink.
    /// </summary>
    public async Task RunDefinitionsAsync(Overlay overlay, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(overlay);
        var deadline = _clock.GetTimestamp() + (long)(options.Timeout.TotalSeconds * _clock.TimestampFrequency);
        var run = new RunState(overlay.Stages.ElementAtOrDefault(options.Stage) ?? []);
        try
        {
            await PromptAsync(cancellationToken).ConfigureAwait(false);
            if (options.ShellCommand is { } shell)
            {
                await console.SendLineAsync($"export SHELL={shell}", cancellationToken: cancellationToken).ConfigureAwait(false);
                await WaitAsync(_prompts, options.ConnectionTimeout, "lava-test-shell", cancellationToken).ConfigureAwait(false);
            }
            sink.Log("debug", $"Using {overlay.Root}");
            await console.SendLineAsync(overlay.RunnerCommand(options.Stage), cancellationToken: cancellationToken).ConfigureAwait(false);
            sink.Log("info", $"Test shell timeout: {options.Timeout.TotalSeconds:0}s");
            while (true)
            {
                var remaining = _clock.GetElapsedTime(_clock.GetTimestamp(), deadline);
                List<Regex> patterns = [SignalParser.Pattern];
                if (run.Pattern is { } parse)
                {
                    patterns.Add(parse.Regex);
                }
                var match = await WaitAsync(patterns, remaining, "lava-test-shell", cancellationToken, options.Timeout).ConfigureAwait(false);
                if (match.Index == 1)
                {
                    if (run.Pattern!.ToCase(match.Match) is { } found)
                    {
                        Record(run, found.Id, found.Result, found.Measurement, found.Units, null);
                    }
                    continue;
                }
                if (await OnSignalAsync(run, SignalParser.Parse(match.Text), cancellationToken).ConfigureAwait(false))
                {
                    break;
                }
            }
        }
        finally
        {
            if (run.Current is { } unfinished)
            {
                sink.Log("error", "Marking unfinished test run as failed");
                RecordLava(unfinished.Case, "fail", unfinished.Started, unfinished.Extra);
            }
        }
        if (run.Error is { } error)
        {
            throw TestShellError.Test(error);
        }
    }

    // True when the runner has exited.
    private async Task<bool> OnSignalAsync(RunState run, ShellSignal signal, CancellationToken ct)
    {
        var line = sink.Log("debug", $"Received signal: {signal}");
        switch (signal)
        {
            case RunnerExit:
                sink.Log("info", "ok: lava_test_shell seems to have completed");
                return true;
            case RunnerInstallFail:
                sink.Log("error", $"Unable to start stage {options.Stage}. Read the log for more details.");
                run.Error = $"Unable to start test stage {options.Stage}";
                run.Current = new OpenRun($"stage_{options.Stage}", _clock.GetTimestamp(), new Dictionary<string, string>());
                break;
            case StartRun start:
                StartRun(run, start);
                break;
            case EndRun end:
                EndRun(run, end);
                break;
            case StartTestCase tc:
                run.CaseStart[tc.Id] = line;
                break;
            case EndTestCase tc:
                run.CaseEnd[tc.Id] = line;
                break;
            case TestCase tc:
                OnTestCase(run, tc);
                break;
            case TestSetStart set:
                sink.Log("info", $"Starting test_set {set.Name}");
                run.Set = set.Name;
                break;
            case TestSetStop:
                sink.Log("info", $"Closing test_set {run.Set}");
                run.Set = null;
                break;
            case TestReference reference:
                Record(run, reference.Id, reference.Result, null, null, new Dictionary<string, string> { ["reference"] = reference.Url }, validate: false);
                break;
            case TestRaise raise:
                throw TestShellError.Test(raise.Message);
            case TestEvent e:
                sink.Log("event", e.Message);
                break;
            case TestFeedback feedback:
                sink.Log("error", $"{feedback.Namespace} is not a valid namespace");
                break;
            case MultinodeRequest request:
                await AnswerAsync(request, ct).ConfigureAwait(false);
                break;
            case MalformedSignal bad:
                sink.Log("error", $"{bad.Reason}: {bad.Text}");
                break;
        }
        return false;
    }

    private void StartRun(RunState run, StartRun start)
    {
        sink.Log("info", $"Starting test lava.{start.Definition} ({start.Uuid})");
        run.Definition = run.Definitions.FirstOrDefault(d => d.RunName == start.Definition);
        run.Pattern = run.Definition?.Parse;
        if (run.Pattern is { } pattern)
        {
            sink.Log("info", $"Enabling test definition pattern '{pattern.Source}'");
        }
        run.RunName = start.Definition;
        run.Ids.Clear();
        var extra = new Dictionary<string, string> { ["uuid"] = start.Uuid };
        if (run.Definition?.CommitId is { } commit)
        {
            extra["commit_id"] = commit;
        }
        run.Current = new OpenRun(start.Definition, _clock.GetTimestamp(), extra);
    }

    private void EndRun(RunState run, EndRun end)
    {
        var started = run.Current?.Started ?? _clock.GetTimestamp();
        sink.Log("info", "Ending use of test pattern.");
        sink.Log("info", $"Ending test lava.{end.Definition} ({end.Uuid}), duration {Seconds(started)}");
        var definition = run.Definitions.FirstOrDefault(d => d.RunName == end.Definition);
        var extra = new Dictionary<string, string>
        {
            ["uuid"] = end.Uuid,
            ["repository"] = definition?.Repository ?? "",
            ["path"] = definition?.Path ?? "",
            ["revision"] = definition?.Revision ?? "unspecified",
            ["namespace"] = options.Namespace,
        };
        if (definition?.CommitId is { } commit)
        {
            extra["commit_id"] = commit;
        }
        run.Current = null;
        run.Pattern = null;
        RecordLava(end.Definition, "pass", started, extra);
    }

    private void OnTestCase(RunState run, TestCase tc)
    {
        if (run.RunName is null)
        {
            sink.Log("error", "Unknown test uuid. The STARTRUN signal for this test action was not received correctly.");
            throw TestShellError.Test("Invalid TESTCASE signal");
        }
        var result = run.Definition?.Parse?.Fixup.GetValueOrDefault(tc.Result) ?? tc.Result;
        if (!Results.Contains(result))
        {
            sink.Log("error", $"Bad test result: {tc.Result}");
            return;
        }
        string? measurement = null;
        if (tc.Measurement is { } raw)
        {
            try
            {
                measurement = ParsePattern.Measurement(raw);
            }
            catch (TestShellError e)
            {
                sink.Log("error", e.Message);
                return;
            }
        }
        if (!run.Ids.Add(tc.Id))
        {
            throw TestShellError.Job($"Duplicate test_case_id in results: {tc.Id}");
        }
        var extra = new Dictionary<string, string>();
        if (run.CaseStart.Remove(tc.Id, out var first))
        {
            extra["starttc"] = first.ToString(CultureInfo.InvariantCulture);
        }
        if (run.CaseEnd.Remove(tc.Id, out var last))
        {
            extra["endtc"] = last.ToString(CultureInfo.InvariantCulture);
        }
        Record(run, tc.Id, result, measurement, measurement is null ? null : tc.Units, extra, validate: false);
    }

    private void Record(RunState run, string id, string result, string? measurement, string? units, Dictionary<string, string>? extra, bool validate = true)
    {
        if (validate && !Results.Contains(result))
        {
            return;
        }
        var suite = run.RunName ?? "lava";
        var map = new Dictionary<string, string> { ["definition"] = suite, ["case"] = id, ["result"] = result };
        if (measurement is not null)
        {
            map["measurement"] = measurement;
            if (units is not null)
            {
                map["units"] = units;
            }
        }
        if (run.Set is { } set)
        {
            map["set"] = set;
        }
        foreach (var (key, value) in extra ?? [])
        {
            map[key] = value;
        }
        var line = sink.Log("results", JsonSerializer.Serialize(map));
        sink.Result(new TestCaseResult(suite, id, result, measurement, units, run.Set, line, _clock.GetUtcNow(), extra is { Count: > 0 } ? extra : null));
    }

    private void RecordLava(string name, string result, long started, IReadOnlyDictionary<string, string> details)
    {
        var duration = Seconds(started);
        var map = new Dictionary<string, string> { ["definition"] = "lava", ["case"] = name, ["result"] = result, ["duration"] = duration };
        foreach (var (key, value) in details)
        {
            map[key] = value;
        }
        var line = sink.Log("results", JsonSerializer.Serialize(map));
        var extra = new Dictionary<string, string>(details) { ["duration"] = duration };
        sink.Result(new TestCaseResult("lava", name, result, duration, "seconds", null, line, _clock.GetUtcNow(), extra));
    }

    private string Seconds(long started) => _clock.GetElapsedTime(started).TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);

    private async Task AnswerAsync(MultinodeRequest request, CancellationToken ct)
    {
        string answer;
        if (multinode is null)
        {
            sink.Log("error", $"{request.Api} {request.MessageId}: not a MultiNode job");
            answer = $"<{request.Api}_NACK not a MultiNode job>";
        }
        else
        {
            answer = await multinode.RequestAsync(request, ct).ConfigureAwait(false);
        }
        await console.SendLineAsync(answer, cancellationToken: ct).ConfigureAwait(false);
    }

    // Forces a fresh prompt, as LAVA sends its check character.
    private async Task PromptAsync(CancellationToken ct)
    {
        console.DiscardUnmatched();
        await console.SendLineAsync("#", cancellationToken: ct).ConfigureAwait(false);
        await WaitAsync(_prompts, options.ConnectionTimeout, "lava-test-shell", ct).ConfigureAwait(false);
    }

    /// <summary>An expect whose failures are LAVA's: a timeout is a LAVATimeout error naming <paramref name="action"/>, a closed console an Infrastructure error.</summary>
    private async Task<ExpectMatch> WaitAsync(IReadOnlyList<Regex> patterns, TimeSpan timeout, string action, CancellationToken ct, TimeSpan? reported = null)
    {
        try
        {
            if (timeout <= TimeSpan.Zero)
            {
                throw new ConsoleTimeoutException([.. patterns.Select(p => p.ToString())], TimeSpan.Zero, "");
            }
            return await console.ExpectAsync(patterns, timeout, ct).ConfigureAwait(false);
        }
        catch (ConsoleTimeoutException e)
        {
            sink.Log("error", e.Message);
            throw TestShellError.Timeout($"{action} timed out after {(reported ?? timeout).TotalSeconds:0} seconds", e);
        }
        catch (ConsoleClosedException e)
        {
            throw TestShellError.Infrastructure($"{action} connection dropped: {e.Message}", e);
        }
    }

    private sealed record OpenRun(string Case, long Started, IReadOnlyDictionary<string, string> Extra);

    private sealed class RunState(IReadOnlyList<TestDefinition> definitions)
    {
        public IReadOnlyList<TestDefinition> Definitions { get; } = definitions;
        public TestDefinition? Definition { get; set; }
        public string? RunName { get; set; }
        public ParsePattern? Pattern { get; set; }
        public string? Set { get; set; }
        public OpenRun? Current { get; set; }
        public string? Error { get; set; }
        public HashSet<string> Ids { get; } = [];
        public Dictionary<string, long> CaseStart { get; } = [];
        public Dictionary<string, long> CaseEnd { get; } = [];
    }
}
