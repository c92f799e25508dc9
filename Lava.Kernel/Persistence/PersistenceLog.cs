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

    [LoggerMessage(EventId = 3004, Level = LogLevel.Error, Message = "Failed to persist event type [{EventType}] with sequence number [{SequenceNr}] for persistenceId [{PersistenceId}]")]
    public static partial void PersistFailed(ILogger logger, Exception error, string eventType, long sequenceNr, string persistenceId);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Rejected to persist event type [{EventType}] with sequence number [{SequenceNr}] for persistenceId [{PersistenceId}]: {Reason}")]
    public static partial void PersistRejected(ILogger logger, Exception error, string eventType, long sequenceNr, string persistenceId, string reason);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Error, Message = "Recovery of persistenceId [{PersistenceId}] failed at sequence number [{SequenceNr}] ({EventType})")]
    public static partial void RecoveryFailed(ILogger logger, Exception error, string persistenceId, long sequenceNr, string eventType);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning, Message = "Failed to save snapshot of [{PersistenceId}] at [{SequenceNr}]")]
    public static partial void SaveSnapshotFailed(ILogger logger, Exception error, string persistenceId, long sequenceNr);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Warning, Message = "Failed to delete events of [{PersistenceId}] up to [{SequenceNr}]")]
    public static partial void DeleteMessagesFailed(ILogger logger, Exception error, string persistenceId, long sequenceNr);
}
