using Lava.Kernel.Remote;

namespace Lava.Kernel;

/// <summary>
/// A path that is looked up each time a message is sent, as Akka's <c>ActorSelection</c> without
/// wildcards: a local path (<c>/user/a</c>, <c>lava://SYSTEM/user/a</c>) is resolved in this system, a
/// path on another node (<c>lava://SYSTEM@HOST:PORT/user/a</c>) is sent over remoting, where the
/// owning node resolves it. Messages to a path nobody holds go to dead letters.
/// </summary>
public sealed class ActorSelection
{
    private readonly ActorSystem _system;

    internal ActorSelection(ActorSystem system, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _system = system;
        PathString = path;
    }

    /// <summary>The path as given.</summary>
    public string PathString { get; }

    /// <summary>Sends <paramref name="message"/> to whoever holds the path now.</summary>
    public void Tell(object message, IActorRef? sender = null) => (Target() ?? _system.DeadLetters).Tell(message, sender);

    /// <summary>
    /// The reference of the actor at the path, found by sending it <see cref="Identify"/>. Fails with
    /// <see cref="ActorNotFoundException"/> when nobody holds the path or no answer comes within
    /// <paramref name="timeout"/>.
    /// </summary>
    public async Task<IActorRef> ResolveOne(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var target = Target() ?? throw new ActorNotFoundException(PathString);
        try
        {
            var identity = await target.Ask<ActorIdentity>(new Identify(PathString), timeout, cancellationToken).ConfigureAwait(false);
            return identity.Subject ?? throw new ActorNotFoundException(PathString);
        }
        catch (AskTimeoutException e)
        {
            throw new ActorNotFoundException(PathString, e);
        }
    }

    /// <summary>The reference to send to: the local actor, a remote reference, or null when a local path is empty.</summary>
    private IActorRef? Target()
    {
        if (PathString.StartsWith('/')) return _system.Resolve(PathString);
        var path = ActorPath.Parse(PathString);
        if (_system.IsLocal(path.Address)) return _system.Resolve(path.ToStringWithoutAddress());
        return _system.Remote is { } remote ? new RemoteActorRef(remote, path) : null;
    }

    public override string ToString() => $"ActorSelection[{PathString}]";
}
