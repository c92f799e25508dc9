using Microsoft.Extensions.Logging;

namespace Lava.Kernel.Persistence;

/// <summary>
/// An event-sourced actor. On start (and restart) it replays its snapshot and events through the
/// <c>Recover</c> handlers, then <see cref="RecoveryCompleted"/>; commands that arrive meanwhile wait.
/// A command handler calls <see cref="Persist{TEvent}"/>: the event is written to the journal and
/// only then its handler runs, with <c>Sender</c> still the command's sender; commands that arrive
/// between the Persist call and the last handler wait too. A failed write stops the actor (its state
/// is unknown); a rejected one (not stored) is reported and the actor carries on.
/// </summary>
public abstract partial class ReceivePersistentActor : ActorBase
{
    private readonly List<RecoverHandler> _recoverHandlers = [];
    private readonly List<Func<object, bool>> _initialCommands = [];
    private List<Func<object, bool>>? _building;
    private readonly List<List<Func<object, bool>>> _behaviorStack = [];
    private readonly List<ActorCell.Envelope> _internalStash = [];
    private readonly List<PendingEvent> _eventBatch = [];
    private readonly List<AtomicWrite> _writeBatch = [];
    private readonly Queue<PendingEvent> _pendingHandlers = new();
    private bool _recovering = true;
    private long _sequenceNr;
    private PersistenceExtension? _persistence;
    private ILogger? _log;

    protected ReceivePersistentActor()
    {
        _building = _initialCommands;
        _behaviorStack.Add(_initialCommands);
    }

    /// <summary>Stable and unique across the cluster, e.g. <c>job-42</c>.</summary>
    public abstract string PersistenceId { get; }

    /// <summary>The sequence number of the last event persisted or replayed.</summary>
    public long LastSequenceNr { get; private set; }

    /// <summary>The sequence number of the snapshot recovery started from; 0 without one.</summary>
    public long SnapshotSequenceNr { get; private set; }

    public bool IsRecovering => _recovering;

    public bool IsRecoveryFinished => !_recovering;

    protected IJournal Journal => Persistence.Journal;

    protected ISnapshotStore SnapshotStore => Persistence.SnapshotStore;

    private PersistenceExtension Persistence => _persistence ??= PersistenceExtension.Get(Context.System);

    private ILogger Log => _log ??= Context.GetLogger();

    /// <summary>Handles replayed events (and <see cref="SnapshotOffer"/>, <see cref="RecoveryCompleted"/>) of type <typeparamref name="T"/>. Must not send messages.</summary>
    protected void Recover<T>(Action<T> handler) => _recoverHandlers.Add(new RecoverHandler(m => m is T, m => handler((T)m)));

    /// <summary>Handles commands of type <typeparamref name="T"/>.</summary>
    protected void Command<T>(Action<T> handler) => AddCommand(m =>
    {
        if (m is not T typed) return false;
        handler(typed);
        return true;
    });

    /// <summary>Handles commands of type <typeparamref name="T"/> that satisfy <paramref name="shouldHandle"/>.</summary>
    protected void Command<T>(Predicate<T> shouldHandle, Action<T> handler) => AddCommand(m =>
    {
        if (m is not T typed || !shouldHandle(typed)) return false;
        handler(typed);
        return true;
    });

    /// <summary>Handles any command not taken by an earlier handler.</summary>
    protected void CommandAny(Action<object> handler) => AddCommand(m =>
    {
        handler(m);
        return true;
    });

    /// <summary>Replaces the command handlers with those <paramref name="configure"/> declares.</summary>
    protected void Become(Action configure) => _behaviorStack[^1] = BuildCommands(configure);

    protected void BecomeStacked(Action configure) => _behaviorStack.Add(BuildCommands(configure));

    protected void UnbecomeStacked()
    {
        if (_behaviorStack.Count > 1) _behaviorStack.RemoveAt(_behaviorStack.Count - 1);
    }

    /// <summary>Writes <paramref name="event"/>; <paramref name="handler"/> runs after the write, on the actor.</summary>
    protected void Persist<TEvent>(TEvent @event, Action<TEvent> handler) where TEvent : notnull
    {
        ArgumentNullException.ThrowIfNull(handler);
        EnsureOnActorTurn(nameof(Persist));
        var pending = new PendingEvent(NextEvent(@event), e => handler((TEvent)e), Sender);
        _eventBatch.Add(pending);
        _writeBatch.Add(new AtomicWrite(pending.Repr));
    }

    /// <summary>Writes all <paramref name="events"/> atomically (all or none); <paramref name="handler"/> runs once per event after the write.</summary>
    protected void PersistAll<TEvent>(IEnumerable<TEvent> events, Action<TEvent> handler) where TEvent : notnull
    {
        ArgumentNullException.ThrowIfNull(handler);
        EnsureOnActorTurn(nameof(PersistAll));
        var pending = events.Select(e => new PendingEvent(NextEvent(e), x => handler((TEvent)x), Sender)).ToList();
        if (pending.Count == 0) return;
        _eventBatch.AddRange(pending);
        _writeBatch.Add(new AtomicWrite(pending.Select(p => p.Repr).ToList()));
    }

    /// <summary>Stores <paramref name="snapshot"/> at <see cref="LastSequenceNr"/>; answers with <see cref="SaveSnapshotSuccess"/> or <see cref="SaveSnapshotFailure"/>.</summary>
    protected void SaveSnapshot(object snapshot)
    {
        var metadata = new SnapshotMetadata(PersistenceId, LastSequenceNr, Context.System.TimeProvider.GetUtcNow());
        SnapshotStore.SaveAsync(metadata, snapshot).PipeTo(Self,
            success: () => new SaveSnapshotSuccess(metadata), failure: e => new SaveSnapshotFailure(metadata, e));
    }

    /// <summary>Deletes events up to <paramref name="toSequenceNr"/>; answers with <see cref="DeleteMessagesSuccess"/> or <see cref="DeleteMessagesFailure"/>.</summary>
    protected void DeleteMessages(long toSequenceNr)
    {
        if (toSequenceNr > LastSequenceNr)
        {
            Self.Tell(new DeleteMessagesFailure(new ArgumentOutOfRangeException(nameof(toSequenceNr), toSequenceNr,
                $"cannot delete beyond the last sequence number {LastSequenceNr} of {PersistenceId}"), toSequenceNr));
            return;
        }
        Journal.DeleteMessagesToAsync(PersistenceId, toSequenceNr).PipeTo(Self,
            success: () => new DeleteMessagesSuccess(toSequenceNr), failure: e => new DeleteMessagesFailure(e, toSequenceNr));
    }

    /// <summary>A write failed; the actor is stopped after this returns. Logs by default.</summary>
    protected virtual void OnPersistFailure(Exception cause, object @event, long sequenceNr) =>
        PersistenceLog.PersistFailed(Log, cause, @event.GetType().Name, sequenceNr, PersistenceId);

    /// <summary>A write was refused before anything was stored; the actor continues. Logs by default.</summary>
    protected virtual void OnPersistRejected(Exception cause, object @event, long sequenceNr) =>
        PersistenceLog.PersistRejected(Log, cause, @event.GetType().Name, sequenceNr, PersistenceId, cause.Message);

    /// <summary>Recovery failed; the actor is stopped after this returns. Logs by default.</summary>
    protected virtual void OnRecoveryFailure(Exception cause, object? @event) =>
        PersistenceLog.RecoveryFailed(Log, cause, PersistenceId, LastSequenceNr, @event?.GetType().Name ?? "no event");

    private PersistentRepr NextEvent(object @event) =>
        new(PersistenceId, ++_sequenceNr, @event, Timestamp: Context.System.TimeProvider.GetUtcNow());

    private void EnsureOnActorTurn(string what)
    {
        if (!ReferenceEquals(ActorCell.Current, Cell)) throw new NotInActorContextException(what);
        if (_recovering) throw new IllegalActorStateException($"{what} is not allowed while {PersistenceId} recovers");
    }

    private void AddCommand(Func<object, bool> handler)
    {
        if (_building is null)
            throw new IllegalActorStateException($"{GetType().Name}: Command can only be called in the constructor or inside Become");
        _building.Add(handler);
    }

    private List<Func<object, bool>> BuildCommands(Action configure)
    {
        var previous = _building;
        var list = new List<Func<object, bool>>();
        _building = list;
        try
        {
            configure();
        }
        finally
        {
            _building = previous;
        }
        return list;
    }

    internal override void OnConstructed() => _building = null;

    private sealed record RecoverHandler(Func<object, bool> Matches, Action<object> Handle);

    private sealed record PendingEvent(PersistentRepr Repr, Action<object> Handler, IActorRef Sender);
}
