namespace Lava.Kernel;

/// <summary>
/// The base of every actor. An actor processes one message at a time; its state needs no locks.
/// The constructor runs on the actor's own turn, so <see cref="Context"/> is usable there.
/// </summary>
public abstract partial class ActorBase
{
    private readonly ActorCell _cell;

    protected ActorBase()
    {
        _cell = ActorCell.Current ?? throw new ActorKernelException(
            $"{GetType().Name} must be created through Props and ActorOf, not with 'new'");
        _cell.BindInstance(this);
    }

    /// <summary>The context of this actor; valid during its turns.</summary>
    protected IActorContext Context => _cell;

    protected IActorRef Self => _cell.SelfRef;

    /// <summary>The sender of the current message (dead letters when none).</summary>
    protected IActorRef Sender => _cell.Sender;

    internal ActorCell Cell => _cell;

    /// <summary>Handles a message; return false to leave it unhandled.</summary>
    protected abstract bool Receive(object message);

    internal bool InvokeReceive(object message) => Receive(message);

    /// <summary>
    /// Called for messages no behaviour handled. An unhandled <see cref="Terminated"/> throws
    /// <see cref="DeathPactException"/>; anything else is published as <see cref="UnhandledMessage"/>.
    /// </summary>
    protected virtual void Unhandled(object message)
    {
        if (message is Terminated terminated) throw new DeathPactException(terminated.ActorRef);
        _cell.System.EventStream.Publish(new UnhandledMessage(message, _cell.CurrentSender, _cell.SelfRef));
    }

    internal void InvokeUnhandled(object message) => Unhandled(message);

    /// <summary>Called by the kernel once the constructor has returned.</summary>
    internal virtual void OnConstructed()
    {
    }

    /// <summary>The strategy applied to this actor's children; the default restarts on any exception.</summary>
    protected virtual SupervisorStrategy SupervisorStrategy() => Kernel.SupervisorStrategy.DefaultStrategy;

    internal SupervisorStrategy InvokeSupervisorStrategy() => SupervisorStrategy();
}
