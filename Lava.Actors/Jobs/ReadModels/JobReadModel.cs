using Lava.Actors.Jobs.Definition;

namespace Lava.Actors.Jobs.ReadModels;

/// <summary>
/// A job as the read models hold it: a projection of its supervisor's journal (it may lag the supervisor by the
/// projection's delay), plus its test outcome counted from the results tables.
/// </summary>
public sealed record JobRow(
    long Id,
    string DisplayId,
    string Submitter,
    string Description,
    string DeviceType,
    string? Device,
    string? Worker,
    JobState State,
    JobHealth Health,
    int Priority,
    bool HealthCheck,
    IReadOnlyList<string> Tags,
    JobVisibility Visibility,
    DateTimeOffset SubmitTime,
    DateTimeOffset? StartTime,
    DateTimeOffset? EndTime,
    string Definition,
    string OriginalDefinition,
    long? GroupId,
    string ErrorType,
    string FailureComment,
    TestOutcome Tests);

/// <summary>A job's test cases by result; <see cref="Failed"/> &gt; 0 on a Complete job is what LAVA's health hides.</summary>
public sealed record TestOutcome(int Passed, int Failed, int Skipped, int Unknown)
{
    public static readonly TestOutcome None = new(0, 0, 0, 0);

    public int Total => Passed + Failed + Skipped + Unknown;
}

/// <summary>Who is reading: visibility is enforced in the query (anonymous: <see cref="Username"/> null, public jobs only).</summary>
public sealed record Viewer(string? Username, bool IsSuperuser, IReadOnlyList<string> Groups)
{
    public static readonly Viewer Anonymous = new(null, false, []);
}

/// <summary>
/// A filtered, paged job list, newest id first. Null filters match everything; <see cref="EndedSince"/> matches jobs
/// that ended at or after it; <see cref="Tag"/> matches jobs whose tags include it; <see cref="Text"/> matches jobs
/// whose description or submitter contains it; <see cref="HealthCheck"/> picks health checks or the other jobs.
/// <see cref="CountLimit"/>, when set, lets counting stop past it: a count above <see cref="CountLimit"/> then says
/// only "more than <see cref="CountLimit"/>" (a long list's first page need not count every match).
/// </summary>
public sealed record JobQuery(
    Viewer Viewer,
    JobState? State = null,
    JobHealth? Health = null,
    string? Submitter = null,
    string? DeviceType = null,
    string? Device = null,
    DateTimeOffset? EndedSince = null,
    int Offset = 0,
    int Limit = 25,
    string? Tag = null,
    string? Text = null,
    bool? HealthCheck = null,
    long? CountLimit = null);

/// <summary>One page of a list and the number of rows the filters matched (for a job list, capped by <see cref="JobQuery.CountLimit"/>).</summary>
public sealed record Page<T>(long Count, IReadOnlyList<T> Rows);

/// <summary>Reads the jobs read model (SQLite or PostgreSQL). Throws <see cref="Lab.Store.LabStoreUnavailableException"/> when the database is out of reach.</summary>
public interface IJobReadModel
{
    /// <summary>The job, or null when it does not exist or <paramref name="viewer"/> may not see it.</summary>
    Task<JobRow?> FindAsync(long id, Viewer viewer, CancellationToken cancellationToken = default);

    Task<Page<JobRow>> ListAsync(JobQuery query, CancellationToken cancellationToken = default);
}

/// <summary>Allocates job ids, unique across masters and restarts (increasing, not necessarily contiguous).</summary>
public interface IJobIds
{
    /// <summary>Returns <paramref name="count"/> consecutive new ids, the first of them returned.</summary>
    Task<long> AllocateAsync(int count, CancellationToken cancellationToken = default);
}
