using Akka.Actor;
using Akka.Hosting;
using Lava.Actors.Jobs;
using Lava.Actors.Jobs.Definition;
using Lava.Actors.Jobs.ReadModels;
using Lava.Actors.Jobs.Submission;
using Lava.Actors.Jobs.Supervision;
using Lava.Actors.Lab;

namespace Lava.Host.Master.Jobs;

/// <summary>
/// What REST and XML-RPC do with jobs, once: submit (check, allocate ids, hand the jobs to the <see cref="JobIntake"/> and
/// wait for the journal to hold them), show (the read model, or the supervisor when the read model has not caught up yet), cancel
/// and resubmit with LAVA's permission rules. Asks actors and never blocks them; an answer that does not come within
/// <see cref="MasterOptions.RequestTimeout"/> is a <see cref="JobsUnavailableException"/> (HTTP 503, XML-RPC fault).
/// </summary>
internal sealed class JobGateway(
    JobSubmissions submissions,
    IJobReadModel readModel,
    IRequiredActor<JobIntake> intake,
    IRequiredActor<JobSupervisorRegion> region,
    IUserDirectory users,
    MasterOptions options)
{
    /// <summary>Checks and submits <paramref name="text"/> for <paramref name="user"/>; the ids of the jobs it became, or why not.</summary>
    public async Task<SubmissionOutcome> SubmitAsync(string text, ApiUser user, long? originalJobId = null, CancellationToken cancellationToken = default)
    {
        var outcome = await submissions.PrepareAsync(text, user.Username, originalJobId, cancellationToken);
        if (outcome.Refusal is not null)
        {
            return outcome;
        }
        var jobs = await intake.GetAsync(cancellationToken);
        object answer;
        try
        {
            answer = await jobs.Ask(new JournalJobs(outcome.Jobs), options.RequestTimeout, cancellationToken);
        }
        catch (AskTimeoutException e)
        {
            throw new JobsUnavailableException($"jobs {Ids(outcome)} were not journaled within {options.RequestTimeout.TotalSeconds:0.#} s (is the database reachable?)", e);
        }
        return answer is JobsNotJournaled failed
            ? throw new JobsUnavailableException($"jobs {Ids(outcome)} were not journaled: {failed.Cause.Message}", failed.Cause)
            : outcome;
    }

    /// <summary>The job as <paramref name="viewer"/> may see it, or null (unknown, or not visible to them).</summary>
    public async Task<JobRow?> FindAsync(long id, Viewer viewer, CancellationToken cancellationToken = default)
    {
        if (await readModel.FindAsync(id, viewer, cancellationToken) is { } row)
        {
            return row;
        }
        // A job accepted a moment ago may not be projected yet: its supervisor knows it.
        var supervisors = await region.GetAsync(cancellationToken);
        var status = await AskAsync<object>(supervisors, new GetJobStatus(id), cancellationToken);
        return status is JobStatus known && JobVisibilityRules.CanView(viewer, known.Spec.Submitter, known.Spec.Visibility) ? ToRow(known) : null;
    }

    /// <summary>Cancels job <paramref name="id"/> for <paramref name="user"/>: the submitter or a superuser may; canceling an ended job changes nothing.</summary>
    public async Task<CancelOutcome> CancelAsync(long id, ApiUser user, CancellationToken cancellationToken = default)
    {
        if (await FindAsync(id, await ViewerAsync(user, cancellationToken), cancellationToken) is not { } job)
        {
            return CancelOutcome.NotFound;
        }
        if (!user.IsSuperuser && job.Submitter != user.Username)
        {
            return CancelOutcome.Forbidden;
        }
        var supervisors = await region.GetAsync(cancellationToken);
        await AskAsync<JobStatus>(supervisors, new CancelJob(id, user.Username), cancellationToken);
        return CancelOutcome.Canceled;
    }

    /// <summary>Submits job <paramref name="id"/>'s definition again (a MultiNode job's whole group), noting the original.</summary>
    public async Task<SubmissionOutcome?> ResubmitAsync(long id, ApiUser user, CancellationToken cancellationToken = default)
    {
        if (await FindAsync(id, await ViewerAsync(user, cancellationToken), cancellationToken) is not { } job)
        {
            return null;
        }
        return await SubmitAsync(job.OriginalDefinition, user, id, cancellationToken);
    }

    /// <summary>The reader's identity as the read models filter by it: name, superuser flag and groups.</summary>
    public async Task<Viewer> ViewerAsync(ApiUser? user, CancellationToken cancellationToken = default) => user is null
        ? Viewer.Anonymous
        : new Viewer(user.Username, user.IsSuperuser, user.IsSuperuser ? [] : await users.GroupsOfAsync(user.Username, cancellationToken));

    private async Task<T> AskAsync<T>(IActorRef supervisors, IJobCommand command, CancellationToken cancellationToken)
    {
        try
        {
            return await supervisors.Ask<T>(command, options.RequestTimeout, cancellationToken);
        }
        catch (AskTimeoutException e)
        {
            throw new JobsUnavailableException($"job {command.JobId} did not answer within {options.RequestTimeout.TotalSeconds:0.#} s (is the database reachable?)", e);
        }
    }

    private static string Ids(SubmissionOutcome outcome) => string.Join(", ", outcome.Jobs.Select(j => j.Id));

    private static JobRow ToRow(JobStatus status) => new(
        status.JobId,
        status.Spec.DisplayId,
        status.Spec.Submitter,
        status.Spec.Description,
        status.Spec.DeviceType,
        status.Device,
        status.Worker,
        status.State,
        status.Health,
        status.Spec.Priority,
        status.Spec.HealthCheck,
        status.Spec.Tags,
        status.Spec.Visibility,
        status.Spec.SubmitTime,
        status.StartTime,
        status.EndTime,
        status.Spec.Definition,
        status.Spec.OriginalDefinition,
        status.Spec.Group?.Id,
        status.ErrorType,
        status.FailureComment,
        TestOutcome.None);
}

/// <summary>What a cancel request came to.</summary>
internal enum CancelOutcome
{
    Canceled,
    NotFound,
    Forbidden,
}

/// <summary>The job supervisors did not answer in time (their journal is out of reach, or a master is moving them).</summary>
internal sealed class JobsUnavailableException(string message, Exception inner) : Exception(message, inner);

/// <summary>LAVA's visibility rule for one job (the read models apply the same rule in SQL).</summary>
internal static class JobVisibilityRules
{
    public static bool CanView(Viewer viewer, string submitter, JobVisibility visibility) =>
        viewer.IsSuperuser
        || visibility.Kind == JobVisibilityKind.Public
        || (viewer.Username is not null && viewer.Username == submitter)
        || (visibility.Kind == JobVisibilityKind.Group && visibility.Groups.Intersect(viewer.Groups).Any());
}
