namespace Lava.Kernel.Persistence;

/// <summary>
/// The snapshot store port (Akka's <c>SnapshotStore</c>). Implementations are thread-safe and shared by every
/// persistent actor of a process.
/// </summary>
public interface ISnapshotStore : IAsyncDisposable
{
    /// <summary>
    /// The newest snapshot (highest sequence number) of <paramref name="persistenceId"/> matching
    /// <paramref name="criteria"/>, or <see langword="null"/> when none matches.
    /// </summary>
    /// <exception cref="UnknownManifestException">The matching snapshot's manifest is not registered.</exception>
    Task<SelectedSnapshot?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores <paramref name="snapshot"/> under <paramref name="metadata"/>; a snapshot with the same persistence
    /// id and sequence number is replaced. A <see langword="default"/> timestamp means "now".
    /// </summary>
    /// <exception cref="PersistenceSerializationException">The snapshot's type is not registered or does not serialize.</exception>
    Task SaveAsync(SnapshotMetadata metadata, object snapshot, CancellationToken cancellationToken = default);

    /// <summary>Deletes the snapshot with the persistence id and sequence number of <paramref name="metadata"/>; a no-op when absent.</summary>
    Task DeleteAsync(SnapshotMetadata metadata, CancellationToken cancellationToken = default);

    /// <summary>Deletes every snapshot of <paramref name="persistenceId"/> matching <paramref name="criteria"/>.</summary>
    Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default);
}
