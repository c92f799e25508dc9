using System.Text;
using System.Text.Json;
using Lava.Actors.Jobs;
using Lava.Actors.Jobs.Logs;

namespace Lava.Devices.Pipeline;

/// <summary>
/// <see cref="IJobOutput"/> on the job directory, as the runner's contract says: <c>output.yaml</c> (one
/// <see cref="LogLine"/> a line, flushed at once), <c>results.jsonl</c> (one <see cref="TestCaseResult"/> a line,
/// Web JSON) and, last, <c>end.json</c> written to a temporary file and renamed. Appends to files already there, so
/// line numbers go on from what an earlier run of the same directory wrote.
/// </summary>
public sealed class JobOutputFiles : IJobOutput, IDisposable
{
    /// <summary>The log file's name in the job directory.</summary>
    public const string LogFile = "output.yaml";

    /// <summary>The test cases file's name.</summary>
    public const string ResultsFile = "results.jsonl";

    /// <summary>The end file's name.</summary>
    public const string EndFile = "end.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly object _gate = new();
    private readonly string _directory;
    private readonly TimeProvider _clock;
    private readonly FileStream _log;
    private readonly FileStream _results;
    private long _lines;

    /// <summary>Opens (or creates) the output files in <paramref name="directory"/>.</summary>
    public JobOutputFiles(string directory, TimeProvider? clock = null)
    {
        _directory = directory;
        _clock = clock ?? TimeProvider.System;
        _lines = CountCompleteLines(Path.Combine(directory, LogFile));
        _log = new FileStream(Path.Combine(directory, LogFile), FileMode.Append, FileAccess.Write, FileShare.Read);
        _results = new FileStream(Path.Combine(directory, ResultsFile), FileMode.Append, FileAccess.Write, FileShare.Read);
    }

    public long Log(string level, string message) => Append(LogRecord.Text(_clock.GetUtcNow(), level, message));

    public long Result(TestCaseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var entries = new List<(string, LogValue)>
        {
            ("case", new LogText(result.Name)),
            ("definition", new LogText(result.Suite)),
            ("result", new LogText(result.Result)),
        };
        if (result.Measurement is { } measurement) entries.Add(("measurement", new LogText(measurement)));
        if (result.Units is { } units) entries.Add(("units", new LogText(units)));
        if (result.Set is { } set) entries.Add(("set", new LogText(set)));
        foreach (var (key, value) in result.Extra ?? new Dictionary<string, string>())
        {
            entries.Add((key, new LogText(value)));
        }
        lock (_gate)
        {
            var line = Append(new LogRecord(_clock.GetUtcNow(), "results", LogMap.Of([.. entries])));
            var json = JsonSerializer.Serialize(result with { LogLine = line }, Json);
            _results.Write(Encoding.UTF8.GetBytes(json + "\n"));
            _results.Flush();
            return line;
        }
    }

    public async Task EndAsync(string result, string errorType, string errors)
    {
        var json = JsonSerializer.Serialize(new { result, errorType, errors }, Json);
        var temp = Path.Combine(_directory, EndFile + ".tmp");
        await File.WriteAllTextAsync(temp, json + "\n").ConfigureAwait(false);
        File.Move(temp, Path.Combine(_directory, EndFile), overwrite: true);
    }

    public void Dispose()
    {
        _log.Dispose();
        _results.Dispose();
    }

    private long Append(LogRecord record)
    {
        var bytes = Encoding.UTF8.GetBytes(LogLine.Format(record) + "\n");
        lock (_gate)
        {
            _log.Write(bytes); // one write a line: a reader never sees a line without its end unless we die mid-write
            _log.Flush();
            return _lines++;
        }
    }

    // A restarted runner goes on after the last complete line; an unterminated tail does not count (the contract).
    private static long CountCompleteLines(string path)
    {
        if (!File.Exists(path)) return 0;
        long count = 0;
        foreach (var b in File.ReadAllBytes(path))
        {
            if (b == '\n') count++;
        }
        return count;
    }
}
