namespace Lava.Kernel;

/// <summary>A behaviour: returns false when it does not handle the message.</summary>
public delegate bool Receive(object message);

/// <summary>
/// What an actor may do while it processes a message. Only valid on the actor's own turn: not from
/// other threads, nor after an await that left the actor's context with ConfigureAwait(false).
/// </summary>
public interface IActorContext
{
    IActorRef Self { get; }

    /// <summary>The sender of the current message; dead letters when there is none.</summary>
    IActorRef Sender { get; }

    IActorRef Parent { get; }

    ActorSystem System { get; }

    /// <summary>The live children (stopping ones included until their termination is seen).</summary>
    IEnumerable<IActorRef> Children { get; }

    /// <summary>The child with that name, or null.</summary>
    IActorRef? Child(string name);

    /// <summary>Creates a child; a null name gets a generated one (<c>$a</c>, <c>$b</c>, ...).</summary>
    IActorRef ActorOf(Props props, string? name = null);

    /// <summary>Stops a child or this actor; the current message still completes.</summary>
    void Stop(IActorRef actor);

    /// <summary>Delivers <see cref="Terminated"/> once when <paramref name="subject"/> stops (also if it is already dead).</summary>
    IActorRef Watch(IActorRef subject);

    /// <summary>As <see cref="Watch"/>, but delivers <paramref name="message"/> instead of <see cref="Terminated"/>.</summary>
    IActorRef WatchWith(IActorRef subject, object message);

    /// <summary>Stops watching; no Terminated for <paramref name="subject"/> arrives afterwards, even one already queued.</summary>
    IActorRef Unwatch(IActorRef subject);

    /// <summary>Replaces the current behaviour.</summary>
    void Become(Receive receive);

    /// <summary>Pushes a behaviour; <see cref="UnbecomeStacked"/> returns to the previous one.</summary>
    void BecomeStacked(Receive receive);

    void UnbecomeStacked();
}
