namespace Lava.Kernel;

/// <summary>
/// A handle to an actor. Messages sent with <see cref="Tell"/> are delivered at most once, and in
/// order between any one sender and receiver. Two references are equal when they point at the
/// same path and the same incarnation, so a restarted actor keeps its reference while a new actor
/// created under a reused name does not.
/// </summary>
public interface IActorRef : IEquatable<IActorRef>
{
    ActorPath Path { get; }

    /// <summary>Enqueues <paramref name="message"/>; never blocks and never throws for a dead target.</summary>
    void Tell(object message, IActorRef? sender = null);
}

/// <summary>Well-known references.</summary>
public static class ActorRefs
{
    /// <summary>The absent sender; replies to it go to dead letters.</summary>
    public static readonly IActorRef? NoSender = null;

    /// <summary>A reference that accepts and drops everything.</summary>
    public static readonly IActorRef Nobody = new NobodyRef();

    private sealed class NobodyRef : IActorRef
    {
        public ActorPath Path { get; } = ActorPath.Root(new Address("nobody")).Child("nobody");

        public void Tell(object message, IActorRef? sender = null)
        {
        }

        public bool Equals(IActorRef? other) => ReferenceEquals(this, other);

        public override string ToString() => "Nobody";
    }
}

/// <summary>The kernel side of every reference: system messages and identity.</summary>
internal abstract class InternalActorRef : IActorRef
{
    public abstract ActorPath Path { get; }

    public abstract void Tell(object message, IActorRef? sender = null);

    /// <summary>Delivers a supervision or watch message, overtaking user messages.</summary>
    public abstract void SendSystemMessage(SystemMessage message);

    /// <summary>The system this reference belongs to.</summary>
    public abstract ActorSystem System { get; }

    /// <summary>True once the actor behind this reference has terminated, as far as this node knows.</summary>
    public abstract bool IsTerminated { get; }

    public void Stop() => SendSystemMessage(new Terminate());

    public bool Equals(IActorRef? other) =>
        other is not null && Path.Uid == other.Path.Uid && Path.Equals(other.Path);

    public override bool Equals(object? obj) => obj is IActorRef other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Path.GetHashCode(), Path.Uid);

    public override string ToString() => $"[{Path}#{Path.Uid}]";
}
