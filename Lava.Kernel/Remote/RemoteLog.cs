using Microsoft.Extensions.Logging;

namespace Lava.Kernel.Remote;

/// <summary>The log messages of remoting, with stable event ids in the 4000 range.</summary>
internal static partial class RemoteLog
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "Remoting of {System} listens on {Address} as {Node}")]
    public static partial void Listening(ILogger logger, string system, Address address, UniqueAddress node);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Connected to {Node} with roles [{Roles}]")]
    public static partial void Connected(ILogger logger, UniqueAddress node, string roles);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Connection to {Node} ended: {Reason}")]
    public static partial void ConnectionEnded(ILogger logger, UniqueAddress node, string reason);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Error, Message = "Connection to {Node} failed")]
    public static partial void ConnectionFailed(ILogger logger, Exception exception, UniqueAddress node);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Dropped a {Kind} frame from {Node} that could not be read")]
    public static partial void UnreadableFrame(ILogger logger, Exception exception, FrameKind kind, UniqueAddress node);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "Dropped a message from {Node} to {Recipient} with unknown manifest '{Manifest}'")]
    public static partial void UnknownManifest(ILogger logger, UniqueAddress node, string recipient, string manifest);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Error, Message = "Message of type {MessageType} to {Recipient} was not sent: {Reason}")]
    public static partial void NotSent(ILogger logger, string messageType, string recipient, string reason);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Warning, Message = "Refused {Node} from {EndPoint}: {Reason}")]
    public static partial void Refused(ILogger logger, UniqueAddress? node, string endPoint, string reason);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Warning, Message = "Node {Node} removed: {Reason}")]
    public static partial void NodeRemoved(ILogger logger, UniqueAddress node, string reason);

    [LoggerMessage(EventId = 4009, Level = LogLevel.Information, Message = "Redialing {Endpoint} failed, next attempt in {Delay}: {Reason}")]
    public static partial void RedialFailed(ILogger logger, string endpoint, TimeSpan delay, string reason);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Debug, Message = "Ignored system message {MessageType} to remote actor {Recipient}")]
    public static partial void IgnoredSystemMessage(ILogger logger, string messageType, ActorPath recipient);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Warning, Message = "Kestrel did not stop within {Timeout}")]
    public static partial void ServerStopTimedOut(ILogger logger, TimeSpan timeout);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Warning, Message = "Handshake from {EndPoint} failed: {Reason}")]
    public static partial void HandshakeFailed(ILogger logger, string endPoint, string reason);

    [LoggerMessage(EventId = 4013, Level = LogLevel.Warning, Message = "Dropped a {Kind} frame from {Node} (roles [{Roles}]) to {Recipient}: the node is not authorized to send there; further frames on this path are dropped silently")]
    public static partial void Unauthorized(ILogger logger, FrameKind kind, UniqueAddress node, string roles, string recipient);

    [LoggerMessage(EventId = 4014, Level = LogLevel.Error, Message = "The inbound authorizer failed for {Node} to {Recipient}; the frame is dropped")]
    public static partial void AuthorizerFailed(ILogger logger, Exception exception, UniqueAddress node, string recipient);

    [LoggerMessage(EventId = 4015, Level = LogLevel.Warning, Message = "Disconnecting {Node}: {Reason}")]
    public static partial void Disconnecting(ILogger logger, UniqueAddress node, string reason);

    [LoggerMessage(EventId = 4016, Level = LogLevel.Warning, Message = "{Node} disconnected this node: {Reason}")]
    public static partial void DisconnectedByPeer(ILogger logger, UniqueAddress node, string reason);

    [LoggerMessage(EventId = 4017, Level = LogLevel.Warning, Message = "{Node} refused to readmit this node: {Reason}")]
    public static partial void ReadmissionRefused(ILogger logger, UniqueAddress node, string reason);

    [LoggerMessage(EventId = 4018, Level = LogLevel.Warning, Message = "Dropped a {Kind} frame from {Node} whose sender {Sender} is not one of its actors; further frames with this sender are dropped silently")]
    public static partial void ForgedSender(ILogger logger, FrameKind kind, UniqueAddress node, string sender);
}
