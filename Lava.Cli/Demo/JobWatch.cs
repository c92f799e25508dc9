using System.Globalization;
using System.Text.Json;
using Lava.Actors.Jobs.Logs;
using Lava.Cli.Api;

namespace Lava.Cli.Demo;

/// <summary>How a watched job ended, and the test cases it recorded outside the <c>lava</c> suite.</summary>
internal sealed record WatchedJob(long Id, string Health, string ErrorType, string FailureComment, IReadOnlyList<JsonElement> Cases, int TestCases);

/// <summary>
/// Submits a job and follows it to its end, printing its log as it grows (one line per record, console text as it
/// came) and a progress line with its state and the lines so far each time the state changes; then reads its results.
/// </summary>
internal sealed class JobWatch(MasterClient client, TextWriter output)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    /// <summary>Submits <paramref name="definition"/> and returns the job's id.</summary>
    public async Task<long> SubmitAsync(string definition, CancellationToken ct)
    {
        var submitted = await client.PostAsync("jobs/", new { definition }, ct);
        return submitted.GetProperty("job_ids")[0].GetInt64();
    }

    /// <summary>Follows job <paramref name="id"/> until it is Finished or <paramref name="deadline"/> passes (then throws <see cref="DemoException"/>).</summary>
    public async Task<WatchedJob> FollowAsync(long id, TimeSpan deadline, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(deadline);
        long next = 0;
        var state = "";
        try
        {
            while (true)
            {
                var job = await client.GetAsync($"jobs/{id}/", timeout.Token);
                var nowState = job.GetProperty("state").GetString() ?? "";
                next = await PrintLogAsync(id, next, timeout.Token);
                if (nowState != state)
                {
                    state = nowState;
                    var device = job.GetProperty("actual_device").GetString();
                    output.WriteLine($"lava: job {id} {state}{(device is null ? "" : " on " + device)}, {next} log lines");
                }
                if (state == "Finished")
                {
                    next = await PrintLogAsync(id, next, timeout.Token);
                    return await ResultAsync(id, job, timeout.Token);
                }
                await Task.Delay(Poll, timeout.Token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new DemoException($"job {id} did not finish within {deadline.TotalMinutes:0} minutes (state {state}, {next} log lines)");
        }
    }

    private async Task<long> PrintLogAsync(long id, long next, CancellationToken ct)
    {
        string text;
        try
        {
            text = await client.GetTextAsync($"jobs/{id}/logs/?start={next.ToString(CultureInfo.InvariantCulture)}", ct);
        }
        catch (MasterApiException)
        {
            // No log yet.
            return next;
        }
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            next++;
            output.WriteLine(Render(line));
        }
        return next;
    }

    private static string Render(string line)
    {
        try
        {
            var record = LogLine.Parse(line);
            return $"  {record.Level,-7} {Text(record.Msg)}";
        }
        catch (FormatException)
        {
            return "  " + line;
        }
    }

    private static string Text(LogValue value) => value switch
    {
        LogText t => t.Value,
        LogMap m => "{" + string.Join(", ", m.Entries.Select(e => $"{e.Key}: {Text(e.Value)}")) + "}",
        LogInteger i => i.Value.ToString(CultureInfo.InvariantCulture),
        LogFloat f => f.Value.ToString(CultureInfo.InvariantCulture),
        _ => "",
    };

    private async Task<WatchedJob> ResultAsync(long id, JsonElement job, CancellationToken ct)
    {
        var tests = await client.GetAsync($"jobs/{id}/tests/?limit=1000", ct);
        var cases = tests.GetProperty("results").EnumerateArray().Select(c => c.Clone()).ToList();
        return new WatchedJob(
            id,
            job.GetProperty("health").GetString() ?? "",
            job.GetProperty("error_type").GetString() ?? "",
            job.GetProperty("failure_comment").GetString() ?? "",
            cases,
            cases.Count(c => c.GetProperty("suite").GetString() != "lava"));
    }

    /// <summary>Prints the job's test cases as a table: suite, test, result, measurement.</summary>
    public void PrintResults(WatchedJob job)
    {
        var rows = job.Cases.Select(c => (
            Suite: c.GetProperty("suite").GetString() ?? "",
            Name: c.GetProperty("name").GetString() ?? "",
            Result: c.GetProperty("result").GetString() ?? "",
            Measurement: c.GetProperty("measurement").GetString() is { } m ? m + (c.GetProperty("unit").GetString() is { Length: > 0 } u ? " " + u : "") : "")).ToList();
        var widths = new[]
        {
            Math.Max(5, rows.Select(r => r.Suite.Length).DefaultIfEmpty().Max()),
            Math.Max(4, rows.Select(r => r.Name.Length).DefaultIfEmpty().Max()),
            6,
        };
        output.WriteLine();
        output.WriteLine($"{"suite".PadRight(widths[0])}  {"test".PadRight(widths[1])}  {"result".PadRight(widths[2])}  measurement");
        output.WriteLine($"{new string('-', widths[0])}  {new string('-', widths[1])}  {new string('-', widths[2])}  -----------");
        foreach (var r in rows)
        {
            output.WriteLine($"{r.Suite.PadRight(widths[0])}  {r.Name.PadRight(widths[1])}  {r.Result.PadRight(widths[2])}  {r.Measurement}");
        }
        output.WriteLine();
        var failures = job.FailureComment.Length > 0 ? $" ({job.ErrorType}: {job.FailureComment})" : "";
        output.WriteLine($"job {job.Id}: {job.Health}{failures}; {job.TestCases} test cases, " +
            $"{rows.Count(r => r.Suite != "lava" && r.Result == "pass")} passed, {rows.Count(r => r.Suite != "lava" && r.Result == "fail")} failed");
    }
}
