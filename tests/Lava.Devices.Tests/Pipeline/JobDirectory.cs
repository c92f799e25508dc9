using System.Collections.Immutable;
using System.Text.Json;
using Lava.Actors.Jobs;
using Lava.Actors.Jobs.Logs;
using Lava.Devices.BoardSimulator;
using Lava.Devices.Pipeline;
using Lava.Devices.Tests.BoardSimulator;
using Xunit;

namespace Lava.Devices.Tests.Pipeline;

/// <summary>
/// A job directory in a temporary folder, as the device actor prepares it (job.yaml, device.yaml, run.json), with
/// readers for what the runner wrote. <see cref="WithBoard"/> adds a simulated board and its PDU, and a device
/// configuration rendered from <c>lava-sim.jinja2</c> whose power commands reach that PDU.
/// </summary>
internal sealed class JobDirectory : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private JobDirectory(string path) => Path = path;

    public string Path { get; }

    public SimulatedBoard? Board { get; private set; }

    public SimulatedPdu? Pdu { get; private set; }

    public static JobDirectory Create()
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "lava-job-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        var directory = new JobDirectory(path);
        directory.Write("device.yaml", "{}\n");
        directory.Write("run.json", """{"jobId":7,"device":"sim-01","worker":"w1","jobTimeoutSeconds":0,"fileServer":"http://127.0.0.1:8080/jobs/7/"}""");
        return directory;
    }

    /// <summary>Starts a board (outlet 1 of a PDU) and renders the device configuration for it.</summary>
    public static JobDirectory WithBoard(BoardFaults? faults = null, Func<SimulatedBoardOptions, SimulatedBoardOptions>? options = null, string extra = "")
    {
        var directory = Create();
        var boardOptions = SimulatedBoardSpec.Fast() with { Faults = faults ?? BoardFaults.None, AutobootSeconds = 2 };
        directory.Board = SimulatedBoard.Start(options is null ? boardOptions : options(boardOptions));
        directory.Pdu = SimulatedPdu.Start(new SimulatedPduOptions
        {
            Name = "pdu-01",
            Outlets = ImmutableDictionary<int, SimulatedBoard>.Empty.Add(1, directory.Board),
            RebootDelay = TimeSpan.FromMilliseconds(20),
        });
        var script = directory.Pdu.WriteShellClient(System.IO.Path.Combine(directory.Path, "sim-pdu.sh"));
        directory.Write("device.yaml", LavaSimTemplateSpec.Render(directory.Board.Port, "bash " + script, 1, extra));
        return directory;
    }

    public string Write(string name, string text)
    {
        var path = System.IO.Path.Combine(Path, name);
        File.WriteAllText(path, text.EndsWith('\n') ? text : text + "\n");
        return path;
    }

    /// <summary>Runs the job to its end; fails the test when it does not end within <paramref name="within"/>.</summary>
    public async Task RunAsync(CancellationToken stop = default, TimeSpan? within = null)
    {
        var run = JobRunner.RunAsync(Path, stop);
        var limit = within ?? TimeSpan.FromSeconds(90);
        if (await Task.WhenAny(run, Task.Delay(limit)) != run)
        {
            Assert.Fail($"the job did not end within {limit}; its log:\n{string.Join("\n", LogText())}");
        }
        Assert.Equal(0, await run);
    }

    public (string Result, string ErrorType, string Errors) End()
    {
        using var end = JsonDocument.Parse(File.ReadAllText(System.IO.Path.Combine(Path, "end.json")));
        return (end.RootElement.GetProperty("result").GetString()!, end.RootElement.GetProperty("errorType").GetString()!, end.RootElement.GetProperty("errors").GetString()!);
    }

    public IReadOnlyList<LogRecord> Log() =>
        File.Exists(System.IO.Path.Combine(Path, "output.yaml"))
            ? [.. File.ReadAllLines(System.IO.Path.Combine(Path, "output.yaml")).Select(LogLine.Parse)]
            : [];

    public IEnumerable<string> LogText() => Log().Select(r => $"{r.Level}: {(r.Msg as LogText)?.Value ?? r.Msg.ToString()}");

    public IReadOnlyList<TestCaseResult> Results() =>
        [.. File.ReadAllLines(System.IO.Path.Combine(Path, "results.jsonl")).Select(l => JsonSerializer.Deserialize<TestCaseResult>(l, Json)!)];

    /// <summary>Waits until the log has a line satisfying <paramref name="predicate"/> (the runner flushes each line).</summary>
    public async Task WaitForLogAsync(Func<LogRecord, bool> predicate, string what)
    {
        var deadline = DateTime.UtcNow + ConsoleClient.Deadline * 4;
        while (!Log().Any(predicate))
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"no log line {what}; the log:\n{string.Join("\n", LogText())}");
            }
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Pdu is not null) await Pdu.DisposeAsync();
        if (Board is not null) await Board.DisposeAsync();
        if (Environment.GetEnvironmentVariable("LAVA_KEEP_JOB_DIRS") is { Length: > 0 } keep)
        {
            Directory.Move(Path, System.IO.Path.Combine(keep, System.IO.Path.GetFileName(Path)));
            return;
        }
        Directory.Delete(Path, recursive: true);
    }
}
