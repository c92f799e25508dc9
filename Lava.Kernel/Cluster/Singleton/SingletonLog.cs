using Microsoft.Extensions.Logging;

namespace Lava.Kernel;

/// <summary>Every log statement of the cluster singleton, with stable event ids (7100–7149).</summary>
internal static partial class SingletonLog
{
    [LoggerMessage(EventId = 7100, Level = LogLevel.Information, Message = "Singleton [{Name}] started on {Address}")]
    public static partial void Started(ILogger logger, string name, Address address);

    [LoggerMessage(EventId = 7101, Level = LogLevel.Information, Message = "Singleton [{Name}] stopped on {Address}")]
    public static partial void Stopped(ILogger logger, string name, Address address);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Information, Message = "Stopping singleton [{Name}] on {Address}: {Reason}")]
    public static partial void Stopping(ILogger logger, string name, Address address, string reason);

    [LoggerMessage(EventId = 7103, Level = LogLevel.Warning, Message = "Singleton [{Name}] did not stop within {Timeout} after its termination message; stopping it")]
    public static partial void StopTimedOut(ILogger logger, string name, TimeSpan timeout);

    [LoggerMessage(EventId = 7104, Level = LogLevel.Information, Message = "Lease {Lease} for singleton [{Name}] acquired")]
    public static partial void LeaseAcquired(ILogger logger, string lease, string name);

    [LoggerMessage(EventId = 7105, Level = LogLevel.Debug, Message = "Lease {Lease} for singleton [{Name}] is held by another owner; retrying in {Interval}")]
    public static partial void LeaseNotAcquired(ILogger logger, string lease, string name, TimeSpan interval);

    [LoggerMessage(EventId = 7106, Level = LogLevel.Warning, Message = "Acquiring lease {Lease} for singleton [{Name}] failed; retrying in {Interval}")]
    public static partial void LeaseAcquireFailed(ILogger logger, Exception error, string lease, string name, TimeSpan interval);

    [LoggerMessage(EventId = 7107, Level = LogLevel.Warning, Message = "Lease {Lease} for singleton [{Name}] lost")]
    public static partial void LeaseLost(ILogger logger, Exception? error, string lease, string name);

    [LoggerMessage(EventId = 7108, Level = LogLevel.Warning, Message = "Releasing lease {Lease} for singleton [{Name}] failed; it expires by itself")]
    public static partial void LeaseReleaseFailed(ILogger logger, Exception error, string lease, string name);

    [LoggerMessage(EventId = 7109, Level = LogLevel.Information, Message = "Asking the previous oldest {Member} to hand singleton [{Name}] over")]
    public static partial void AskingHandOver(ILogger logger, UniqueAddress member, string name);

    [LoggerMessage(EventId = 7110, Level = LogLevel.Information, Message = "Singleton [{Name}] handed over by {Member}")]
    public static partial void HandedOver(ILogger logger, string name, UniqueAddress member);

    [LoggerMessage(EventId = 7120, Level = LogLevel.Warning, Message = "Singleton proxy for [{Name}] buffers {BufferSize} messages already; dropping the oldest, a {MessageType}")]
    public static partial void BufferFull(ILogger logger, string name, int bufferSize, string messageType);

    [LoggerMessage(EventId = 7121, Level = LogLevel.Information, Message = "Singleton proxy identified [{Name}] at {Singleton}; delivering {Buffered} buffered messages")]
    public static partial void Identified(ILogger logger, string name, ActorPath singleton, int buffered);

    [LoggerMessage(EventId = 7122, Level = LogLevel.Debug, Message = "Singleton proxy looks for [{Name}] on {Oldest}")]
    public static partial void Identifying(ILogger logger, string name, Address oldest);
}
