using Microsoft.Extensions.Logging;

namespace Lava.Actors;

/// <summary>Log statements of Lava.Actors outside actors (actors log through their ILoggingAdapter), with stable event ids.</summary>
internal static partial class LogMessages
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Warning, Message = "Refused the TLS peer {Peer}: {Reason}")]
    public static partial void TlsPeerRefused(ILogger logger, string peer, string reason);
}
