using Microsoft.Extensions.Logging;

namespace Lava.Actors.Security;

internal static partial class SecurityLog
{
    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Created the lab CA key {Path}")]
    public static partial void CaKeyCreated(ILogger logger, string path);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "The lab CA key {Path} is readable or writable by others than its owner: chmod 600 it")]
    public static partial void CaKeyExposed(ILogger logger, string path);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Lab CA {Thumbprint} loaded from {DataDir}, valid until {NotAfter:u}")]
    public static partial void CaLoaded(ILogger logger, string thumbprint, string dataDir, DateTime notAfter);
}
