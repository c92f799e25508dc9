namespace Lava.Actors.Jobs.Submission;

/// <summary>Why LAVA refuses a submission; each kind has its own fault and REST message (spec §1.10).</summary>
public enum RefusalKind
{
    /// <summary>The text is not YAML: <c>Invalid job definition: ...</c>.</summary>
    InvalidDefinition,

    /// <summary>The submission schema or a later check refused it: <c>Problem with submitted job data: ...</c>.</summary>
    Problem,

    /// <summary>No device can take it: <c>Device unavailable: ...</c>.</summary>
    DeviceUnavailable,
}

/// <summary>A refused submission; <see cref="Line"/> and <see cref="Column"/> (1-based) point into the text when known.</summary>
public sealed record SubmissionRefusal(RefusalKind Kind, string Message, long? Line = null, long? Column = null)
{
    /// <summary>The message as LAVA's XML-RPC fault text and REST <c>message</c> give it.</summary>
    public string Text => Kind switch
    {
        RefusalKind.InvalidDefinition => $"Invalid job definition: {Message}.",
        RefusalKind.Problem => $"Problem with submitted job data: {Message}",
        _ => $"Device unavailable: {Message}",
    };
}

/// <summary>The jobs a submission became (one, or one per MultiNode role instance), or why it was refused.</summary>
public sealed record SubmissionOutcome(IReadOnlyList<JobSpec> Jobs, SubmissionRefusal? Refusal)
{
    public static SubmissionOutcome Refused(SubmissionRefusal refusal) => new([], refusal);

    public static SubmissionOutcome Accepted(IReadOnlyList<JobSpec> jobs) => new(jobs, null);
}
