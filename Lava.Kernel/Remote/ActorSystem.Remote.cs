namespace Lava.Kernel;

/// <summary>The system's side of remoting: its public address once a transport runs, and message manifests.</summary>
public sealed partial class ActorSystem
{
    private RemoteTransport? _remote;

    /// <summary>
    /// The address local actor paths carry: <c>lava://SYSTEM</c>. Paths keep it even once remoting runs;
    /// they are written with <see cref="Address"/> when they cross to another node.
    /// </summary>
    public Address LocalAddress { get; }

    /// <summary>
    /// Where other nodes reach this system: <c>lava://SYSTEM@HOST:PORT</c> once a
    /// <see cref="RemoteTransport"/> runs on it (port 0 for a node that only dials out), otherwise
    /// <see cref="LocalAddress"/>.
    /// </summary>
    public Address Address => Volatile.Read(ref _remote)?.Address ?? LocalAddress;

    /// <summary>The manifests of the message types that may cross to other nodes.</summary>
    public SerializerRegistry Serialization { get; } = new();

    /// <summary>The transport of this system, or null while remoting is off.</summary>
    public RemoteTransport? Remote => Volatile.Read(ref _remote);

    /// <summary>
    /// A handle on the actor at <paramref name="path"/>: <c>/user/a</c> or <c>lava://SYSTEM/user/a</c> on
    /// this system, <c>lava://SYSTEM@HOST:PORT/user/a</c> on another node. Nothing is looked up until a
    /// message is sent; wildcards are not supported.
    /// </summary>
    public ActorSelection ActorSelection(string path) => new(this, path);

    internal bool AttachRemote(RemoteTransport transport) => Interlocked.CompareExchange(ref _remote, transport, null) is null;

    internal void DetachRemote(RemoteTransport transport) => Interlocked.CompareExchange(ref _remote, null, transport);

    /// <summary>True when <paramref name="address"/> names this system, in its local or its public form.</summary>
    internal bool IsLocal(Address address) =>
        address.HasLocalScope ? address.System == Name : address.Equals(Volatile.Read(ref _remote)?.Address);
}
