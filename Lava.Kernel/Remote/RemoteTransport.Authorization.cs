using System.Collections.Concurrent;
using Lava.Kernel.Remote;

namespace Lava.Kernel;

/// <summary>What connected nodes may address (<see cref="IInboundAuthorizer"/>), and closing a node out (<see cref="Disconnect"/>).</summary>
public sealed partial class RemoteTransport
{
    private const int RefusalLogLimit = 10_000;
    private readonly ConcurrentDictionary<(UniqueAddress Node, string Path), byte> _loggedRefusals = new();
    private readonly ConcurrentDictionary<UniqueAddress, string> _disconnectReasons = new();
    private IInboundAuthorizer? _authorizer;
    private long _unauthorizedFrames;

    /// <summary>
    /// How many inbound frames were dropped on the listening side since the transport started: those the
    /// <see cref="IInboundAuthorizer"/> refused and those whose sender is not an actor of the node they came from.
    /// </summary>
    public long UnauthorizedFrames => Interlocked.Read(ref _unauthorizedFrames);

    /// <summary>
    /// Closes <paramref name="node"/> out at once: the peer gets a Disconnect frame with
    /// <paramref name="reason"/> (it publishes <see cref="RemoteConnectionRefused"/> and stops redialing),
    /// the connection is closed, and the incarnation is removed as by <see cref="NodeRemoved"/>, so that it
    /// is refused if it dials in again, with <paramref name="reason"/>, so that it learns why even when the
    /// connection was cut before the frame got out. Nothing more from it is delivered. Idempotent.
    /// </summary>
    public void Disconnect(UniqueAddress node, string reason)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(reason);
        if (_disconnectReasons.Count >= RemovedLimit) _disconnectReasons.Clear();
        _disconnectReasons.TryAdd(node, reason);
        if (!_associations.TryGetValue(node.Address, out var association) || !association.Node.Equals(node) || association.IsRemoved)
        {
            RemoveNode(node, $"disconnected: {reason}");
            return;
        }
        if (!association.Refuse(reason)) return;
        RemoteLog.Disconnecting(Log, node, reason);
        if (association.Current is not { } connection)
        {
            RemoveAssociation(association, $"disconnected: {reason}");
            return;
        }
        association.EnqueueControl(new Outbound(FrameKind.Disconnect, reason, null, null));
        _ = RemoveAfterDisconnectAsync(association, connection, reason);
    }

    /// <summary>The peer closed this node out with a Disconnect frame; the association is removed once the connection ends.</summary>
    internal void OnPeerDisconnect(Association association, string reason)
    {
        if (!association.Refuse(reason)) return;
        RemoteLog.DisconnectedByPeer(Log, association.Node, reason);
        System.EventStream.Publish(new RemoteConnectionRefused(association.Node, reason));
    }

    /// <summary>Why <paramref name="node"/> is refused when it dials in again after its removal.</summary>
    private string RemovedRefusal(UniqueAddress node) =>
        _disconnectReasons.TryGetValue(node, out var reason) ? reason : $"{node} was removed; a restarted node is admitted as a new incarnation";

    private async Task RemoveAfterDisconnectAsync(Association association, Connection connection, string reason)
    {
        // The peer answers the close, which ends the connection; a peer that does not is cut off after a bound.
        await Task.WhenAny(connection.Completion, Task.Delay(Settings.HandshakeTimeout, System.TimeProvider, Stopping)).ConfigureAwait(false);
        RemoveAssociation(association, $"disconnected: {reason}");
    }

    /// <summary>
    /// On the listening side, a frame's sender (the watcher of a Watch or Unwatch, the terminated actor of a
    /// DeathWatchNotification) must be empty or an actor of the node whose connection carried it: a connected
    /// node cannot speak for this one or for another node. A forged frame is dropped, counted in
    /// <see cref="UnauthorizedFrames"/> and logged once per (node, sender).
    /// </summary>
    private bool IsOwnSender(Association from, FrameKind kind, string senderPath)
    {
        if (_server is null || senderPath.Length == 0) return true;
        var own = from.AddressText;
        if (senderPath.Length > own.Length && senderPath[own.Length] == '/' && senderPath.StartsWith(own, StringComparison.Ordinal)) return true;
        var path = WithoutUid(senderPath);
        if (CountRefusal(from.Node, "sender " + path)) RemoteLog.ForgedSender(Log, kind, from.Node, path);
        return false;
    }

    /// <summary>
    /// Empty for <c>lava://SYS[@HOST:PORT]/deadLetters[#uid]</c>: dead letters stand for no sender, whichever node
    /// they name, so they are delivered as none; resolved as that node's, they would pass for one of its actors.
    /// </summary>
    private static string NoSenderIfDeadLetters(string fullPath) => IsDeadLettersPath(fullPath) ? "" : fullPath;

    private static bool IsDeadLettersPath(string fullPath)
    {
        const string scheme = "lava://", deadLetters = "/deadLetters";
        if (!fullPath.StartsWith(scheme, StringComparison.Ordinal)) return false;
        var slash = fullPath.IndexOf('/', scheme.Length);
        if (slash < 0 || string.CompareOrdinal(fullPath, slash, deadLetters, 0, deadLetters.Length) != 0) return false;
        var end = slash + deadLetters.Length;
        return end == fullPath.Length || fullPath[end] == '#';
    }

    private bool IsAuthorized(Association from, FrameKind kind, string recipientPath)
    {
        if (_authorizer is null) return true;
        var path = WithoutUid(recipientPath);
        bool authorized;
        try
        {
            authorized = _authorizer.Authorize(from.Node, from.Roles, path);
        }
        catch (Exception e)
        {
            RemoteLog.AuthorizerFailed(Log, e, from.Node, path);
            authorized = false;
        }
        if (authorized) return true;
        if (CountRefusal(from.Node, path)) RemoteLog.Unauthorized(Log, kind, from.Node, string.Join(", ", from.Roles), path);
        return false;
    }

    /// <summary>Counts a dropped frame in <see cref="UnauthorizedFrames"/>; true the first time for (<paramref name="node"/>, <paramref name="key"/>), which is logged.</summary>
    private bool CountRefusal(UniqueAddress node, string key)
    {
        Interlocked.Increment(ref _unauthorizedFrames);
        if (_loggedRefusals.Count >= RefusalLogLimit) _loggedRefusals.Clear();
        return _loggedRefusals.TryAdd((node, key), 0);
    }

    private static string WithoutUid(string path)
    {
        var hash = path.LastIndexOf('#');
        return hash < 0 ? path : path[..hash];
    }
}
