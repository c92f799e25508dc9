namespace Lava.Kernel;

/// <summary>
/// Death watch. A watcher keeps the actors it watches; a watchee keeps its watchers. A Terminated is
/// queued to the watcher as a user message and delivered only if the watch still stands then, so
/// Unwatch also suppresses one already in the mailbox.
/// </summary>
internal sealed partial class ActorCell
{
    private Dictionary<InternalActorRef, object?>? _watching;
    private HashSet<InternalActorRef>? _watchedBy;
    private Dictionary<InternalActorRef, object?>? _terminatedQueued;

    /// <summary>The queued form of a Terminated (or of a WatchWith message).</summary>
    private sealed record DeathWatchDelivery(InternalActorRef Actor, bool ExistenceConfirmed, bool AddressTerminated)
        : IAutoReceivedMessage, IDeadLetterSuppression;

    public IActorRef Watch(IActorRef subject) => WatchInternal(subject, null);

    public IActorRef WatchWith(IActorRef subject, object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return WatchInternal(subject, message);
    }

    private IActorRef WatchInternal(IActorRef subject, object? message)
    {
        if (subject is not InternalActorRef target || target.Equals(SelfRef)) return subject;
        _watching ??= [];
        if (_watching.TryAdd(target, message))
        {
            target.SendSystemMessage(new Watch(target, SelfRef));
        }
        else
        {
            _watching[target] = message;
        }
        return subject;
    }

    public IActorRef Unwatch(IActorRef subject)
    {
        if (subject is not InternalActorRef target) return subject;
        if (_watching is not null && _watching.Remove(target))
        {
            target.SendSystemMessage(new Unwatch(target, SelfRef));
        }
        _terminatedQueued?.Remove(target);
        return subject;
    }

    private void AddWatcher(InternalActorRef watcher)
    {
        // A watcher that arrives while we stop still gets notified in FinishTerminate.
        if (!watcher.Equals(SelfRef)) (_watchedBy ??= []).Add(watcher);
    }

    private void RemoveWatcher(InternalActorRef watcher) => _watchedBy?.Remove(watcher);

    private void WatchedActorTerminated(DeathWatchNotification notification)
    {
        if (_watching is null || !_watching.Remove(notification.Actor, out var custom)) return;
        if (_terminating) return;
        (_terminatedQueued ??= [])[notification.Actor] = custom;
        Post(new DeathWatchDelivery(notification.Actor, notification.ExistenceConfirmed, notification.AddressTerminated), notification.Actor);
    }

    private void DeliverTerminated(DeathWatchDelivery delivery)
    {
        if (_terminatedQueued is null || !_terminatedQueued.Remove(delivery.Actor, out var custom)) return;
        Deliver(custom ?? new Terminated(delivery.Actor, delivery.ExistenceConfirmed, delivery.AddressTerminated));
    }

    private void UnwatchAll()
    {
        if (_watching is null) return;
        foreach (var target in _watching.Keys) target.SendSystemMessage(new Unwatch(target, SelfRef));
        _watching = null;
        _terminatedQueued = null;
    }

    private void NotifyWatchersOfTermination()
    {
        if (_watchedBy is null) return;
        foreach (var watcher in _watchedBy)
        {
            watcher.SendSystemMessage(new DeathWatchNotification(SelfRef, ExistenceConfirmed: true, AddressTerminated: false));
        }
        _watchedBy = null;
    }
}
