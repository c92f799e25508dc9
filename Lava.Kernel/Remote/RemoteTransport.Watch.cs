using Lava.Kernel.Remote;

namespace Lava.Kernel;

/// <summary>
/// Death watch across nodes. Outbound: a local actor watching a remote one; the watch is remembered
/// with the incarnation it was made against, so that removing that node terminates it. Inbound: a remote
/// actor watching a local one; remembered so that removing the watcher's node drops the watch.
/// </summary>
public sealed partial class RemoteTransport
{
    private readonly object _watchGate = new();
    private readonly Dictionary<(RemoteActorRef Watchee, InternalActorRef Watcher), long> _outboundWatches = [];
    private readonly Dictionary<(InternalActorRef Watchee, RemoteActorRef Watcher), long> _inboundWatches = [];

    /// <summary>The watches remote actors hold on local ones, as (watchee, watcher).</summary>
    internal IReadOnlyList<(IActorRef Watchee, IActorRef Watcher)> InboundWatchesForTest
    {
        get
        {
            lock (_watchGate) return [.. _inboundWatches.Keys.Select(k => ((IActorRef)k.Watchee, (IActorRef)k.Watcher))];
        }
    }

    internal void SendSystemMessage(RemoteActorRef target, SystemMessage message)
    {
        var association = AssociationOf(target.Path.Address);
        switch (message)
        {
            case Watch watch when watch.Watchee.Equals(target):
                if (association is null)
                {
                    // No link to that node (any more): as good as removed.
                    watch.Watcher.SendSystemMessage(new DeathWatchNotification(target, ExistenceConfirmed: false, AddressTerminated: true));
                    return;
                }
                lock (_watchGate) _outboundWatches[(target, watch.Watcher)] = association.Node.Uid;
                association.EnqueueData(new Outbound(FrameKind.Watch, target.WirePath, watch.Watcher, null));
                break;
            case Unwatch unwatch when unwatch.Watchee.Equals(target):
                lock (_watchGate) _outboundWatches.Remove((target, unwatch.Watcher));
                association?.EnqueueData(new Outbound(FrameKind.Unwatch, target.WirePath, unwatch.Watcher, null));
                break;
            case DeathWatchNotification notification:
                lock (_watchGate) _inboundWatches.Remove((notification.Actor, target));
                var flags = (byte)((notification.ExistenceConfirmed ? Frames.ExistenceConfirmedFlag : 0)
                    | (notification.AddressTerminated ? Frames.AddressTerminatedFlag : 0));
                association?.EnqueueData(new Outbound(FrameKind.DeathWatchNotification, target.WirePath, notification.Actor, null, Flags: flags));
                break;
            default:
                RemoteLog.IgnoredSystemMessage(Log, message.GetType().Name, target.Path);
                break;
        }
    }

    /// <summary>After a reconnection to the same incarnation: the watches sent before may have been lost with the old socket.</summary>
    internal void RewatchAll(Association association)
    {
        List<(RemoteActorRef Watchee, InternalActorRef Watcher)> watches;
        lock (_watchGate)
        {
            watches = [.. _outboundWatches.Where(w => w.Value == association.Node.Uid && w.Key.Watchee.Path.Address.Equals(association.Node.Address)).Select(w => w.Key)];
        }
        foreach (var (watchee, watcher) in watches) association.EnqueueData(new Outbound(FrameKind.Watch, watchee.WirePath, watcher, null));
    }

    private void OnRemoteWatch(Association from, string watcheePath, string watcherPath)
    {
        if (Refs.Resolve(watcherPath) is not RemoteActorRef watcher) return;
        if (Refs.ResolveLocal(watcheePath) is not { } watchee)
        {
            from.EnqueueData(new Outbound(FrameKind.DeathWatchNotification, watcher.WirePath, null, null, SenderPath: Address + watcheePath));
            return;
        }
        lock (_watchGate) _inboundWatches[(watchee, watcher)] = from.Node.Uid;
        watchee.SendSystemMessage(new Watch(watchee, watcher));
    }

    private void OnRemoteUnwatch(Association from, string watcheePath, string watcherPath)
    {
        if (Refs.Resolve(watcherPath) is not RemoteActorRef watcher || Refs.ResolveLocal(watcheePath) is not { } watchee) return;
        lock (_watchGate) _inboundWatches.Remove((watchee, watcher));
        watchee.SendSystemMessage(new Unwatch(watchee, watcher));
    }

    private void OnRemoteDeathWatchNotification(string watcherPath, string actorPath, byte flags)
    {
        if (Refs.ResolveLocal(watcherPath) is not { } watcher || Refs.Resolve(actorPath) is not RemoteActorRef actor) return;
        lock (_watchGate) _outboundWatches.Remove((actor, watcher));
        watcher.SendSystemMessage(new DeathWatchNotification(actor,
            ExistenceConfirmed: (flags & Frames.ExistenceConfirmedFlag) != 0,
            AddressTerminated: (flags & Frames.AddressTerminatedFlag) != 0));
    }

    /// <summary>Ends every watch that involves <paramref name="node"/>.</summary>
    private void AddressTerminated(UniqueAddress node)
    {
        List<(RemoteActorRef Watchee, InternalActorRef Watcher)> terminated;
        List<(InternalActorRef Watchee, RemoteActorRef Watcher)> dropped;
        lock (_watchGate)
        {
            terminated = [.. _outboundWatches.Where(w => w.Value == node.Uid && w.Key.Watchee.Path.Address.Equals(node.Address)).Select(w => w.Key)];
            dropped = [.. _inboundWatches.Where(w => w.Value == node.Uid && w.Key.Watcher.Path.Address.Equals(node.Address)).Select(w => w.Key)];
            foreach (var key in terminated) _outboundWatches.Remove(key);
            foreach (var key in dropped) _inboundWatches.Remove(key);
        }
        foreach (var (watchee, watcher) in terminated)
            watcher.SendSystemMessage(new DeathWatchNotification(watchee, ExistenceConfirmed: false, AddressTerminated: true));
        foreach (var (watchee, watcher) in dropped) watchee.SendSystemMessage(new Unwatch(watchee, watcher));
    }
}
