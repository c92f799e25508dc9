namespace Lava.Kernel;

/// <summary>A reference to an actor of this system.</summary>
internal sealed class LocalActorRef(ActorCell cell, ActorPath path) : InternalActorRef
{
    public ActorCell Cell { get; } = cell;

    public override ActorPath Path { get; } = path;

    public override ActorSystem System => Cell.System;

    public override bool IsTerminated => Cell.IsClosed;

    public override void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        Cell.Post(message, sender);
    }

    public override void SendSystemMessage(SystemMessage message) => Cell.SendSystemMessage(message);
}
