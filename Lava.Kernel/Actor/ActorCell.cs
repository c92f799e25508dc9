namespace Lava.Kernel;

/// <summary>
/// The kernel's half of an actor: its mailbox, its place in the hierarchy, supervision and death
/// watch. Everything except <see cref="Post"/>, <see cref="SendSystemMessage"/> and child lookups
/// runs on the actor's own turn, one thread at a time, so those fields need no locks.
/// </summary>
internal sealed partial class ActorCell : IActorContext
{
    [ThreadStatic]
    private static ActorCell? t_current;

    private ActorBase? _actor;
    private object? _currentMessage;
    private IActorRef? _currentSender;
    private List<Receive>? _behaviors;

    public ActorCell(ActorSystem system, ActorPath path, Props props, InternalActorRef parent)
    {
        System = system;
        Props = props;
        Parent = parent;
        SelfRef = new LocalActorRef(this, path);
        _throughput = props.Throughput ?? system.Settings.Throughput;
        _head = _tail = new Node();
    }

    /// <summary>The cell whose turn runs on this thread, if any.</summary>
    internal static ActorCell? Current => t_current;

    public ActorSystem System { get; }

    public Props Props { get; }

    public InternalActorRef Parent { get; }

    public LocalActorRef SelfRef { get; }

    IActorRef IActorContext.Self => SelfRef;

    IActorRef IActorContext.Parent => Parent;

    public IActorRef Sender => _currentSender ?? System.DeadLetters;

    internal IActorRef? CurrentSender => _currentSender;

    internal ActorBase? Actor => _actor;

    /// <summary>Starts the cell: its first system message creates the actor instance.</summary>
    internal void Start() => SendSystemMessage(new Create());

    internal void BindInstance(ActorBase actor) => _actor = actor;

    /// <summary>Runs <paramref name="action"/> with <paramref name="sender"/> as the current sender, as if it were that message's turn.</summary>
    internal void WithSender(IActorRef? sender, Action action)
    {
        var previous = _currentSender;
        _currentSender = sender;
        try
        {
            action();
        }
        finally
        {
            _currentSender = previous;
        }
    }

    public void Become(Receive receive)
    {
        _behaviors ??= [];
        if (_behaviors.Count > 0) _behaviors[^1] = receive;
        else _behaviors.Add(receive);
    }

    public void BecomeStacked(Receive receive) => (_behaviors ??= []).Add(receive);

    public void UnbecomeStacked()
    {
        if (_behaviors is { Count: > 0 }) _behaviors.RemoveAt(_behaviors.Count - 1);
    }

    public void Stop(IActorRef actor)
    {
        if (actor is not InternalActorRef target) return;
        if (FindChild(target) is { } child) child.Stop();
        else target.Stop();
    }

    /// <summary>Processes one user message on the actor's turn.</summary>
    private void Invoke(object message, IActorRef? sender)
    {
        _currentMessage = message;
        _currentSender = sender;
        try
        {
            if (message is IAutoReceivedMessage auto) AutoReceive(auto);
            else Deliver(message);
        }
        catch (Exception cause)
        {
            HandleInvokeFailure(cause);
        }
        finally
        {
            _currentMessage = null;
            _currentSender = null;
        }
    }

    /// <summary>Hands a message to the current behaviour; unhandled ones go to <c>Unhandled</c>.</summary>
    private void Deliver(object message)
    {
        var actor = _actor!;
        var handled = _behaviors is { Count: > 0 } behaviors ? behaviors[^1](message) : actor.InvokeReceive(message);
        if (!handled) actor.InvokeUnhandled(message);
    }

    private void AutoReceive(IAutoReceivedMessage message)
    {
        switch (message)
        {
            case PoisonPill:
                Stop(SelfRef);
                break;
            case Kill:
                throw new ActorKilledException("Kill");
            case Identify identify:
                Sender.Tell(new ActorIdentity(identify.MessageId, SelfRef), SelfRef);
                break;
            case DeathWatchDelivery delivery:
                DeliverTerminated(delivery);
                break;
            case TimerMessage timer:
                if (_timers is not null && _timers.Accept(timer)) Deliver(timer.Message);
                break;
            default:
                Deliver(message);
                break;
        }
    }

    /// <summary>Makes a new actor instance from the props, on this thread as the cell's current turn.</summary>
    private ActorBase NewActor()
    {
        _behaviors = null;
        _actor = null;
        ActorBase created;
        try
        {
            created = Props.Factory();
        }
        catch (Exception e)
        {
            throw new ActorInitializationException(SelfRef, $"exception during creation of {SelfRef}", e);
        }
        if (!ReferenceEquals(created, _actor))
            throw new ActorInitializationException(SelfRef, $"the props of {SelfRef} returned an actor created elsewhere", null);
        created.OnConstructed();
        if (created is IWithTimers withTimers) withTimers.Timers = Timers;
        if (created is IWithStash withStash) withStash.Stash = StashBuffer;
        return created;
    }

    public override string ToString() => $"ActorCell({SelfRef.Path})";
}
