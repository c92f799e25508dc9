using Microsoft.Extensions.Logging;

namespace Lava.Host.Worker;

/// <summary>Every log statement of the worker host, with stable event ids.</summary>
internal static partial class LogMessages
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Lava worker {Name} {Version} starting: master {Master}, data directory {DataDir}")]
    public static partial void WorkerStarting(ILogger logger, string name, string version, string master, string dataDir);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Worker {Name} joined the cluster as {Node} (uid {Uid})")]
    public static partial void Joined(ILogger logger, string name, string node, long uid);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Cannot join the master at {Master}, next attempt in {Delay}: {Reason}")]
    public static partial void JoinFailed(ILogger logger, string master, TimeSpan delay, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "Refused by the master: {Reason}")]
    public static partial void Refused(ILogger logger, string reason);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Lost the cluster ({Reason}): rejoining as a new incarnation")]
    public static partial void Rejoining(ILogger logger, string reason);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Received {Signal}: leaving the cluster")]
    public static partial void Stopping(ILogger logger, string signal);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "Lava worker {Name} stopped")]
    public static partial void WorkerStopped(ILogger logger, string name);

    [LoggerMessage(EventId = 8, Level = LogLevel.Critical, Message = "Lava worker {Name} failed")]
    public static partial void WorkerFailed(ILogger logger, Exception exception, string name);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning, Message = "The cluster removed this worker; its cluster port stays open {Linger} before it rejoins as a new incarnation")]
    public static partial void Lingering(ILogger logger, TimeSpan linger);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "The master refused this worker ({Reason}); probing once more in {Delay} in case it was only stopping")]
    public static partial void ProbeRefused(ILogger logger, string reason, TimeSpan delay);
}
