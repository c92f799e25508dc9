namespace Lava.Kernel.Persistence.Internal;

/// <summary>The storage-specific half of the batching writer: one transaction per call.</summary>
internal interface IJournalWriteTarget
{
    /// <summary>Inserts every event of <paramref name="writes"/> in one transaction: all stored or none.</summary>
    Task InsertAsync(IReadOnlyList<SerializedAtomicWrite> writes, CancellationToken cancellationToken);

    /// <summary>True when <paramref name="error"/> is a violation of UNIQUE (persistence_id, sequence_nr).</summary>
    bool IsUniqueViolation(Exception error);

    /// <summary>Maps a storage error to what callers see (e.g. <see cref="PersistenceStoreUnavailableException"/>).</summary>
    Exception Translate(Exception error);
}
