using Lava.Actors.Persistence;
using Lava.Actors.Wire;

namespace Lava.Actors.Jobs.Supervision;

/// <summary>
/// What a job supervisor journals under <c>job-N</c>. Every event carries its job's id and the tag <see cref="JobEvents.Tag"/>,
/// so that the read models follow all jobs by that one tag.
/// </summary>
public abstract record JobEvent(long JobId) : ILavaWireMessage, ITaggedEvent
{
    private static readonly string[] TagSet = [JobEvents.Tag];

    IReadOnlyCollection<string> ITaggedEvent.Tags => TagSet;
}

/// <summary>Names shared by the job supervisors and the read models.</summary>
public static class JobEvents
{
    /// <summary>The tag of every <see cref="JobEvent"/>.</summary>
    public const string Tag = "job";

    /// <summary>The persistence id of job <paramref name="jobId"/>.</summary>
    public static string PersistenceId(long jobId) => "job-" + jobId.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>The master accepted the job: state Submitted.</summary>
[WireManifest("lava.job.submitted.v1")]
public sealed record JobSubmitted(long JobId, JobSpec Spec) : JobEvent(JobId);

/// <summary>The scheduler booked <paramref name="Device"/> of <paramref name="Worker"/> for the job: state Scheduled.</summary>
[WireManifest("lava.job.scheduled.v1")]
public sealed record JobScheduled(long JobId, string Device, string Worker, DateTimeOffset At) : JobEvent(JobId);

/// <summary>The worker reported the job running: state Running.</summary>
[WireManifest("lava.job.started.v1")]
public sealed record JobStarted(long JobId, string Worker, DateTimeOffset At) : JobEvent(JobId);

/// <summary>
/// The master stored the job's log lines before <paramref name="LogLines"/> and test cases before
/// <paramref name="TestCases"/> (each counted from 0), and acknowledged them to the worker.
/// </summary>
[WireManifest("lava.job.progress-acknowledged.v1")]
public sealed record JobProgressAcknowledged(long JobId, long LogLines, long TestCases) : JobEvent(JobId);

/// <summary>Someone asked to cancel the job: state Canceling (a job with no device finishes at once instead).</summary>
[WireManifest("lava.job.cancel-requested.v1")]
public sealed record JobCancelRequested(long JobId, string By, DateTimeOffset At) : JobEvent(JobId);

/// <summary>
/// The job ended: state Finished with <paramref name="Health"/> (never Unknown). <paramref name="ErrorType"/> is LAVA's
/// (<c>Infrastructure</c>, <c>Job</c>, <c>Test</c>, <c>Bug</c>, <c>Configuration</c>, <c>LAVATimeout</c>, <c>Canceled</c>) or empty.
/// </summary>
[WireManifest("lava.job.finished.v1")]
public sealed record JobFinished(long JobId, JobHealth Health, string ErrorType, string FailureComment, DateTimeOffset At) : JobEvent(JobId);
