namespace Lava.Kernel.Persistence;

/// <summary>Identifies a snapshot: the state of <paramref name="PersistenceId"/> after event <paramref name="SequenceNr"/>.</summary>
/// <param name="PersistenceId">The persistence id the snapshot belongs to.</param>
/// <param name="SequenceNr">The last event included in the snapshot; replay resumes after it.</param>
/// <param name="Timestamp">When the snapshot was taken; stored as UTC ticks.</param>
public sealed record SnapshotMetadata(string PersistenceId, long SequenceNr, DateTimeOffset Timestamp);

/// <summary>A snapshot returned by <see cref="ISnapshotStore.LoadAsync"/>.</summary>
/// <param name="Metadata">Which snapshot it is.</param>
/// <param name="Snapshot">The deserialized state.</param>
public sealed record SelectedSnapshot(SnapshotMetadata Metadata, object Snapshot);

/// <summary>
/// Selects snapshots by inclusive bounds on sequence number and timestamp (Akka's
/// <c>SnapshotSelectionCriteria</c>). A snapshot matches when <c>MinSequenceNr ≤ SequenceNr ≤ MaxSequenceNr</c>
/// and <c>MinTimestamp ≤ Timestamp ≤ MaxTimestamp</c>.
/// </summary>
/// <param name="MaxSequenceNr">Upper bound on the sequence number, inclusive.</param>
/// <param name="MaxTimestamp">Upper bound on the timestamp, inclusive.</param>
/// <param name="MinSequenceNr">Lower bound on the sequence number, inclusive.</param>
/// <param name="MinTimestamp">Lower bound on the timestamp, inclusive; <see langword="null"/> means no bound.</param>
public sealed record SnapshotSelectionCriteria(
    long MaxSequenceNr,
    DateTimeOffset MaxTimestamp,
    long MinSequenceNr = 0,
    DateTimeOffset? MinTimestamp = null)
{
    /// <summary>Matches every snapshot; <see cref="ISnapshotStore.LoadAsync"/> then returns the newest.</summary>
    public static SnapshotSelectionCriteria Latest { get; } = new(long.MaxValue, DateTimeOffset.MaxValue);

    /// <summary>Matches no snapshot: recovery replays all events.</summary>
    public static SnapshotSelectionCriteria None { get; } = new(0, DateTimeOffset.MinValue, MinSequenceNr: 1);

    /// <summary>Matches snapshots with a sequence number up to <paramref name="maxSequenceNr"/>.</summary>
    public static SnapshotSelectionCriteria UpTo(long maxSequenceNr) => new(maxSequenceNr, DateTimeOffset.MaxValue);

    internal long MinTimestampTicks => (MinTimestamp ?? DateTimeOffset.MinValue).UtcTicks;

    internal long MaxTimestampTicks => MaxTimestamp.UtcTicks;
}
