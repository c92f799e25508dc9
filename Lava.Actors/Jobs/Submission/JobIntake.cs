using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Lava.Actors.Jobs.Scheduling;
using Lava.Actors.Jobs.Supervision;

namespace Lava.Actors.Jobs.Submission;

/// <summary>
/// The job intake of one master. It journals each accepted job's <see cref="JobSubmitted"/> as event 1 of
/// <c>job-N</c> straight to the journal, a few writes in flight and the jobs of all submissions waiting meanwhile in the
/// next write, and only once a job's write has committed answers <see cref="JobsJournaled"/> (else <see cref="JobsNotJournaled"/>) and tells the scheduler
/// <see cref="JobQueued"/>. No supervisor starts here: a job's <see cref="JobSupervisor"/> starts when something first
/// addresses it through the shard region (the scheduler's <see cref="AssignDevice"/>, a cancel, a status query) and
/// replays the job as Queued.
/// </summary>
/// <remarks>
/// Writing event 1 without the supervisor is safe because job ids are allocated once (<see cref="ReadModels.IJobIds"/>):
/// nobody else writes <c>job-N</c> before the intake has answered. The journal applies the event adapters to
/// <see cref="WriteMessages"/> itself, so the events carry the <c>job</c> tag as a supervisor's would.
/// </remarks>
public sealed class JobIntake : ReceiveActor
{
    /// <summary>
    /// Journal writes in flight at once. One write at a time would make every submission wait for the write before its
    /// own; a few keep the journal busy while still gathering the submissions of a burst into few writes.
    /// </summary>
    public const int DefaultWritesInFlight = 4;

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IActorRef _journal;
    private readonly int _writesInFlight;
    private readonly string _writerGuid = Guid.NewGuid().ToString();
    private readonly Lazy<IActorRef> _scheduler;
    private readonly Dictionary<int, PendingWrite> _inFlight = [];
    private List<Submission> _waiting = [];
    private int _lastWrite;

    /// <summary>Created by Akka.NET from <see cref="Props"/>.</summary>
    public JobIntake(Func<IActorRef> scheduler, IActorRef? journal, int writesInFlight)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(writesInFlight, 1);
        _scheduler = new Lazy<IActorRef>(scheduler);
        _journal = journal ?? Akka.Persistence.Persistence.Instance.Apply(Context.System).JournalFor(null);
        _writesInFlight = writesInFlight;
        Receive<JournalJobs>(journal =>
        {
            _waiting.Add(new Submission(journal.Jobs, Sender));
            if (_inFlight.Count < _writesInFlight) Write();
        });
        Receive<WriteMessagesSuccessful>(_ => { });
        Receive<WriteMessagesFailed>(failed => _log.Warning(failed.Cause, "The journal did not write {Count} submitted jobs", failed.WriteCount));
        Receive<WriteMessageSuccess>(written => Answered(written.ActorInstanceId, written.Persistent, null));
        Receive<WriteMessageRejected>(rejected => Answered(rejected.ActorInstanceId, rejected.Persistent, rejected.Cause));
        Receive<WriteMessageFailure>(failure => Answered(failure.ActorInstanceId, failure.Persistent, failure.Cause));
    }

    /// <summary>
    /// The intake; <paramref name="scheduler"/> gives the scheduler proxy, looked up when the first jobs are journaled
    /// (its builder may come later). It writes to <paramref name="journal"/>, the default journal when null, with at most
    /// <paramref name="writesInFlight"/> writes in flight.
    /// </summary>
    public static Props Props(Func<IActorRef> scheduler, IActorRef? journal = null, int writesInFlight = DefaultWritesInFlight)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        return Akka.Actor.Props.Create(() => new JobIntake(scheduler, journal, writesInFlight));
    }

    /// <summary>Journals every job waiting, one atomic write per job, all in one <see cref="WriteMessages"/>.</summary>
    private void Write()
    {
        var submissions = _waiting;
        _waiting = [];
        var writes = submissions
            .SelectMany(s => s.Jobs)
            .Select(spec => (IPersistentEnvelope)new AtomicWrite(new Persistent(
                new JobSubmitted(spec.Id, spec), 1, JobEvents.PersistenceId(spec.Id), writerGuid: _writerGuid)))
            .ToList();
        // The journal echoes the write's number in each answer, so that answers find their write.
        var write = ++_lastWrite;
        var pending = new PendingWrite(submissions, writes.Count);
        _inFlight[write] = pending;
        if (writes.Count == 0)
        {
            Finish(write, pending);
            return;
        }
        _journal.Tell(new WriteMessages(writes, Self, write));
    }

    private void Answered(int write, IPersistentRepresentation persistent, Exception? cause)
    {
        if (!_inFlight.TryGetValue(write, out var pending)) return;
        if (cause is not null) pending.Failed[((JobSubmitted)persistent.Payload).JobId] = cause;
        if (--pending.Unanswered == 0) Finish(write, pending);
    }

    /// <summary>Answers each submission of the write (all its jobs written, or not), then writes what came meanwhile.</summary>
    private void Finish(int write, PendingWrite pending)
    {
        _inFlight.Remove(write);
        foreach (var submission in pending.Submissions)
        {
            if (submission.Jobs.Select(j => pending.Failed.GetValueOrDefault(j.Id)).FirstOrDefault(c => c is not null) is { } cause)
            {
                submission.ReplyTo.Tell(new JobsNotJournaled(submission.Jobs.Select(j => j.Id).ToList(), cause));
                continue;
            }
            foreach (var spec in submission.Jobs) _scheduler.Value.Tell(new JobQueued(spec));
            submission.ReplyTo.Tell(new JobsJournaled(submission.Jobs.Select(j => j.Id).ToList()));
        }
        if (_waiting.Count > 0 && _inFlight.Count < _writesInFlight) Write();
    }

    private sealed record Submission(IReadOnlyList<JobSpec> Jobs, IActorRef ReplyTo);

    private sealed class PendingWrite(List<Submission> submissions, int unanswered)
    {
        public List<Submission> Submissions { get; } = submissions;

        public int Unanswered { get; set; } = unanswered;

        public Dictionary<long, Exception> Failed { get; } = [];
    }
}

/// <summary>
/// To the <see cref="JobIntake"/> of this master: journal these accepted jobs (a submission's, a MultiNode group whole).
/// Answered <see cref="JobsJournaled"/> or <see cref="JobsNotJournaled"/>.
/// </summary>
public sealed record JournalJobs(IReadOnlyList<JobSpec> Jobs) : INoSerializationVerificationNeeded;

/// <summary>Every job is journaled as Submitted and the scheduler has been told.</summary>
public sealed record JobsJournaled(IReadOnlyList<long> JobIds) : INoSerializationVerificationNeeded;

/// <summary>
/// The journal did not write every job (the database is out of reach, or an event was rejected): the scheduler was
/// not told of any of them.
/// </summary>
public sealed record JobsNotJournaled(IReadOnlyList<long> JobIds, Exception Cause) : INoSerializationVerificationNeeded;
