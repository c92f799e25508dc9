namespace Lava.Kernel;

/// <summary>Stops the actor when it is processed, after the messages queued before it.</summary>
public sealed class PoisonPill : IAutoReceivedMessage
{
    public static PoisonPill Instance { get; } = new();

    private PoisonPill()
    {
    }
}

/// <summary>Makes the actor fail with <see cref="ActorKilledException"/> when processed (stopped by the default strategy).</summary>
public sealed class Kill : IAutoReceivedMessage
{
    public static Kill Instance { get; } = new();

    private Kill()
    {
    }
}

/// <summary>
/// Sent once to each watcher when a watched actor has stopped. <paramref name="ExistenceConfirmed"/>
/// is false when the actor was already gone when the watch was set up;
/// <paramref name="AddressTerminated"/> is true when its node left the cluster.
/// </summary>
public sealed record Terminated(IActorRef ActorRef, bool ExistenceConfirmed, bool AddressTerminated);

/// <summary>Replies that carry success or failure, as Akka's <c>Status</c>.</summary>
public static class Status
{
    /// <summary>Completes an Ask successfully with <paramref name="Value"/>.</summary>
    public sealed record Success(object? Value);

    /// <summary>Fails an Ask with <paramref name="Cause"/>.</summary>
    public sealed record Failure(Exception Cause);
}

/// <summary>Asks any actor for its reference; every actor answers <see cref="ActorIdentity"/>.</summary>
public sealed record Identify(object? MessageId) : IAutoReceivedMessage;

/// <summary>The answer to <see cref="Identify"/>; <paramref name="Subject"/> is null when nobody lives there.</summary>
public sealed record ActorIdentity(object? MessageId, IActorRef? Subject);

/// <summary>Published on the event stream for each message that could not be delivered.</summary>
public sealed record DeadLetter(object Message, IActorRef? Sender, IActorRef Recipient);

/// <summary>Published on the event stream when an actor did not handle a message.</summary>
public sealed record UnhandledMessage(object Message, IActorRef? Sender, IActorRef Recipient);

/// <summary>Marks messages that must not be reported as dead letters (timers, internal ticks).</summary>
public interface IDeadLetterSuppression;

/// <summary>Marks messages that the kernel handles for every actor before its behaviour sees them.</summary>
internal interface IAutoReceivedMessage;
