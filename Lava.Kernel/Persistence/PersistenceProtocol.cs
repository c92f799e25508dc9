namespace Lava.Kernel.Persistence;

/// <summary>Delivered to the recovery handlers last, always (also for a persistence id without events).</summary>
public sealed class RecoveryCompleted
{
    public static RecoveryCompleted Instance { get; } = new();

    private RecoveryCompleted()
    {
    }
}

/// <summary>Delivered to the recovery handlers first when a snapshot was found.</summary>
public sealed record SnapshotOffer(SnapshotMetadata Metadata, object Snapshot);

/// <summary>A snapshot was stored; delivered as a command.</summary>
public sealed record SaveSnapshotSuccess(SnapshotMetadata Metadata);

/// <summary>A snapshot could not be stored; delivered as a command (logged when unhandled).</summary>
public sealed record SaveSnapshotFailure(SnapshotMetadata Metadata, Exception Cause);

/// <summary>Events up to <paramref name="ToSequenceNr"/> were deleted; delivered as a command.</summary>
public sealed record DeleteMessagesSuccess(long ToSequenceNr);

/// <summary>Events could not be deleted; delivered as a command (logged when unhandled).</summary>
public sealed record DeleteMessagesFailure(Exception Cause, long ToSequenceNr);

/// <summary>Replay stalled longer than <c>recovery-event-timeout</c>.</summary>
public sealed class RecoveryTimedOutException(string message) : ActorKernelException(message);
