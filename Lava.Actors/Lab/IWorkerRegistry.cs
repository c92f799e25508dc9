namespace Lava.Actors.Lab;

/// <summary>
/// Durable storage of the lab's workers. Every method is one atomic operation: a reader never sees a
/// half-applied change. Implemented on SQLite and PostgreSQL by <see cref="Store.LabStore"/>, which throws
/// <see cref="Store.LabStoreUnavailableException"/> when the database cannot be reached.
/// </summary>
public interface IWorkerRegistry
{
    /// <summary>The worker named <paramref name="hostname"/> (exact, case-sensitive match), or null.</summary>
    Task<Worker?> FindAsync(string hostname, CancellationToken cancellationToken = default);

    /// <summary>Every worker, retired ones included, ordered by hostname (ordinal).</summary>
    Task<IReadOnlyList<Worker>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds <paramref name="worker"/>; returns false and changes nothing when its hostname exists.</summary>
    Task<bool> TryAddAsync(Worker worker, CancellationToken cancellationToken = default);

    /// <summary>Applies <paramref name="change"/> and returns the updated worker, or null when the hostname is unknown.</summary>
    Task<Worker?> UpdateAsync(string hostname, WorkerChange change, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records what the cluster layer sees of a worker: Online when it joined or pinged, Offline when it
    /// left or was lost. <paramref name="lastPing"/> null keeps the stored one. Returns null for an unknown hostname.
    /// </summary>
    Task<Worker?> SetStateAsync(string hostname, WorkerState state, DateTimeOffset? lastPing, CancellationToken cancellationToken = default);
}
