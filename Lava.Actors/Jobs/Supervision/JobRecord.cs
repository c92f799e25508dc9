namespace Lava.Actors.Jobs.Supervision;

/// <summary>
/// A job as its supervisor's journal makes it: <see cref="Apply"/> folds one event in, purely, so recovery and live
/// commands build the very same value. Transitions only move forward (spec §3.4).
/// </summary>
internal sealed record JobRecord(
    long JobId,
    JobSpec? Spec,
    JobState State,
    JobHealth Health,
    string? Device,
    string? Worker,
    DateTimeOffset? StartTime,
    DateTimeOffset? EndTime,
    string ErrorType,
    string FailureComment,
    long LogLines,
    long TestCases,
    string? CanceledBy,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Sent)
{
    public static JobRecord New(long jobId) =>
        new(jobId, null, JobState.Submitted, JobHealth.Unknown, null, null, null, null, "", "", 0, 0, null, NoneSent);

    private static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> NoneSent =
        new Dictionary<string, IReadOnlyDictionary<string, string>>();

    /// <summary>False until <see cref="JobSubmitted"/>: the supervisor of an id nobody submitted.</summary>
    public bool Exists => Spec is not null;

    /// <summary>True while the job holds a device: Scheduled, Running or Canceling.</summary>
    public bool OnDevice => Exists && State is JobState.Scheduled or JobState.Running or JobState.Canceling;

    public JobRecord Apply(JobEvent e) => e switch
    {
        JobSubmitted s => this with { Spec = s.Spec, State = JobState.Submitted },
        JobScheduled s => this with { State = JobState.Scheduled, Device = s.Device, Worker = s.Worker },
        JobStarted s => this with { State = State == JobState.Canceling ? State : JobState.Running, Worker = s.Worker, StartTime = s.At },
        JobProgressAcknowledged p => this with { LogLines = Math.Max(LogLines, p.LogLines), TestCases = Math.Max(TestCases, p.TestCases) },
        JobCancelRequested c => this with { State = JobState.Canceling, CanceledBy = c.By },
        // MultiNode messages this job sent; the first of an id stands (lava-send does not replace).
        MultinodeMessageSent m when !Sent.ContainsKey(m.MessageId) =>
            this with { Sent = new Dictionary<string, IReadOnlyDictionary<string, string>>(Sent) { [m.MessageId] = m.Data } },
        MultinodeMessageSent => this,
        JobFinished f => this with
        {
            State = JobState.Finished,
            Health = f.Health,
            ErrorType = f.ErrorType,
            FailureComment = f.FailureComment,
            StartTime = StartTime ?? f.At, // LAVA: finishing a job that never started sets both times
            EndTime = f.At,
        },
        _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name, "not a job event"),
    };

    public JobStatus ToStatus() => new(
        JobId, Spec!, State, Health, Device, Worker, StartTime, EndTime, ErrorType, FailureComment, LogLines, TestCases);
}
