using Lava.Actors.Jobs;

namespace Lava.Devices.Pipeline;

/// <summary>
/// Where a job's pipeline writes what it reports: log lines, test cases and the end. Safe to call from several
/// threads (the console's reader logs while the pipeline logs). <see cref="JobOutputFiles"/> writes the job
/// directory's <c>output.yaml</c>, <c>results.jsonl</c> and <c>end.json</c>.
/// </summary>
public interface IJobOutput
{
    /// <summary>Appends a log line with LAVA's <paramref name="level"/> (info, debug, target, input, error...); returns its 0-based number.</summary>
    long Log(string level, string message);

    /// <summary>Logs the case as a <c>results</c> line and records it with that line's number; returns the number.</summary>
    long Result(TestCaseResult result);

    /// <summary>Writes the job's end (<c>pass</c>/<c>fail</c>, LAVA's error type or "", the error text); the last call.</summary>
    Task EndAsync(string result, string errorType, string errors);
}
