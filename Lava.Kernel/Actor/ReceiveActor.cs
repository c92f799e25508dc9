namespace Lava.Kernel;

/// <summary>
/// An actor whose behaviour is a list of typed handlers, declared in its constructor (or inside
/// <see cref="Become"/>): the first handler whose type and predicate match takes the message.
/// </summary>
public abstract class ReceiveActor : ActorBase
{
    private HandlerList? _building;
    private HandlerList _initial;

    protected ReceiveActor()
    {
        _initial = new HandlerList();
        _building = _initial;
    }

    /// <summary>Handles messages of type <typeparamref name="T"/>.</summary>
    protected void Receive<T>(Action<T> handler) => Add(Handler(handler, null));

    /// <summary>Handles messages of type <typeparamref name="T"/> that satisfy <paramref name="shouldHandle"/>.</summary>
    protected void Receive<T>(Predicate<T> shouldHandle, Action<T> handler) => Add(Handler(handler, shouldHandle));

    /// <summary>
    /// Handles messages of type <typeparamref name="T"/> asynchronously. Until the returned task
    /// completes, this actor processes no other user message (no reentrancy); after each await the
    /// handler runs on the actor again, with <see cref="ActorBase.Sender"/> still the message's sender.
    /// </summary>
    protected void ReceiveAsync<T>(Func<T, Task> handler, Predicate<T>? shouldHandle = null) =>
        Add(Handler<T>(message => ActorCell.Current!.RunTask(() => handler(message)), shouldHandle));

    /// <summary>Handles any message not taken by an earlier handler.</summary>
    protected void ReceiveAny(Action<object> handler) => Add(Handler(handler, null));

    /// <summary>Handles any message not taken by an earlier handler, asynchronously.</summary>
    protected void ReceiveAnyAsync(Func<object, Task> handler) => ReceiveAsync(handler);

    /// <summary>Replaces the behaviour with the handlers that <paramref name="configure"/> declares.</summary>
    protected void Become(Action configure) => Context.Become(Build(configure).Handle);

    /// <summary>Pushes the handlers that <paramref name="configure"/> declares; <see cref="UnbecomeStacked"/> pops them.</summary>
    protected void BecomeStacked(Action configure) => Context.BecomeStacked(Build(configure).Handle);

    protected void UnbecomeStacked() => Context.UnbecomeStacked();

    protected sealed override bool Receive(object message) => _initial.Handle(message);

    internal override void OnConstructed() => _building = null;

    private HandlerList Build(Action configure)
    {
        var previous = _building;
        var list = new HandlerList();
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

    /// <summary>A handler that takes a <typeparamref name="T"/> satisfying <paramref name="shouldHandle"/>; false leaves the message to the next one.</summary>
    private static Func<object, bool> Handler<T>(Action<T> handle, Predicate<T>? shouldHandle) => message =>
    {
        if (message is not T typed || (shouldHandle is not null && !shouldHandle(typed))) return false;
        handle(typed);
        return true;
    };

    private void Add(Func<object, bool> handler)
    {
        if (_building is null)
            throw new IllegalActorStateException(
                $"{GetType().Name}: Receive can only be called in the constructor or inside Become");
        _building.Add(handler);
    }

    private sealed class HandlerList
    {
        private Func<object, bool>[] _handlers = [];

        public void Add(Func<object, bool> handler) => _handlers = [.. _handlers, handler];

        public bool Handle(object message)
        {
            foreach (var handler in _handlers)
            {
                if (handler(message)) return true;
            }
            return false;
        }
    }
}
