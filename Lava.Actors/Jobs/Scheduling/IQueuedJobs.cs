namespace Lava.Actors.Jobs.Scheduling;

/// <summary>
/// The jobs waiting for a device, as the read models hold them: where the scheduler singleton starts from after it
/// moves or restarts (supervisors tell it of newer ones with <see cref="JobQueued"/>).
/// </summary>
public interface IQueuedJobs
{
    /// <summary>The ids of every Submitted job: what a sweep compares with the queue it holds.</summary>
    Task<IReadOnlyList<long>> ListQueuedIdsAsync(CancellationToken cancellationToken = default);

    /// <summary>The Submitted jobs among <paramref name="ids"/>, or every Submitted job when null, oldest first.</summary>
    Task<IReadOnlyList<QueuedJob>> ListQueuedAsync(IReadOnlyCollection<long>? ids = null, CancellationToken cancellationToken = default);
}
