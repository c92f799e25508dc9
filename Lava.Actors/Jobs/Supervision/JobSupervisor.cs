using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Persistence;
using Lava.Actors.Jobs.ReadModels;
using Lava.Actors.Jobs.Running;
using Lava.Actors.Jobs.Scheduling;

namespace Lava.Actors.Jobs.Supervision;

/// <summary>
/// One job's supervisor on the masters: an entity of the <see cref="JobSupervisorRegion"/> shard region that journals the
/// job's life under <see cref="JobEvents.PersistenceId"/> and answers the <see cref="IJobCommand"/>s (see
/// JobSupervisorProtocol.cs). A submitted job's first event is journaled by the <c>JobIntake</c>: its supervisor starts
/// only when something addresses the job through the region, and replays it as Queued. Once the scheduler assigns a device it renders the device configuration, sends
/// <see cref="RunJob"/> to the worker's agent until the worker reports, stores the log lines and test cases the device
/// streams (acknowledging only what is stored), enforces the job timeout, and on the end tells the scheduler
/// <see cref="DeviceReleased"/> and passivates. After a master restart it replays and resumes: a Scheduled job is sent
/// again, a Running job whose worker still runs it streams on from the positions its stores hold, one whose worker is
/// silent ends Incomplete ("worker lost"). Nothing leaves it before the write that records it (journal or store) has committed.
/// </summary>
public sealed partial class JobSupervisor : ReceivePersistentActor, IWithTimers
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly JobSupervisorSettings _settings;
    private readonly JobSupervisorServices _services;
    private readonly Lazy<IActorRef> _scheduler; // resolved when first needed: another builder registers it
    private readonly Lazy<IActorRef> _region;
    private JobRecord _job;

    /// <summary>Created by Akka.NET from <see cref="Props"/>.</summary>
    public JobSupervisor(long jobId, JobSupervisorSettings settings, JobSupervisorServices services, Func<IActorRef> scheduler, Func<IActorRef> region)
    {
        (_settings, _services) = (settings, services);
        (_scheduler, _region) = (new Lazy<IActorRef>(scheduler), new Lazy<IActorRef>(region));
        _runRetry = settings.RunJobRetry;
        PersistenceId = JobEvents.PersistenceId(jobId);
        _job = JobRecord.New(jobId);
        Recover<JobEvent>(e =>
        {
            _job = _job.Apply(e); // pure: side effects start once recovery is complete
            if (e is JobProgressAcknowledged) _journaledProgress = (_job.LogLines, _job.TestCases);
        });
        Recover<RecoveryCompleted>(_ => Resume());
    }

    /// <inheritdoc />
    public override string PersistenceId { get; }

    // A job's few events replay quickly and are never snapshotted: starting without asking the snapshot store
    // saves a database round trip for every job it starts.
    public override Recovery Recovery { get; } = new(SnapshotSelectionCriteria.None);

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>
    /// Announces each committed event to the jobs projection (<see cref="JobEventsJournaled"/>): a persist handler runs
    /// only once the journal has written its event, and it is the only thing that moves the sequence number outside
    /// recovery. One place for every event this supervisor journals.
    /// </summary>
    protected override bool AroundReceive(Receive receive, object message)
    {
        var before = LastSequenceNr;
        var handled = base.AroundReceive(receive, message);
        if (LastSequenceNr != before && !IsRecovering) Context.System.EventStream.Publish(JobEventsJournaled.Instance);
        return handled;
    }

    private long JobId => _job.JobId;

    private IActorRef Scheduler => _scheduler.Value;

    /// <summary>
    /// The supervisor of job <paramref name="jobId"/>. <paramref name="scheduler"/> and <paramref name="region"/> give
    /// the scheduler proxy and the supervisors' own shard region (to cancel the other jobs of a MultiNode group).
    /// </summary>
    public static Props Props(long jobId, JobSupervisorSettings settings, JobSupervisorServices services, Func<IActorRef> scheduler, Func<IActorRef> region)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(region);
        // By type and arguments, not an expression: one job supervisor starts per job, and an expression's
        // arguments are compiled each time.
        return Akka.Actor.Props.Create(typeof(JobSupervisor), jobId, settings, services, scheduler, region);
    }

    private void Resume()
    {
        switch (_job)
        {
            case { Exists: false }:
                Become(Unknown);
                break;
            case { State: JobState.Submitted }:
                Become(Queued);
                Scheduler.Tell(new JobQueued(_job.Spec!)); // the scheduler may have missed it before the restart
                break;
            case { State: JobState.Finished }:
                Become(Ended);
                Passivate();
                break;
            default:
                LoadPositions();
                break;
        }
    }

    /// <summary>No job of this id was submitted (or the intake has not confirmed it yet); a health check arrives as <see cref="SubmitJob"/>.</summary>
    private void Unknown()
    {
        Command<SubmitJob>(cmd => Persist(new JobSubmitted(JobId, cmd.Spec), e =>
        {
            _job = _job.Apply(e);
            Sender.Tell(new JobAccepted(JobId));
            Scheduler.Tell(new JobQueued(e.Spec));
            Become(Queued);
        }));
        Command<AssignDevice>(cmd =>
        {
            Sender.Tell(new AssignmentRefused(JobId, cmd.Device, $"job {JobId} was never submitted"));
            Passivate();
        });
        Command<IJobCommand>(_ =>
        {
            Sender.Tell(new JobUnknown(JobId));
            Passivate();
        });
        Always();
    }

    /// <summary>Submitted: waiting for the scheduler.</summary>
    private void Queued()
    {
        Command<AssignDevice>(cmd =>
        {
            // Rendered while the booking is journaled; sent to the worker only after (ConfigurationRendered waits in the
            // stash meanwhile), so that the job's first console byte does not wait for the two one after the other.
            Render(cmd.Device);
            Persist(new JobScheduled(JobId, cmd.Device, cmd.Worker, Now), e =>
            {
                _job = _job.Apply(e);
                Sender.Tell(new AssignmentAccepted(JobId, e.Device)); // the booking is journaled before the worker hears of it
                Become(OnDevice);
            });
        });
        Command<CancelJob>(cmd => FinishWithoutDevice(cmd.By, $"Canceled by {cmd.By}", cancelGroup: true));
        Command<QueueTimedOut>(_ => FinishWithoutDevice(null, "Canceled: queue timeout", cancelGroup: false));
        Always();
    }

    /// <summary>Scheduled, Running or Canceling: the job holds a device.</summary>
    private void OnDevice()
    {
        Command<AssignDevice>(cmd =>
        {
            if (cmd.Device == _job.Device) Sender.Tell(new AssignmentAccepted(JobId, cmd.Device));
            else Sender.Tell(new AssignmentRefused(JobId, cmd.Device, $"job {JobId} is scheduled on {_job.Device}"));
        });
        Command<CancelJob>(cmd =>
        {
            if (_job.State == JobState.Canceling)
            {
                Sender.Tell(_job.ToStatus());
                return;
            }

            Persist(new JobCancelRequested(JobId, cmd.By, Now), e =>
            {
                _job = _job.Apply(e);
                Sender.Tell(_job.ToStatus());
                StopRun($"Canceled by {e.By}");
                CancelGroup(e.By);
            });
        });
        Command<QueueTimedOut>(_ => Sender.Tell(_job.ToStatus()));
        Command<WorkerRejoined>(rejoined =>
        {
            if (rejoined.Worker != _job.Worker) return;
            if (_job.State == JobState.Canceling) SendStop();
            else if (_configuration is not null && !_confirming) SendRunJob();
        });
        RunCommands();
        ProgressCommands();
        MultinodeCommands();
        Always();
    }

    /// <summary>Finished: answers from the journal, acknowledges what a worker re-sends, and passivates.</summary>
    private void Ended()
    {
        Command<AssignDevice>(cmd => Sender.Tell(new AssignmentRefused(JobId, cmd.Device, $"job {JobId} is finished")));
        Command<CancelJob>(_ => Sender.Tell(_job.ToStatus()));
        Command<QueueTimedOut>(_ => Sender.Tell(_job.ToStatus()));
        Command<JobRunEnded>(_ => Sender.Tell(new JobRunEndAck(JobId)));
        Command<JobLogText>(_ => Sender.Tell(Ack()));
        Command<JobLogChunk>(_ => Sender.Tell(Ack()));
        Command<JobResultsChunk>(_ => Sender.Tell(Ack()));
        EndedMultinodeCommands();
        Always();
    }

    private void Always()
    {
        Command<WorkerRejoined>(_ => { });
        Command<SubmitJob>(_ => Sender.Tell(new JobAccepted(JobId)));
        Command<GetJobStatus>(_ => Sender.Tell(_job.ToStatus()));
        Command<JobStatus>(_ => { }); // the other members' answers to a group cancel
        Command<StopSupervisor>(_ => Context.Stop(Self));
    }

    /// <summary>Cancels a job that holds no device: it finishes at once, Canceled (spec §3.4).</summary>
    private void FinishWithoutDevice(string? by, string comment, bool cancelGroup)
    {
        var finished = new JobFinished(JobId, JobHealth.Canceled, "", comment, Now);
        JobEvent[] events = by is null ? [finished] : [new JobCancelRequested(JobId, by, Now), finished];
        PersistAll(events, e =>
        {
            _job = _job.Apply(e);
            if (e is not JobFinished) return;
            Scheduler.Tell(new JobDequeued(JobId));
            Sender.Tell(_job.ToStatus());
            if (cancelGroup && by is not null) CancelGroup(by);
            Become(Ended);
            Passivate();
        });
    }

    /// <summary>
    /// Journals the end of a job that held a device, then releases the device to the scheduler and passivates. An essential
    /// MultiNode member ending Incomplete cancels the rest of its group.
    /// </summary>
    private void Finish(JobHealth health, string errorType, string comment, Action? afterCommit = null)
    {
        Timers.CancelAll();
        JournalPositions();
        Persist(new JobFinished(JobId, health, errorType, comment, Now), e =>
        {
            _job = _job.Apply(e);
            _log.Info("Job {JobId} finished {Health} {ErrorType}", JobId, e.Health, e.ErrorType);
            afterCommit?.Invoke();
            Scheduler.Tell(new DeviceReleased(JobId, _job.Device!, e.Health, e.ErrorType, _job.Spec!.HealthCheck));
            if (e.Health == JobHealth.Incomplete && _job.Spec.Group is { Essential: true } group)
            {
                CancelGroup($"essential role {group.Role} of {_job.Spec.DisplayId}");
            }

            Become(Ended);
            Passivate();
        });
    }

    /// <summary>MultiNode: canceling one member cancels every other member of its group (spec §3.4).</summary>
    private void CancelGroup(string by)
    {
        if (_job.Spec!.Group is not { } group) return;
        foreach (var other in group.JobIds.Where(id => id != JobId))
        {
            _region.Value.Tell(new CancelJob(other, by), Self);
        }
    }

    /// <summary>Under sharding the shard stops us when no message is on its way; the next message starts a new incarnation.</summary>
    private void Passivate() => Context.Parent.Tell(new Passivate(StopSupervisor.Instance));

    private DateTimeOffset Now => _services.Clock.GetUtcNow();

    private JobProgressAck Ack() => new(JobId, _job.LogLines, _job.TestCases);

    /// <summary>What the shard sends back to stop a passivated or handed-off supervisor between two commands.</summary>
    internal sealed record StopSupervisor
    {
        public static StopSupervisor Instance { get; } = new();
    }
}
