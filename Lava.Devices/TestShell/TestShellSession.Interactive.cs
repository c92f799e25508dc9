using System.Text.RegularExpressions;

namespace Lava.Devices.TestShell;

public sealed partial class TestShellSession
{
    /// <summary>
    /// Runs a test action's <c>interactive</c> scripts (§1.7): per script a <c>lava</c> result
    /// <c>&lt;stage&gt;_&lt;name&gt;</c>, per named command a result in suite <c>&lt;stage&gt;_&lt;name&gt;</c>. An
    /// unnamed command that fails is a TestError; a failure with <c>exception</c> raises that error type.
    /// </summary>
    public async Task RunInteractiveAsync(IReadOnlyList<object?> scripts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scripts);
        var deadline = _clock.GetTimestamp() + (long)(options.Timeout.TotalSeconds * _clock.TimestampFrequency);
        var substitutions = new Dictionary<string, string>(options.Substitutions);
        foreach (var script in scripts.OfType<OrderedDictionary<object, object?>>())
        {
            var name = TreeText.Scalar(script.GetValueOrDefault("name"));
            var suite = $"{options.Stage}_{name}";
            var prompts = Texts(script.GetValueOrDefault("prompts")).Select(p => Compile(p)).ToList();
            var started = _clock.GetTimestamp();
            var result = "fail";
            try
            {
                var run = new RunState([]) { RunName = suite };
                foreach (var command in (script.GetValueOrDefault("script") as List<object?> ?? []).OfType<OrderedDictionary<object, object?>>())
                {
                    await RunCommandAsync(run, prompts, command, substitutions, deadline, cancellationToken).ConfigureAwait(false);
                }
                result = "pass";
            }
            finally
            {
                RecordLava(suite, result, started, new Dictionary<string, string>());
            }
        }
    }

    /// <summary>
    /// Runs a test action's <c>monitors</c> (§1.7): no shell; waits for <c>start</c>, then records a result in suite
    /// <c>name</c> for each match of <c>pattern</c> until <c>end</c>. A missing start or end is a LAVATimeout error
    /// (results already recorded stay).
    /// </summary>
    public async Task RunMonitorsAsync(IReadOnlyList<object?> monitors, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(monitors);
        var deadline = _clock.GetTimestamp() + (long)(options.Timeout.TotalSeconds * _clock.TimestampFrequency);
        foreach (var monitor in monitors.OfType<OrderedDictionary<object, object?>>())
        {
            var name = TreeText.Scalar(monitor.GetValueOrDefault("name"));
            var pattern = ParsePattern.FromBlock(monitor.GetValueOrDefault("pattern"), monitor.GetValueOrDefault("fixupdict"));
            var start = Compile(TreeText.Scalar(monitor.GetValueOrDefault("start")));
            var end = Compile(TreeText.Scalar(monitor.GetValueOrDefault("end")));
            var run = new RunState([]) { RunName = name };
            await WaitAsync([start], Remaining(deadline), "lava-test-monitor", cancellationToken, options.Timeout).ConfigureAwait(false);
            while ((await WaitAsync([end, pattern.Regex], Remaining(deadline), "lava-test-monitor", cancellationToken, options.Timeout).ConfigureAwait(false)) is { Index: 1 } match)
            {
                if (pattern.ToCase(match.Match) is { } found)
                {
                    Record(run, found.Id, found.Result, found.Measurement, found.Units, null);
                }
            }
        }
    }

    private async Task RunCommandAsync(
        RunState run, List<Regex> prompts, OrderedDictionary<object, object?> step, Dictionary<string, string> substitutions, long deadline, CancellationToken ct)
    {
        if (await MultinodeStepAsync(step, substitutions, ct).ConfigureAwait(false))
        {
            return;
        }
        var named = step.GetValueOrDefault("name") is { } n ? TreeText.Scalar(n) : null;
        var command = step.GetValueOrDefault("command") is { } c ? Substitute(TreeText.Scalar(c), substitutions) : null;
        var failures = Messages(step, "failures");
        var successes = Messages(step, "successes");
        var result = "fail";
        try
        {
            if (command is not null)
            {
                sink.Log("info", $"Sending '{command}'");
                await console.SendLineAsync(command, cancellationToken: ct).ConfigureAwait(false);
            }
            List<Regex> expected = [.. prompts, .. failures.Select(f => f.Pattern), .. successes.Select(s => s.Pattern)];
            var match = await WaitAsync(expected, Remaining(deadline), "lava-test-interactive", ct, options.Timeout).ConfigureAwait(false);
            if (match.Index < prompts.Count)
            {
                if (successes.Count > 0)
                {
                    sink.Log("error", $"Matched a prompt (was expecting a success): '{match.Pattern}'");
                }
                else
                {
                    result = "pass";
                }
                return;
            }
            if (match.Index < prompts.Count + failures.Count)
            {
                var failure = failures[match.Index - prompts.Count];
                sink.Log("error", $"Matched a failure: '{match.Pattern}'");
                if (failure.Exception is { } exception)
                {
                    throw Raise(exception, failure.Error ?? match.Pattern.ToString());
                }
            }
            else
            {
                sink.Log("info", $"Matched a success: '{match.Pattern}'");
                foreach (var group in match.Match.Groups.Values.Where(g => g.Success && !int.TryParse(g.Name, out _)))
                {
                    substitutions[$"{{{group.Name}}}"] = group.Value;
                }
                result = "pass";
            }
            if (step.GetValueOrDefault("wait_for_prompt") is not false)
            {
                await WaitAsync(prompts, Remaining(deadline), "lava-test-interactive", ct, options.Timeout).ConfigureAwait(false);
            }
        }
        finally
        {
            if (named is not null)
            {
                Record(run, named, result, null, null, null);
            }
        }
        if (named is null && result == "fail")
        {
            throw TestShellError.Test($"Failed to run command '{command}'");
        }
    }

    // The MultiNode steps of an interactive script (lava-send, lava-wait, lava-wait-all, lava-sync); false for others.
    private async Task<bool> MultinodeStepAsync(OrderedDictionary<object, object?> step, Dictionary<string, string> substitutions, CancellationToken ct)
    {
        var api = step.Keys.OfType<string>().FirstOrDefault(k => k is "lava-send" or "lava-wait" or "lava-wait-all" or "lava-sync");
        if (api is null)
        {
            return false;
        }
        var words = Substitute(TreeText.Scalar(step[api]), substitutions).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (multinode is null || words.Length == 0)
        {
            throw TestShellError.Job($"{api} needs a MultiNode job and a message id");
        }
        var request = new MultinodeRequest("LAVA_" + api[5..].Replace('-', '_').ToUpperInvariant(), words[0], words[1..]);
        var answer = await multinode.RequestAsync(request, ct).ConfigureAwait(false);
        sink.Log("info", $"{api} result: {answer}");
        if (answer.Contains("_NACK", StringComparison.Ordinal))
        {
            throw TestShellError.Test($"Nack reply from coordinator for {api} {words[0]}");
        }
        foreach (var item in answer.Trim('<', '>').Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1))
        {
            var pair = item[(item.IndexOf(':', StringComparison.Ordinal) + 1)..];
            if (pair.Split('=', 2) is [var key, var value])
            {
                substitutions[$"{{{key}}}"] = value;
            }
        }
        return true;
    }

    private static TestShellError Raise(string exception, string message) => exception switch
    {
        "InfrastructureError" => TestShellError.Infrastructure(message),
        "JobError" => TestShellError.Job(message),
        "TestError" => TestShellError.Test(message),
        _ => TestShellError.Job($"Unknown exception '{exception}' with '{message}'"),
    };

    private sealed record Expected(Regex Pattern, string? Exception, string? Error);

    private static List<Expected> Messages(OrderedDictionary<object, object?> step, string key) =>
        [.. (step.GetValueOrDefault(key) as List<object?> ?? []).OfType<OrderedDictionary<object, object?>>().Select(m => new Expected(
            Compile(TreeText.Scalar(m.GetValueOrDefault("message"))),
            m.GetValueOrDefault("exception") is { } e ? TreeText.Scalar(e) : null,
            m.GetValueOrDefault("error") is { } r ? TreeText.Scalar(r) : null))];

    private static IEnumerable<string> Texts(object? value) => value switch
    {
        List<object?> list => list.Select(TreeText.Scalar),
        null => [],
        _ => [TreeText.Scalar(value)],
    };

    private static Regex Compile(string pattern) => ParsePattern.Create(pattern).Regex;

    private static string Substitute(string text, IReadOnlyDictionary<string, string> substitutions) =>
        substitutions.Aggregate(text, (current, s) => current.Replace(s.Key, s.Value, StringComparison.Ordinal));

    private TimeSpan Remaining(long deadline) => _clock.GetElapsedTime(_clock.GetTimestamp(), deadline);
}
