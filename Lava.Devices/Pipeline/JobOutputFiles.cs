using Lava.Actors.Jobs;
using Lava.Actors.Jobs.Logs;
using Lava.Devices.Runs;

namespace Lava.Devices.Pipeline;

/// <summary>
/// <see cref="IJobOutput"/> on the job directory through its <see cref="SpoolWriter"/>: log lines to <c>output.yaml</c>,
/// test cases to <c>results.jsonl</c>, each case first logged as LAVA's <c>results</c> line, and <c>end.json</c> last.
/// Line numbers go on from what an earlier run of the same directory wrote.
/// </summary>
public sealed class JobOutputFiles : IJobOutput, IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly SpoolWriter _spool;
    private readonly TimeProvider _clock;

    /// <summary>Opens (or creates) the output files in <paramref name="directory"/>.</summary>
    public JobOutputFiles(string directory, TimeProvider? clock = null)
    {
        _spool = SpoolWriter.Open(new JobDirectory(directory));
        _clock = clock ?? TimeProvider.System;
    }

    public long Log(string level, string message) => _spool.Log(LogRecord.Text(_clock.GetUtcNow(), level, message));

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
        // The results line and the case together, so that no other line comes between them.
        lock (_gate)
        {
            var line = _spool.Log(new LogRecord(_clock.GetUtcNow(), "results", LogMap.Of([.. entries])));
            _spool.Result(result with { LogLine = line });
            return line;
        }
    }

    public Task EndAsync(string result, string errorType, string errors) => _spool.EndAsync(new RunEnd(result, errorType, errors));

    public ValueTask DisposeAsync() => _spool.DisposeAsync();
}
