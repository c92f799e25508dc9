namespace Lava.Kernel.Persistence.Internal;

/// <summary>An event ready for an INSERT: serialized, with its manifest and timestamp fixed.</summary>
internal sealed record SerializedEvent(string PersistenceId, long SequenceNr, long CreatedAtTicks, string Manifest, byte[] Payload);

/// <summary>The serialized form of one <see cref="AtomicWrite"/>.</summary>
internal sealed record SerializedAtomicWrite(IReadOnlyList<SerializedEvent> Events)
{
    public string PersistenceId => Events[0].PersistenceId;

    public long LowestSequenceNr => Events[0].SequenceNr;

    public long HighestSequenceNr => Events[^1].SequenceNr;

    /// <summary>
    /// Serializes every event of <paramref name="write"/>; any failure rejects the whole atomic write, so that
    /// nothing of it reaches the store.
    /// </summary>
    public static SerializedAtomicWrite Create(AtomicWrite write, EventRegistry registry, TimeProvider time)
    {
        var events = new SerializedEvent[write.Events.Count];
        for (var i = 0; i < events.Length; i++)
        {
            var e = write.Events[i];
            var (manifest, bytes) = registry.Serialize(e.Payload);
            var timestamp = e.Timestamp == default ? time.GetUtcNow() : e.Timestamp;
            events[i] = new SerializedEvent(e.PersistenceId, e.SequenceNr, timestamp.UtcTicks, manifest, bytes);
        }
        return new SerializedAtomicWrite(events);
    }
}
