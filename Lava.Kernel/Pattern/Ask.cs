namespace Lava.Kernel;

/// <summary>Request-reply from outside an actor (or, piped, from inside one).</summary>
public static class Futures
{
    /// <summary>
    /// Sends <paramref name="message"/> with a temporary reference as sender and completes with the
    /// first reply: a <typeparamref name="T"/> completes the task; <see cref="Status.Failure"/> faults it
    /// with its cause; another type faults it with <see cref="ArgumentException"/>; no reply within
    /// <paramref name="timeout"/> (default <c>akka.actor.ask-timeout</c>) faults it with
    /// <see cref="AskTimeoutException"/>. Late replies go to dead letters. Inside an actor, never
    /// block on the task: pipe it to Self.
    /// </summary>
    public static Task<T> Ask<T>(this IActorRef target, object message, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(message);
        var system = (target as InternalActorRef)?.System
            ?? throw new ArgumentException($"cannot ask {target}: it belongs to no actor system", nameof(target));
        var limit = timeout ?? system.Settings.AskTimeout;
        if (limit <= TimeSpan.Zero && limit != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(timeout), limit, "an ask timeout must be positive");
        var promise = new PromiseActorRef<T>(system, target, message, limit, cancellationToken);
        target.Tell(message, promise);
        return promise.Task;
    }

    /// <summary>As <see cref="Ask{T}"/> for any reply type.</summary>
    public static Task<object> Ask(this IActorRef target, object message, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        target.Ask<object>(message, timeout, cancellationToken);
}

/// <summary>The temporary actor behind an Ask: answers its task once, then unregisters itself.</summary>
internal sealed class PromiseActorRef<T> : InternalActorRef
{
    private readonly TaskCompletionSource<T> _promise = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ActorSystem _system;
    private readonly string _name;
    private readonly IActorRef _target;
    private readonly Type _messageType;
    private readonly TimeSpan _timeout;
    private readonly ITimer? _timer;
    private readonly CancellationTokenRegistration _cancellation;
    private int _completed;

    public PromiseActorRef(ActorSystem system, IActorRef target, object message, TimeSpan timeout, CancellationToken cancellationToken)
    {
        _system = system;
        Path = system.TempPath();
        _name = Path.Name;
        _target = target;
        _messageType = message.GetType();
        _timeout = timeout;
        system.RegisterTemp(_name, this);
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            _timer = system.TimeProvider.CreateTimer(static s => ((PromiseActorRef<T>)s!).TimedOut(), this, timeout, Timeout.InfiniteTimeSpan);
        }
        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.Register(static s => ((PromiseActorRef<T>)s!).Cancelled(), this);
        }
    }

    public Task<T> Task => _promise.Task;

    public override ActorPath Path { get; }

    public override ActorSystem System => _system;

    public override bool IsTerminated => Volatile.Read(ref _completed) != 0;

    public override void Tell(object message, IActorRef? sender = null)
    {
        var completed = message switch
        {
            T value => TryFinish() && _promise.TrySetResult(value),
            Status.Failure failure => TryFinish() && _promise.TrySetException(failure.Cause),
            Status.Success { Value: T value } => TryFinish() && _promise.TrySetResult(value),
            _ => TryFinish() && _promise.TrySetException(new ArgumentException(
                $"Received message of type [{message.GetType().FullName}] - Ask expected message of type [{typeof(T).FullName}]")),
        };
        if (!completed) _system.DeadLetters.Tell(new DeadLetter(message, sender, this), sender);
    }

    public override void SendSystemMessage(SystemMessage message)
    {
        if (message is Watch watch)
            watch.Watcher.SendSystemMessage(new DeathWatchNotification(this, ExistenceConfirmed: !IsTerminated, AddressTerminated: false));
    }

    private void TimedOut()
    {
        if (TryFinish())
        {
            _promise.TrySetException(new AskTimeoutException(
                $"Ask timed out on [{_target}] after [{_timeout.TotalMilliseconds} ms]. Message of type [{_messageType.Name}]"));
        }
    }

    private void Cancelled()
    {
        if (TryFinish()) _promise.TrySetCanceled();
    }

    /// <summary>
    /// Claims the one completion of the promise and removes the temporary actor, so that it is gone before
    /// anyone sees the result; false when the promise was already claimed.
    /// </summary>
    private bool TryFinish()
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0) return false;
        _timer?.Dispose();
        _cancellation.Dispose();
        _system.UnregisterTemp(_name);
        return true;
    }
}
