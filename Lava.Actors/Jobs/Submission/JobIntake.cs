using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Lava.Actors.Jobs.ReadModels;
using Lava.Actors.Jobs.Scheduling;
using Lava.Actors.Jobs.Supervision;

namespace Lava.Actors.Jobs.Submission;

/// <summary>
/// The job intake of one master. It journals each accepted job's <see cref="JobSubmitted"/> as event 1 of
/// <c>job-N</c> straight to the journal, the jobs of all submissions waiting meanwhile in one write, and only once that
/// write has committed answers <see cref="JobsJournaled"/> (else <see cref="JobsNotJournaled"/>) and tells the scheduler
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
    // The journal echoes it in each answer; one write is in flight at a time, so any constant does.
    private const int InstanceId = 1;

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IActorRef _journal;
    private readonly string _writerGuid = Guid.NewGuid().ToString();
    private readonly Lazy<IActorRef> _scheduler;
    private readonly Dictionary<long, Exception> _failed = [];
    private List<Submission> _waiting = [];
    private List<Submission> _writing = [];
    private int _unanswered;

    /// <summary>Created by Akka.NET from <see cref="Props"/>.</summary>
    public JobIntake(Func<IActorRef> scheduler, IActorRef? journal)
    {
        _scheduler = new Lazy<IActorRef>(scheduler);
        _journal = journal ?? Akka.Persistence.Persistence.Instance.Apply(Context.System).JournalFor(null);
        Receive<JournalJobs>(journal =>
        {
            _waiting.Add(new Submission(journal.Jobs, Sender));
            if (_unanswered == 0) Write();
        });
        Receive<WriteMessagesSuccessful>(_ => { });
        Receive<WriteMessagesFailed>(failed => _log.Warning(failed.Cause, "The journal did not write {Count} submitted jobs", failed.WriteCount));
        Receive<WriteMessageSuccess>(written => Answered(written.Persistent, null));
        Receive<WriteMessageRejected>(rejected => Answered(rejected.Persistent, rejected.Cause));
        Receive<WriteMessageFailure>(failure => Answered(failure.Persistent, failure.Cause));
    }

    /// <summary>
    /// The intake; <paramref name="scheduler"/> gives the scheduler proxy, looked up when the first jobs are journaled
    /// (its builder may come later). It writes to <paramref name="journal"/>, the default journal when null.
    /// </summary>
    public static Props Props(Func<IActorRef> scheduler, IActorRef? journal = null)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        return Akka.Actor.Props.Create(() => new JobIntake(scheduler, journal));
    }

    /// <summary>Journals every job waiting, one atomic write per job, all in one <see cref="WriteMessages"/>.</summary>
    private void Write()
    {
        (_writing, _waiting) = (_waiting, []);
        var writes = _writing
            .SelectMany(s => s.Jobs)
            .Select(spec => (IPersistentEnvelope)new AtomicWrite(new Persistent(
                new JobSubmitted(spec.Id, spec), 1, JobEvents.PersistenceId(spec.Id), writerGuid: _writerGuid)))
            .ToList();
        _unanswered = writes.Count;
        if (_unanswered == 0)
        {
            Finish();
            return;
        }
        _journal.Tell(new WriteMessages(writes, Self, InstanceId));
    }

    private void Answered(IPersistentRepresentation persistent, Exception? cause)
    {
        if (cause is not null) _failed[((JobSubmitted)persistent.Payload).JobId] = cause;
        if (--_unanswered == 0) Finish();
    }

    /// <summary>Answers each submission of the write (all its jobs written, or not), then writes what came meanwhile.</summary>
    private void Finish()
    {
        // Some of the write committed: the jobs projection reads it at once instead of at its next poll.
        if (_failed.Count < _writing.Sum(s => s.Jobs.Count)) Context.System.EventStream.Publish(JobEventsJournaled.Instance);
        foreach (var submission in _writing)
        {
            if (submission.Jobs.Select(j => _failed.GetValueOrDefault(j.Id)).FirstOrDefault(c => c is not null) is { } cause)
            {
                submission.ReplyTo.Tell(new JobsNotJournaled(submission.Jobs.Select(j => j.Id).ToList(), cause));
                continue;
            }
            foreach (var spec in submission.Jobs) _scheduler.Value.Tell(new JobQueued(spec));
            submission.ReplyTo.Tell(new JobsJournaled(submission.Jobs.Select(j => j.Id).ToList()));
        }
        _writing = [];
        _failed.Clear();
        if (_waiting.Count > 0) Write();
    }

    private sealed record Submission(IReadOnlyList<JobSpec> Jobs, IActorRef ReplyTo);
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
