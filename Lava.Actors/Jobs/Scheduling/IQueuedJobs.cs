namespace Lava.Actors.Jobs.Scheduling;

/// <summary>
/// The jobs waiting for a device, as the read models hold them: where the scheduler singleton starts from after it
/// moves or restarts (supervisors tell it of newer ones with <see cref="JobQueued"/>).
/// </summary>
public interface IQueuedJobs
{
    /// <summary>Every Submitted job, oldest first.</summary>
    Task<IReadOnlyList<QueuedJob>> ListQueuedAsync(CancellationToken cancellationToken = default);
}
