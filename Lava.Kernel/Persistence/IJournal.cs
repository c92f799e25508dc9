namespace Lava.Kernel.Persistence;

/// <summary>
/// The event journal port (Akka's <c>AsyncWriteJournal</c> + <c>IAsyncRecovery</c>). Implementations are
/// thread-safe and meant to be shared by every persistent actor of a process.
/// </summary>
public interface IJournal : IAsyncDisposable
{
    /// <summary>
    /// Stores <paramref name="writes"/>. Each <see cref="AtomicWrite"/> is stored all or none, independently of
    /// the others; writes of one persistence id are stored in the order they were passed (also across calls made
    /// one after the other without awaiting). Concurrent calls may be coalesced into one transaction.
    /// </summary>
    /// <returns>
    /// One <see cref="WriteResult"/> per atomic write, in the same order: <see cref="WriteOutcome.Written"/>;
    /// <see cref="WriteOutcome.Rejected"/> when a payload could not be serialized (nothing stored);
    /// <see cref="WriteOutcome.Failed"/> with a <see cref="JournalConflictException"/> when one of its
    /// sequence numbers already exists (only that atomic write fails).
    /// </returns>
    /// <exception cref="PersistenceStoreUnavailableException">
    /// The task faults when the store cannot be reached; then whether the writes happened is unknown.
    /// </exception>
    /// <remarks>The token only abandons a write that has not been queued yet.</remarks>
    Task<IReadOnlyList<WriteResult>> WriteAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replays the stored, non-deleted events of <paramref name="persistenceId"/> with
    /// <c>fromSequenceNr ≤ SequenceNr ≤ toSequenceNr</c>, in sequence order, at most <paramref name="max"/> of
    /// them, awaiting <paramref name="onReplayed"/> for each before reading the next. Rows are streamed, not
    /// loaded all at once.
    /// </summary>
    /// <exception cref="UnknownManifestException">A stored manifest is not registered; replay stops there.</exception>
    /// <exception cref="PersistenceStoreUnavailableException">The store cannot be reached.</exception>
    Task ReplayAsync(
        string persistenceId,
        long fromSequenceNr,
        long toSequenceNr,
        long max,
        Func<PersistentRepr, ValueTask> onReplayed,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// The highest sequence number ever stored for <paramref name="persistenceId"/>, including events since
    /// deleted; 0 for an unknown id. It never decreases. <paramref name="fromSequenceNr"/> is Akka's search hint;
    /// the SQL journals do not need it and always return the true highest.
    /// </summary>
    Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr = 0, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes (physically) the events of <paramref name="persistenceId"/> with <c>SequenceNr ≤ toSequenceNr</c>.
    /// The highest sequence number survives, even when every event is deleted. Deleting when nothing is left
    /// is a no-op.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="toSequenceNr"/> is above the highest stored sequence number; nothing is deleted.
    /// </exception>
    Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default);
}
