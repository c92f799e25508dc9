namespace Lava.Kernel.Remote;

/// <summary>
/// A reference to an actor on another node. Tell queues the message on the connection to that node
/// (dead letters when there is none); Watch and Unwatch travel to the node, which answers with a
/// DeathWatchNotification when the actor stops, or the transport sends one with AddressTerminated
/// when the node is removed. Equal to any other reference with the same path and uid.
/// </summary>
internal sealed class RemoteActorRef : InternalActorRef
{
    private readonly RemoteTransport _transport;

    public RemoteActorRef(RemoteTransport transport, ActorPath path)
    {
        _transport = transport;
        Path = path;
        WirePath = ActorRefCodec.WirePath(path);
        FullPath = path.Address + WirePath;
    }

    public override ActorPath Path { get; }

    /// <summary>The recipient form of the path, as the owning node resolves it.</summary>
    public string WirePath { get; }

    /// <summary>The full path with address and uid.</summary>
    public string FullPath { get; }

    public override ActorSystem System => _transport.System;

    /// <summary>True once the node of the actor was removed; a live node's actors are never known dead here.</summary>
    public override bool IsTerminated => _transport.IsRemovedAddress(Path.Address);

    public override void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        _transport.Send(this, message, sender);
    }

    public override void SendSystemMessage(SystemMessage message) => _transport.SendSystemMessage(this, message);
}
