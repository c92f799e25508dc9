namespace Lava.Kernel;

/// <summary>The transport's view of the other nodes, published on the system's event stream.</summary>
public interface IRemoteLifecycleEvent
{
    UniqueAddress Node { get; }
}

/// <summary>A handshake with <paramref name="Node"/> succeeded: messages flow in both directions.</summary>
public sealed record RemoteNodeConnected(UniqueAddress Node, IReadOnlyList<string> Roles) : IRemoteLifecycleEvent;

/// <summary>
/// The connection to <paramref name="Node"/> was lost. Messages are buffered until it comes back (the
/// dialing side reconnects) or the node is removed; nothing is terminated yet.
/// </summary>
public sealed record RemoteNodeDisconnected(UniqueAddress Node) : IRemoteLifecycleEvent;

/// <summary>
/// <paramref name="Node"/> is gone for good: every watcher of its actors got a <see cref="Terminated"/>
/// with <c>AddressTerminated</c> set, and this incarnation is refused if it dials in again.
/// </summary>
public sealed record RemoteNodeRemoved(UniqueAddress Node) : IRemoteLifecycleEvent;

/// <summary>
/// <paramref name="Node"/>, which this node was connected to, refused it: it closed this node out (its
/// admission was withdrawn) or refused to readmit it on a redial. The connection is not redialed;
/// <see cref="RemoteNodeRemoved"/> follows.
/// </summary>
public sealed record RemoteConnectionRefused(UniqueAddress Node, string Reason) : IRemoteLifecycleEvent;
