using System.Collections.Concurrent;
using System.Text.Json;
using Lava.Kernel.Remote;
using Microsoft.Extensions.Logging;

namespace Lava.Kernel;

/// <summary>
/// Remoting for one <see cref="ActorSystem"/>: TLS WebSockets to other nodes, one per peer, carrying
/// framed messages between actor paths. Delivery is at most once and ordered per sender–receiver pair.
/// A listening node (<see cref="StartServerAsync"/>) accepts connections on its cluster port; any node
/// (<see cref="StartClient"/> for one that only dials out) opens connections with
/// <see cref="ConnectAsync"/> and redials lost ones with capped exponential backoff. A node that stays
/// disconnected for <see cref="RemoteSettings.GiveUpAfter"/>, announces its shutdown, or is passed to
/// <see cref="NodeRemoved"/> is removed: watchers of its actors get <see cref="Terminated"/> with
/// <c>AddressTerminated</c>. The transport stops when its system terminates.
/// </summary>
public sealed partial class RemoteTransport : IAsyncDisposable
{
    private const int RemovedLimit = 1024;
    private readonly ConcurrentDictionary<Address, Association> _associations = new();
    private readonly ConcurrentDictionary<UniqueAddress, byte> _removed = new();
    private readonly ConcurrentQueue<UniqueAddress> _removedOrder = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _gate = new();
    private int _stopRequested;

    private RemoteTransport(ActorSystem system, RemoteSettings settings, Address address)
    {
        settings.Validate();
        System = system;
        Settings = settings;
        Address = address;
        UniqueAddress = UniqueAddress.NewIncarnation(address);
        Log = system.LoggerFactory.CreateLogger("Lava.Kernel.Remote");
        Refs = new ActorRefCodec(this);
        JsonOptions = new JsonSerializerOptions
        {
            Converters = { new ActorRefJsonConverter(Refs), new AnyValueConverter(system.Serialization) },
        };
        if (!system.AttachRemote(this)) throw new InvalidOperationException($"remoting already runs on {system.Name}");
        system.WhenTerminated.ContinueWith(static (_, state) => ((RemoteTransport)state!).StopAsync(), this,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>This node's address: <c>lava://SYSTEM@HOST:PORT</c>, port 0 when it only dials out.</summary>
    public Address Address { get; }

    /// <summary>This incarnation of the node: <see cref="Address"/> and a uid drawn when the transport started.</summary>
    public UniqueAddress UniqueAddress { get; }

    /// <summary>The settings the transport was started with.</summary>
    public RemoteSettings Settings { get; }

    /// <summary>The nodes with a live connection now.</summary>
    public IReadOnlyList<UniqueAddress> ConnectedNodes =>
        [.. _associations.Values.Where(a => a.Current is not null && !a.IsRemoved).Select(a => a.Node)];

    /// <summary>Completes once the transport has stopped and its port is released.</summary>
    public Task WhenStopped => _stopped.Task;

    internal ActorSystem System { get; }

    internal ILogger Log { get; }

    internal ActorRefCodec Refs { get; }

    internal JsonSerializerOptions JsonOptions { get; }

    internal CancellationToken Stopping => _stopping.Token;

    /// <summary>
    /// Starts remoting on <paramref name="system"/> without a listening port: it only dials out, and its
    /// address is <c>lava://SYSTEM@HOSTNAME:0</c> with <see cref="RemoteSettings.Hostname"/> as advertised host.
    /// </summary>
    public static RemoteTransport StartClient(ActorSystem system, RemoteSettings settings)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(settings);
        return new RemoteTransport(system, settings, new Address(system.Name, settings.Hostname, 0));
    }

    /// <summary>
    /// Declares <paramref name="node"/> gone: its connection is closed, what was queued for it goes to
    /// dead letters, every watcher of its actors gets <see cref="Terminated"/> with
    /// <c>ExistenceConfirmed = false, AddressTerminated = true</c>, watches it held on local actors are
    /// dropped, and this incarnation is refused if it dials in again. Idempotent; a newer incarnation at
    /// the same address is not affected. Membership calls this when a member is removed.
    /// </summary>
    public void NodeRemoved(UniqueAddress node) => RemoveNode(node, "removed");

    /// <summary>Stops the transport: connections are flushed (up to the shutdown timeout), then closed.</summary>
    public Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopRequested, 1) == 0) _ = StopCoreAsync();
        return _stopped.Task;
    }

    /// <summary>As <see cref="StopAsync"/>.</summary>
    public ValueTask DisposeAsync() => new(StopAsync());

    /// <summary>Cuts the connection to <paramref name="node"/> as a network failure would; the node is not removed.</summary>
    internal void AbortConnection(UniqueAddress node)
    {
        if (_associations.TryGetValue(node.Address, out var association) && association.Node.Equals(node)) association.Current?.Abort();
    }

    /// <summary>
    /// Stops as a killed process would: every connection is cut without the shutdown notice, nothing is
    /// redialed and the port is released, so that peers must detect the loss by themselves.
    /// </summary>
    internal async Task CrashAsync()
    {
        if (Interlocked.Exchange(ref _stopRequested, 1) == 0)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
            foreach (var association in _associations.Values) association.Current?.Abort();
            await StopServerAsync().ConfigureAwait(false);
            System.DetachRemote(this);
            _stopped.TrySetResult();
        }
        await _stopped.Task.ConfigureAwait(false);
    }

    internal bool IsRemovedAddress(Address address) =>
        !_associations.ContainsKey(address) && _removed.Keys.Any(n => n.Address.Equals(address));

    internal bool IsRemoved(UniqueAddress node) => _removed.ContainsKey(node);

    internal void Send(RemoteActorRef target, object message, IActorRef? sender)
    {
        if (!_associations.TryGetValue(target.Path.Address, out var association) || association.IsRemoved)
        {
            System.DeadLetters.Tell(new DeadLetter(message, sender, target), sender);
            return;
        }
        var frame = new Outbound(FrameKind.Message, target.WirePath, sender, message);
        if (message is IRemoteControlMessage) association.EnqueueControl(frame);
        else association.EnqueueData(frame);
    }

    internal Association? AssociationOf(Address address) =>
        _associations.TryGetValue(address, out var association) && !association.IsRemoved ? association : null;

    /// <summary>The association for a node that completed its handshake; a new incarnation replaces the old one.</summary>
    internal Association Associate(UniqueAddress node, IReadOnlyList<string> roles, out bool reattached)
    {
        Association? replaced = null;
        Association association;
        lock (_gate)
        {
            if (_associations.TryGetValue(node.Address, out var existing) && existing.Node.Equals(node) && !existing.IsRemoved)
            {
                reattached = true;
                return existing;
            }
            replaced = existing;
            association = new Association(node, roles);
            _associations[node.Address] = association;
        }
        reattached = false;
        if (replaced is not null && !replaced.IsRemoved) RemoveAssociation(replaced, "a new incarnation connected");
        return association;
    }

    internal void OnPeerShutdown(Association association) => RemoveNode(association.Node, "it shut down");

    private void RemoveNode(UniqueAddress node, string reason)
    {
        ArgumentNullException.ThrowIfNull(node);
        Association? association = null;
        lock (_gate)
        {
            if (_associations.TryGetValue(node.Address, out var existing) && existing.Node.Equals(node))
            {
                association = existing;
                _associations.TryRemove(node.Address, out _);
            }
        }
        if (association is not null) RemoveAssociation(association, reason);
        else if (MarkRemoved(node)) AddressTerminated(node);
    }

    private void RemoveAssociation(Association association, string reason)
    {
        lock (_gate)
        {
            if (_associations.TryGetValue(association.Node.Address, out var current) && current == association)
                _associations.TryRemove(association.Node.Address, out _);
        }
        if (association.IsRemoved) return;
        var left = association.Remove();
        association.Current?.Abort();
        MarkRemoved(association.Node);
        RemoteLog.NodeRemoved(Log, association.Node, reason);
        foreach (var frame in left)
        {
            if (frame.Kind == FrameKind.Message && frame.Message is not null)
                System.DeadLetters.Tell(new DeadLetter(frame.Message, frame.Sender, System.DeadLetters), frame.Sender);
        }
        AddressTerminated(association.Node);
        System.EventStream.Publish(new RemoteNodeRemoved(association.Node));
    }

    private bool MarkRemoved(UniqueAddress node)
    {
        if (!_removed.TryAdd(node, 0)) return false;
        _removedOrder.Enqueue(node);
        while (_removedOrder.Count > RemovedLimit && _removedOrder.TryDequeue(out var oldest)) _removed.TryRemove(oldest, out _);
        return true;
    }

    private async Task StopCoreAsync()
    {
        try
        {
            foreach (var association in _associations.Values) association.EnqueueData(new Outbound(FrameKind.Shutdown, "", null, null));
            var connections = _associations.Values.Select(a => a.Current).OfType<Connection>().Select(c => c.Completion).ToArray();
            await Task.WhenAll(connections).WaitAsync(Settings.ShutdownTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Peers that did not close in time are cut off below.
        }
        finally
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
            foreach (var association in _associations.Values) association.Current?.Abort();
            await StopServerAsync().ConfigureAwait(false);
            System.DetachRemote(this);
            _stopped.TrySetResult();
        }
    }
}

/// <summary>
/// Marks messages that travel on a connection's control lane: they overtake ordinary messages queued to
/// the same node (so they are not ordered relative to them) and are never held behind a large message.
/// For small, time-critical traffic such as heartbeats; keep them well below the chunk size.
/// </summary>
public interface IRemoteControlMessage;
