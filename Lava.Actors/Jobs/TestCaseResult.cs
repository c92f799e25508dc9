namespace Lava.Actors.Jobs;

/// <summary>
/// One test case as a job reports it (spec §6.6): its suite (<c>lava</c> for the job's own actions, else
/// <c>N_name</c> of the test definition), name, result (<c>pass</c>, <c>fail</c>, <c>skip</c>, <c>unknown</c>), an optional
/// measurement with its units, the test set it belongs to, the log line that reported it and any extra fields.
/// </summary>
public sealed record TestCaseResult(
    string Suite,
    string Name,
    string Result,
    string? Measurement,
    string? Units,
    string? Set,
    long? LogLine,
    DateTimeOffset At,
    IReadOnlyDictionary<string, string>? Extra = null);

/// <summary>
/// Where job supervisors store the test cases a job reports, in batches. Appending is idempotent by position: cases
/// before <c>firstCase</c> + count that were stored already are not stored twice.
/// </summary>
public interface IJobResultsSink
{
    /// <summary>Stores <paramref name="cases"/>, the job's cases numbered from <paramref name="firstCase"/>; returns the number of cases the job now has.</summary>
    Task<long> AppendAsync(long jobId, long firstCase, IReadOnlyList<TestCaseResult> cases, CancellationToken cancellationToken = default);

    /// <summary>The number of cases stored for the job: where a restarted supervisor carries on from.</summary>
    Task<long> CountAsync(long jobId, CancellationToken cancellationToken = default);
}
