using Lava.Actors.Wire;

namespace Lava.Actors.Jobs.Supervision;

/// <summary>
/// A message for one job's supervisor. Send it to the shard region (<see cref="JobSupervisorRegion"/>) as is: the region
/// routes by <see cref="JobId"/> and starts the supervisor when needed.
/// </summary>
public interface IJobCommand : ILavaWireMessage
{
    long JobId { get; }
}

/// <summary>Akka.Hosting registry key of the job supervisors' shard region (role <c>master</c>).</summary>
public sealed class JobSupervisorRegion;

/// <summary>
/// Journals <see cref="JobSubmitted"/> and answers <see cref="JobAccepted"/>; a job submitted already is accepted again,
/// unchanged. The scheduler submits its health checks so; users' submissions go through the <c>JobIntake</c>, which
/// journals <see cref="JobSubmitted"/> without starting the supervisor.
/// </summary>
[WireManifest("lava.job.submit.v1")]
public sealed record SubmitJob(long JobId, JobSpec Spec) : IJobCommand;

/// <summary>The job is journaled; the scheduler has been told.</summary>
[WireManifest("lava.job.accepted.v1")]
public sealed record JobAccepted(long JobId) : ILavaWireMessage;

/// <summary>Asks for the job as its supervisor knows it; answered with <see cref="JobStatus"/>, or <see cref="JobUnknown"/>.</summary>
[WireManifest("lava.job.get-status.v1")]
public sealed record GetJobStatus(long JobId) : IJobCommand;

/// <summary>The supervisor's view of a job: newer than the read models, which follow the journal.</summary>
[WireManifest("lava.job.status.v1")]
public sealed record JobStatus(
    long JobId,
    JobSpec Spec,
    JobState State,
    JobHealth Health,
    string? Device,
    string? Worker,
    DateTimeOffset? StartTime,
    DateTimeOffset? EndTime,
    string ErrorType,
    string FailureComment,
    long LogLines,
    long TestCases) : ILavaWireMessage;

/// <summary>No job with that id was ever submitted.</summary>
[WireManifest("lava.job.unknown.v1")]
public sealed record JobUnknown(long JobId) : ILavaWireMessage;

/// <summary>
/// Cancels the job on behalf of <paramref name="By"/> (permissions are checked by the caller). Answered with the
/// job's <see cref="JobStatus"/> after the cancel is journaled; canceling a Canceling or Finished job changes nothing.
/// </summary>
[WireManifest("lava.job.cancel.v1")]
public sealed record CancelJob(long JobId, string By) : IJobCommand;

/// <summary>
/// From the scheduler: the job waited longer than its queue timeout. A still Submitted job finishes Canceled with the
/// comment "Canceled: queue timeout"; any other state ignores it. Answered with <see cref="JobStatus"/>.
/// </summary>
[WireManifest("lava.job.queue-timed-out.v1")]
public sealed record QueueTimedOut(long JobId) : IJobCommand;

/// <summary>
/// The worker <paramref name="Worker"/> that holds the job's device joined the cluster (again): the supervisor of a job
/// on it sends the job again, so that a worker that restarted streams on to it at once. Sent by the scheduler.
/// </summary>
[WireManifest("lava.job.worker-rejoined.v1")]
public sealed record WorkerRejoined(long JobId, string Worker) : IJobCommand;
