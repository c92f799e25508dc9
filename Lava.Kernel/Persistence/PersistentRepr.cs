namespace Lava.Kernel.Persistence;

/// <summary>
/// One event of a persistent actor as the journal stores and replays it.
/// </summary>
/// <param name="PersistenceId">The stable identity of the event stream; at most 255 characters.</param>
/// <param name="SequenceNr">Position in the stream: starts at 1 and grows by 1 per event.</param>
/// <param name="Payload">The event. Its CLR type must be registered in the journal's <see cref="EventRegistry"/>.</param>
/// <param name="Manifest">
/// On replay, the stored manifest the payload was read with. Ignored on write: the journal takes the
/// manifest from the <see cref="EventRegistry"/> by the payload's type.
/// </param>
/// <param name="WriterGuid">
/// Identifies the writing actor incarnation. The SQL journals keep Akka's PostgreSQL table shape, which
/// has no column for it, so it is not stored and is <see langword="null"/> on replay.
/// </param>
/// <param name="Timestamp">
/// When the event was persisted (stored as UTC ticks). <see langword="default"/> on write means "now".
/// </param>
public sealed record PersistentRepr(
    string PersistenceId,
    long SequenceNr,
    object Payload,
    string Manifest = "",
    string? WriterGuid = null,
    DateTimeOffset Timestamp = default);

/// <summary>
/// Events of one persistence id that are stored all together or not at all (Akka's <c>PersistAll</c>).
/// </summary>
public sealed record AtomicWrite
{
    /// <summary>Creates an atomic write; the events must be non-empty and share one persistence id.</summary>
    /// <exception cref="ArgumentException">The list is empty or mixes persistence ids.</exception>
    public AtomicWrite(IReadOnlyList<PersistentRepr> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            throw new ArgumentException("An atomic write needs at least one event.", nameof(events));
        }
        var persistenceId = events[0].PersistenceId;
        if (events.Any(e => e.PersistenceId != persistenceId))
        {
            throw new ArgumentException(
                $"All events of an atomic write must share one persistence id; found '{persistenceId}' and others.",
                nameof(events));
        }
        Events = events;
    }

    /// <summary>Creates an atomic write of a single event.</summary>
    public AtomicWrite(PersistentRepr single) : this([single])
    {
    }

    /// <summary>The events, in sequence order.</summary>
    public IReadOnlyList<PersistentRepr> Events { get; }

    /// <summary>The persistence id shared by all events.</summary>
    public string PersistenceId => Events[0].PersistenceId;

    /// <summary>Sequence number of the first event.</summary>
    public long LowestSequenceNr => Events[0].SequenceNr;

    /// <summary>Sequence number of the last event.</summary>
    public long HighestSequenceNr => Events[^1].SequenceNr;
}
