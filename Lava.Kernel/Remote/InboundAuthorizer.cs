namespace Lava.Kernel;

/// <summary>
/// Decides, on the listening side, whether a connected node may address a local actor. Consulted for every
/// inbound Message, Watch and Unwatch frame before it is delivered; a refused frame is dropped, counted in
/// <see cref="RemoteTransport.UnauthorizedFrames"/> and logged once per (node, path). Called on the
/// connection's reader: it must be fast and must not block. Independently of it, the listening side drops
/// every frame whose sender is not an actor of the node that sent it.
/// </summary>
public interface IInboundAuthorizer
{
    /// <summary>True when <paramref name="from"/>, admitted with <paramref name="roles"/>, may send to <paramref name="recipientPath"/>.</summary>
    /// <param name="from">The incarnation that sent the frame.</param>
    /// <param name="roles">The roles it presented in its handshake.</param>
    /// <param name="recipientPath">The local path addressed, without address and uid (<c>/user/workers/w1</c>).</param>
    bool Authorize(UniqueAddress from, IReadOnlyList<string> roles, string recipientPath);
}
