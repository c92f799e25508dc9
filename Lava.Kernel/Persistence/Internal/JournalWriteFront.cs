namespace Lava.Kernel.Persistence.Internal;

/// <summary>
/// The storage-independent part of <see cref="IJournal.WriteAsync"/>: serializes on the caller's thread
/// (rejections never reach the store), queues the rest on the batching writer and merges the results.
/// </summary>
internal static class JournalWriteFront
{
    public static async Task<IReadOnlyList<WriteResult>> WriteAsync(
        IReadOnlyList<AtomicWrite> writes,
        EventRegistry registry,
        BatchingJournalWriter writer,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writes);
        cancellationToken.ThrowIfCancellationRequested();

        var results = new WriteResult?[writes.Count];
        var accepted = new List<SerializedAtomicWrite>(writes.Count);
        var acceptedIndex = new List<int>(writes.Count);
        for (var i = 0; i < writes.Count; i++)
        {
            try
            {
                accepted.Add(SerializedAtomicWrite.Create(writes[i], registry, TimeProvider.System));
                acceptedIndex.Add(i);
            }
            catch (PersistenceSerializationException e)
            {
                results[i] = WriteResult.Rejected(e);
            }
        }

        if (accepted.Count > 0)
        {
            var stored = await writer.EnqueueAsync(accepted).ConfigureAwait(false);
            for (var j = 0; j < stored.Length; j++)
            {
                results[acceptedIndex[j]] = stored[j];
            }
        }
        return results.Select(r => r!).ToArray();
    }
}
