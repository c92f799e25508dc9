using Akka.Actor;
using Akka.Event;
using Akka.Hosting;
using Akka.Persistence;
using Lava.Actors.Jobs.ReadModels;
using Lava.Actors.Jobs.Supervision;
using Lava.Actors.Lab;

namespace Lava.Actors.Jobs.Scheduling;

/// <summary>
/// The scheduler, a cluster singleton on the masters (persistence id <c>scheduler</c>). It books devices for queued
/// jobs by LAVA's rules (health checks first, then priority, submit time, id; type, tags and requested device must
/// match; a MultiNode group all at once or not at all), journals each pass's bookings as one <see cref="DevicesBooked"/>,
/// and only then sends <see cref="AssignDevice"/> (and a health check's <see cref="SubmitJob"/>) to the job supervisors'
/// shard region, found in the <see cref="ActorRegistry"/> under <see cref="JobSupervisorRegion"/>. It reacts at once to
/// <see cref="JobQueued"/>, <see cref="JobDequeued"/>, <see cref="DeviceReleased"/>, <see cref="LabChanged"/> and
/// <see cref="WorkerChanged"/>, answers none of them, and sweeps every <see cref="SchedulerSettings.SweepInterval"/>.
/// A device is never booked twice: a booking ends only with a journaled <see cref="DeviceFreed"/> (the job released
/// or refused it). After a restart it sends every booking it holds again.
/// </summary>
public sealed partial class SchedulerSingleton : ReceivePersistentActor, IWithTimers
{
    /// <summary>The journal key of the scheduler; the format never changes.</summary>
    public const string Id = "scheduler";

    /// <summary>The singleton's name: its manager runs at <c>/user/scheduler</c>.</summary>
    public const string SingletonName = "scheduler";

    private readonly SchedulerSettings _settings;
    private readonly IDeviceRegistry _devices;
    private readonly IWorkerRegistry _workers;
    private readonly IQueuedJobs _queuedJobs;
    private readonly IJobIds _jobIds;
    private readonly TimeProvider _time;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly BookingLedger _ledger = new();
    private readonly JobQueue _queue = new();
    private readonly LabView _lab = new();
    private IActorRef _region = ActorRefs.Nobody;
    private long _lastSnapshot;

    public SchedulerSingleton(SchedulerSettings settings, IDeviceRegistry devices, IWorkerRegistry workers, IQueuedJobs queuedJobs, IJobIds jobIds, TimeProvider time)
    {
        (_settings, _devices, _workers, _queuedJobs, _jobIds, _time) = (settings, devices, workers, queuedJobs, jobIds, time);
        Recover<SnapshotOffer>(offer =>
        {
            _ledger.Restore((SchedulerSnapshot)offer.Snapshot);
            _lastSnapshot = offer.Metadata.SequenceNr;
        });
        Recover<DevicesBooked>(_ledger.Apply);
        Recover<DeviceFreed>(_ledger.Apply);
        Recover<RecoveryCompleted>(_ => ActorRegistry.For(Context.System).GetAsync<JobSupervisorRegion>()
            .PipeTo(Self, success: region => new RegionResolved(region)));
        Command<RegionResolved>(resolved =>
        {
            _region = resolved.Region;
            _log.Info("Scheduler started with {Bookings} bookings", _ledger.Bookings.Count);
            SendBookingsAgain();
            Timers.StartPeriodicTimer(nameof(Sweep), Sweep.Instance, _settings.SweepInterval);
            Self.Tell(Sweep.Instance);
            Become(Active);
            Stash.UnstashAll();
        });
        CommandAny(_ => Stash.Stash());
    }

    /// <inheritdoc />
    public override string PersistenceId => Id;

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>The props of the scheduler; the shard region is taken from the <see cref="ActorRegistry"/> when it is registered.</summary>
    public static Props Props(SchedulerSettings settings, IDeviceRegistry devices, IWorkerRegistry workers, IQueuedJobs queuedJobs, IJobIds jobIds, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(devices);
        ArgumentNullException.ThrowIfNull(workers);
        ArgumentNullException.ThrowIfNull(queuedJobs);
        ArgumentNullException.ThrowIfNull(jobIds);
        ArgumentNullException.ThrowIfNull(time);
        return Akka.Actor.Props.Create(() => new SchedulerSingleton(settings, devices, workers, queuedJobs, jobIds, time));
    }

    private void Active()
    {
        Command<JobQueued>(queued =>
        {
            // A booked job's supervisor may announce it again (its recovery); the booking stands.
            if (_ledger.IsBooked(queued.Spec.Id) || !_queue.Add(QueuedJob.Of(queued.Spec))) return;
            Schedule([queued.Spec.DeviceType]);
        });
        Command<JobDequeued>(dequeued => _queue.Remove(dequeued.JobId));
        Command<DeviceReleased>(released => Release(released.JobId, released.Device, HealthAfter(released)));
        Command<AssignmentAccepted>(accepted => _log.Debug("Job {JobId} accepted device {DeviceId}", accepted.JobId, accepted.Device));
        Command<AssignmentRefused>(refused =>
        {
            _log.Info("Job {JobId} refused device {DeviceId}: {Reason}", refused.JobId, refused.Device, refused.Reason);
            Release(refused.JobId, refused.Device, healthAfter: null);
        });
        Command<LabChanged>(changed => Load(new LabScope(changed.DeviceType, changed.Device), sweep: false));
        Command<WorkerChanged>(changed =>
        {
            // A worker back after a restart runs its jobs still, but their supervisors do not know its new incarnation.
            foreach (var booking in _ledger.Bookings.Where(b => b.Worker == changed.Worker)) _region.Tell(new WorkerRejoined(booking.JobId, changed.Worker));
            Load(new LabScope(Worker: changed.Worker), sweep: false);
        });
        Command<Sweep>(_ => StartSweep());
        Command<QueuedIdsLoaded>(OnQueuedIdsLoaded);
        Command<QueueLoaded>(OnQueueLoaded);
        Command<LabLoaded>(OnLabLoaded);
        Command<LoadFailed>(failed =>
        {
            _log.Warning(failed.Cause, "Scheduler could not read the {What}; the next sweep tries again", failed.What);
            if (failed.Sweep) _sweeping = false;
        });
        Command<HealthCheckIds>(OnHealthCheckIds);
        Command<HealthCheckIdsFailed>(OnHealthCheckIdsFailed);
        Command<HealthSettled>(OnHealthSettled);
        Command<Flush>(_ => OnFlush());
        Command<SaveSnapshotSuccess>(ok => DeleteSnapshots(new SnapshotSelectionCriteria(ok.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(failed => _log.Warning(failed.Cause, "Scheduler snapshot at {SequenceNr} failed", failed.Metadata.SequenceNr));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(failed => _log.Warning(failed.Cause, "Scheduler could not delete old snapshots"));
        Command<StopScheduling>(_ => Context.Stop(Self));
    }

    private void SendBookingsAgain()
    {
        // The job accepts a booking it already holds and refuses one it no longer wants (AssignmentRefused frees it).
        foreach (var booking in _ledger.Bookings.OrderBy(b => b.JobId)) Tell(booking);
    }

    private void Tell(Booking booking)
    {
        if (booking.HealthCheck is { } spec) _region.Tell(new SubmitJob(booking.JobId, spec));
        _region.Tell(new AssignDevice(booking.JobId, booking.Device, booking.Worker));
    }

    private string[] TypeOf(string device) => _lab.Device(device) is { } known ? [known.Device.DeviceType] : [];

    /// <summary>Sent to the scheduler to stop it; the singleton manager's termination message, handled after any write in flight.</summary>
    public sealed record StopScheduling
    {
        /// <summary>The only instance.</summary>
        public static StopScheduling Instance { get; } = new();
    }

    private sealed record RegionResolved(IActorRef Region) : INoSerializationVerificationNeeded;

    private sealed record Sweep : INoSerializationVerificationNeeded
    {
        public static Sweep Instance { get; } = new();
    }
}
