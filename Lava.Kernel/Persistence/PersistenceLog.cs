using Microsoft.Extensions.Logging;

namespace Lava.Kernel.Persistence;

/// <summary>Every log statement of the persistence storage, with stable event ids (3000–3099).</summary>
internal static partial class PersistenceLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Applied schema migration {Version} ({Description}) to {Store}")]
    public static partial void MigrationApplied(ILogger logger, int version, string description, string store);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "A batch of {AtomicWrites} atomic writes hit a unique violation; writing them one by one")]
    public static partial void BatchConflict(ILogger logger, int atomicWrites);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "A batch of {AtomicWrites} atomic writes failed")]
    public static partial void BatchFailed(ILogger logger, Exception error, int atomicWrites);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "{Endpoint} is unavailable; dropping pooled connections")]
    public static partial void StoreUnavailable(ILogger logger, Exception error, string endpoint);
}
