namespace Lava.Kernel.Persistence;

/// <summary>What happened to one <see cref="AtomicWrite"/>.</summary>
public enum WriteOutcome
{
    /// <summary>All events of the atomic write are stored.</summary>
    Written,

    /// <summary>
    /// Refused before anything was stored (e.g. the payload type is not registered or does not serialize).
    /// Akka semantics: the actor continues, and the sequence numbers are consumed.
    /// </summary>
    Rejected,

    /// <summary>
    /// The store refused the write, e.g. with a <see cref="JournalConflictException"/> because one of its
    /// sequence numbers already exists. Nothing of this atomic write is stored. Akka semantics: the actor stops.
    /// </summary>
    Failed,
}

/// <summary>The result of one <see cref="AtomicWrite"/> passed to <see cref="IJournal.WriteAsync"/>.</summary>
/// <param name="Outcome">Whether the events were stored, rejected or failed.</param>
/// <param name="Error">The cause when <paramref name="Outcome"/> is not <see cref="WriteOutcome.Written"/>.</param>
public sealed record WriteResult(WriteOutcome Outcome, Exception? Error)
{
    /// <summary>The shared result of a stored atomic write.</summary>
    public static WriteResult Written { get; } = new(WriteOutcome.Written, null);

    /// <summary>True when the events are stored.</summary>
    public bool IsWritten => Outcome == WriteOutcome.Written;

    /// <summary>A write refused before storing anything.</summary>
    public static WriteResult Rejected(Exception cause) => new(WriteOutcome.Rejected, cause);

    /// <summary>A write the store refused.</summary>
    public static WriteResult Failed(Exception cause) => new(WriteOutcome.Failed, cause);
}
