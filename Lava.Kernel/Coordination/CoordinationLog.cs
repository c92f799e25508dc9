using Microsoft.Extensions.Logging;

namespace Lava.Kernel;

/// <summary>Every log statement of the leases, with stable event ids (7000–7049).</summary>
internal static partial class CoordinationLog
{
    [LoggerMessage(EventId = 7000, Level = LogLevel.Information, Message = "Lease {Name} acquired by {Owner}")]
    public static partial void Acquired(ILogger logger, string name, string owner);

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Lease {Name} released by {Owner}")]
    public static partial void Released(ILogger logger, string name, string owner);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "Renewing lease {Name} of {Owner} failed; retrying until its local deadline")]
    public static partial void RenewFailed(ILogger logger, Exception error, string name, string owner);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Warning, Message = "Lease {Name} of {Owner} lost: {Reason}")]
    public static partial void Lost(ILogger logger, Exception? error, string name, string owner, string reason);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Error, Message = "The lost-lease callback of {Name} ({Owner}) threw")]
    public static partial void CallbackFailed(ILogger logger, Exception error, string name, string owner);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Information, Message = "Created the lease tables {Table} and {HistoryTable} on {Endpoint}")]
    public static partial void SchemaReady(ILogger logger, string table, string historyTable, string endpoint);
}
