namespace Lava.Kernel;

/// <summary>The base of every exception the kernel throws.</summary>
public class ActorKernelException : Exception
{
    public ActorKernelException(string message, Exception? cause = null) : base(message, cause)
    {
    }
}

/// <summary>An actor's constructor or <c>PreStart</c> threw; the default strategy stops it.</summary>
public sealed class ActorInitializationException : ActorKernelException
{
    public ActorInitializationException(IActorRef? actor, string message, Exception? cause)
        : base(message, cause) => Actor = actor;

    public IActorRef? Actor { get; }
}

/// <summary>Thrown inside an actor that received <see cref="Kill"/>; the default strategy stops it.</summary>
public sealed class ActorKilledException : ActorKernelException
{
    public ActorKilledException(string message) : base(message)
    {
    }
}

/// <summary>An actor did not handle the <see cref="Terminated"/> of an actor it watched; the default strategy stops it.</summary>
public sealed class DeathPactException : ActorKernelException
{
    public DeathPactException(IActorRef deadActor)
        : base($"Monitored actor [{deadActor}] terminated") => DeadActor = deadActor;

    public IActorRef DeadActor { get; }
}

/// <summary>An Ask got no reply in time.</summary>
public sealed class AskTimeoutException : ActorKernelException
{
    public AskTimeoutException(string message) : base(message)
    {
    }
}

/// <summary>A child name is taken, empty or has characters that paths cannot hold.</summary>
public sealed class InvalidActorNameException : ActorKernelException
{
    public InvalidActorNameException(string message) : base(message)
    {
    }
}

/// <summary>An actor did something its state does not allow (stashing the same message twice, say).</summary>
public sealed class IllegalActorStateException : ActorKernelException
{
    public IllegalActorStateException(string message) : base(message)
    {
    }
}

/// <summary>A bounded stash is full.</summary>
public sealed class StashOverflowException : ActorKernelException
{
    public StashOverflowException(string message) : base(message)
    {
    }
}

/// <summary>An actor API was used outside of the actor's own message processing.</summary>
public sealed class NotInActorContextException : ActorKernelException
{
    public NotInActorContextException(string what)
        : base($"{what} is only available while an actor processes a message (not from another thread or after ConfigureAwait(false))")
    {
    }
}
