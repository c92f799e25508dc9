namespace Lava.Kernel.Persistence;

/// <summary>Recovery and the write cycle: everything runs on the actor's turn, fed by messages from journal tasks.</summary>
public abstract partial class ReceivePersistentActor
{
    private static readonly object RecoveryTimerKey = new();
    private readonly object _incarnation = new();
    private long _replayed;
    private long _replayedAtLastTick = -1;

    private sealed record SnapshotLoaded(object Incarnation, SelectedSnapshot? Snapshot) : IDeadLetterSuppression;

    private sealed record ReplayedEvent(object Incarnation, PersistentRepr Repr) : IDeadLetterSuppression;

    private sealed record RecoverySucceeded(object Incarnation, long HighestSequenceNr) : IDeadLetterSuppression;

    private sealed record RecoveryFailed(object Incarnation, Exception Cause) : IDeadLetterSuppression;

    private sealed record RecoveryTick : IDeadLetterSuppression;

    private sealed record WriteCompleted(object Incarnation, IReadOnlyList<AtomicWrite> Writes, IReadOnlyList<WriteResult> Results)
        : IDeadLetterSuppression;

    private sealed record WriteFailed(object Incarnation, IReadOnlyList<AtomicWrite> Writes, Exception Cause) : IDeadLetterSuppression;

    internal override void AroundPreStart()
    {
        base.AroundPreStart();
        StartRecovery();
    }

    internal override void AroundPostRestart(Exception reason)
    {
        base.AroundPostRestart(reason);
        StartRecovery();
    }

    private void StartRecovery()
    {
        _recovering = true;
        var persistence = Persistence;
        var timeout = persistence.Settings.RecoveryEventTimeout;
        Cell.Timers.StartPeriodicTimer(RecoveryTimerKey, new RecoveryTick(), timeout);
        var self = Self;
        var incarnation = _incarnation;
        var persistenceId = PersistenceId;
        _ = Task.Run(async () =>
        {
            await persistence.RecoveryPermits.WaitAsync().ConfigureAwait(false);
            try
            {
                var snapshot = await persistence.SnapshotStore.LoadAsync(persistenceId, SnapshotSelectionCriteria.Latest).ConfigureAwait(false);
                self.Tell(new SnapshotLoaded(incarnation, snapshot));
                var from = (snapshot?.Metadata.SequenceNr ?? 0) + 1;
                await persistence.Journal.ReplayAsync(persistenceId, from, long.MaxValue, long.MaxValue, repr =>
                {
                    self.Tell(new ReplayedEvent(incarnation, repr));
                    return ValueTask.CompletedTask;
                }).ConfigureAwait(false);
                var highest = await persistence.Journal.ReadHighestSequenceNrAsync(persistenceId).ConfigureAwait(false);
                self.Tell(new RecoverySucceeded(incarnation, highest));
            }
            catch (Exception e)
            {
                self.Tell(new RecoveryFailed(incarnation, e));
            }
            finally
            {
                persistence.RecoveryPermits.Release();
            }
        });
    }

    protected sealed override bool Receive(object message)
    {
        if (_recovering)
        {
            Recovering(message);
            return true;
        }
        switch (message)
        {
            case WriteCompleted completed when ReferenceEquals(completed.Incarnation, _incarnation):
                OnWriteCompleted(completed);
                return true;
            case WriteFailed failed when ReferenceEquals(failed.Incarnation, _incarnation):
                FailWrite(failed.Cause, failed.Writes[0].Events[0]);
                return true;
            case WriteCompleted or WriteFailed or RecoveryTick or SnapshotLoaded or ReplayedEvent or RecoverySucceeded or RecoveryFailed:
                return true;
        }
        if (_pendingHandlers.Count > 0)
        {
            _internalStash.Add(new ActorCell.Envelope(message, Cell.CurrentSender));
            return true;
        }
        var handled = false;
        foreach (var handler in _behaviorStack[^1])
        {
            if (handler(message))
            {
                handled = true;
                break;
            }
        }
        FlushWrites();
        return handled || message is SaveSnapshotSuccess or DeleteMessagesSuccess || LogFailureReply(message);
    }

    private bool LogFailureReply(object message)
    {
        switch (message)
        {
            case SaveSnapshotFailure failure:
                PersistenceLog.SaveSnapshotFailed(Log, failure.Cause, PersistenceId, failure.Metadata.SequenceNr);
                return true;
            case DeleteMessagesFailure failure:
                PersistenceLog.DeleteMessagesFailed(Log, failure.Cause, PersistenceId, failure.ToSequenceNr);
                return true;
            default:
                return false;
        }
    }

    private void Recovering(object message)
    {
        switch (message)
        {
            case SnapshotLoaded loaded when ReferenceEquals(loaded.Incarnation, _incarnation):
                if (loaded.Snapshot is { } snapshot)
                {
                    SnapshotSequenceNr = LastSequenceNr = _sequenceNr = snapshot.Metadata.SequenceNr;
                    RunRecoverHandler(new SnapshotOffer(snapshot.Metadata, snapshot.Snapshot));
                }
                break;
            case ReplayedEvent replayed when ReferenceEquals(replayed.Incarnation, _incarnation):
                _replayed++;
                LastSequenceNr = _sequenceNr = replayed.Repr.SequenceNr;
                RunRecoverHandler(replayed.Repr.Payload);
                break;
            case RecoverySucceeded succeeded when ReferenceEquals(succeeded.Incarnation, _incarnation):
                LastSequenceNr = _sequenceNr = Math.Max(LastSequenceNr, succeeded.HighestSequenceNr);
                Cell.Timers.Cancel(RecoveryTimerKey);
                _recovering = false;
                if (RunRecoverHandler(RecoveryCompleted.Instance)) UnstashInternal();
                break;
            case RecoveryFailed failed when ReferenceEquals(failed.Incarnation, _incarnation):
                FailRecovery(failed.Cause, null);
                break;
            case RecoveryTick:
                if (_replayed == _replayedAtLastTick)
                {
                    FailRecovery(new RecoveryTimedOutException(
                        $"recovery of {PersistenceId} timed out: no event for {Persistence.Settings.RecoveryEventTimeout} after sequence number {LastSequenceNr}"), null);
                }
                _replayedAtLastTick = _replayed;
                break;
            case SnapshotLoaded or ReplayedEvent or RecoverySucceeded or RecoveryFailed:
                break;
            default:
                _internalStash.Add(new ActorCell.Envelope(message, Cell.CurrentSender));
                break;
        }
    }

    /// <summary>Runs the first matching recovery handler; a throwing handler fails the recovery.</summary>
    private bool RunRecoverHandler(object @event)
    {
        try
        {
            _recoverHandlers.FirstOrDefault(h => h.Matches(@event))?.Handle(@event);
            return true;
        }
        catch (Exception e)
        {
            FailRecovery(e, @event);
            return false;
        }
    }

    private void FailRecovery(Exception cause, object? @event)
    {
        Cell.Timers.Cancel(RecoveryTimerKey);
        OnRecoveryFailure(cause, @event);
        UnstashInternal();
        Context.Stop(Self);
    }

    /// <summary>Sends the writes the last handler made, in one journal call.</summary>
    private void FlushWrites()
    {
        if (_writeBatch.Count == 0) return;
        var writes = _writeBatch.ToArray();
        foreach (var pending in _eventBatch) _pendingHandlers.Enqueue(pending);
        _writeBatch.Clear();
        _eventBatch.Clear();
        var incarnation = _incarnation;
        Journal.WriteAsync(writes).PipeTo(Self,
            success: results => new WriteCompleted(incarnation, writes, results),
            failure: cause => new WriteFailed(incarnation, writes, cause));
    }

    private void OnWriteCompleted(WriteCompleted completed)
    {
        for (var i = 0; i < completed.Writes.Count; i++)
        {
            var result = completed.Results[i];
            foreach (var repr in completed.Writes[i].Events)
            {
                var pending = _pendingHandlers.Dequeue();
                switch (result.Outcome)
                {
                    case WriteOutcome.Written:
                        LastSequenceNr = repr.SequenceNr;
                        Cell.WithSender(pending.Sender, () => pending.Handler(repr.Payload));
                        FlushWrites();
                        break;
                    case WriteOutcome.Rejected:
                        LastSequenceNr = repr.SequenceNr;
                        OnPersistRejected(result.Error!, repr.Payload, repr.SequenceNr);
                        break;
                    default:
                        FailWrite(result.Error!, repr);
                        return;
                }
            }
        }
        if (_pendingHandlers.Count == 0) UnstashInternal();
    }

    /// <summary>The journal may or may not have stored the write, so the state is unknown: stop.</summary>
    private void FailWrite(Exception cause, PersistentRepr repr)
    {
        _pendingHandlers.Clear();
        OnPersistFailure(cause, repr.Payload, repr.SequenceNr);
        UnstashInternal();
        Context.Stop(Self);
    }

    private void UnstashInternal()
    {
        if (_internalStash.Count == 0) return;
        Cell.Prepend(_internalStash.ToArray());
        _internalStash.Clear();
    }
}
