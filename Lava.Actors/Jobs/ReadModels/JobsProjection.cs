using Akka.Actor;
using Akka.Event;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Lava.Actors.Jobs.Supervision;
using Lava.Actors.Lab.Store;

namespace Lava.Actors.Jobs.ReadModels;

/// <summary>How the jobs projection batches, looks for events and backs off.</summary>
/// <param name="BatchSize">The most events written in one transaction.</param>
/// <param name="BatchWindow">How long a batch waits for more events before it is written.</param>
/// <param name="MinBackoff">The first wait before a failed read (a database outage) is tried again.</param>
/// <param name="MaxBackoff">The longest wait between tries.</param>
/// <param name="PollInterval">
/// How often the projection reads the journal unasked, for the events no <see cref="JobEventsJournaled"/> announced
/// here: those a supervisor on another master wrote.
/// </param>
public sealed record JobProjectionSettings(int BatchSize, TimeSpan BatchWindow, TimeSpan MinBackoff, TimeSpan MaxBackoff, TimeSpan PollInterval)
{
    public static readonly JobProjectionSettings Default = new(
        500, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1));
}

/// <summary>
/// Projects every job supervisor's journal (the events tagged <c>job</c>) into the <c>jobs</c> tables, from the offset
/// stored in <c>projection_offsets</c>, in batches written with their offset. It reads what the journal holds
/// (<c>CurrentEventsByTag</c>) whenever this node's intake or supervisors announce a write
/// (<see cref="JobEventsJournaled"/>), again at once if more was announced meanwhile, and every
/// <see cref="JobProjectionSettings.PollInterval"/> for writes made elsewhere. A live query would do the same by
/// polling the database ten times a second for as long as the master runs, idle or not. A failed read or write (the
/// database out of reach) is tried again with backoff from the stored offset. Run one per lab (a singleton): a second
/// writer would not corrupt the tables but would do the work twice. <see cref="GetProjectionOffset"/> is answered with
/// <see cref="ProjectionOffset"/>.
/// </summary>
public sealed class JobsProjection : ReceiveActor, IWithTimers
{
    /// <summary>The projection's row in <c>projection_offsets</c>.</summary>
    public const string ProjectionName = "jobs";

    private readonly CancellationTokenSource _stopping = new();
    private readonly LabDatabase _database;
    private readonly JobProjectionSettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IMaterializer _materializer = Context.Materializer(); // one for every read: each makes an actor
    private long _applied = -1;
    private long? _from; // where the next read starts; unknown at start and after a failure: read from the table
    private bool _reading;
    private bool _readAgain;
    private bool _backingOff;
    private TimeSpan _backoff;

    public JobsProjection(LabDatabase database, JobProjectionSettings settings)
    {
        _database = database;
        _settings = settings;
        _backoff = settings.MinBackoff;
        Receive<JobEventsJournaled>(_ => Read());
        Receive<Poll>(_ => Read());
        Receive<RetryRead>(_ =>
        {
            _backingOff = false;
            Read();
        });
        Receive<OffsetRead>(read =>
        {
            _from = read.Offset;
            Project(read.Offset);
        });
        Receive<BatchApplied>(b =>
        {
            _applied = b.Batch.Offset;
            _from = b.Batch.Offset;
            // The rows are committed: live views may read them now.
            if (b.Batch.JobIds.Count > 0) LiveChange.Publish(Context.System, new LiveChange(b.Batch.JobIds, []));
        });
        Receive<ReadEnded>(ended =>
        {
            _reading = false;
            if (ended.Cause is null)
            {
                _backoff = _settings.MinBackoff;
                if (_readAgain) Read();
                return;
            }
            _log.Warning(ended.Cause, "The jobs projection could not read the journal or write the tables; trying again in {Backoff}", _backoff);
            _from = null;
            _backingOff = true;
            Timers.StartSingleTimer(RetryRead.Instance, RetryRead.Instance, _backoff);
            _backoff = TimeSpan.FromTicks(Math.Min(_backoff.Ticks * 2, _settings.MaxBackoff.Ticks));
        });
        Receive<GetProjectionOffset>(_ => Sender.Tell(new ProjectionOffset(_applied)));
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(LabDatabase database, JobProjectionSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        return Akka.Actor.Props.Create(() => new JobsProjection(database, settings ?? JobProjectionSettings.Default));
    }

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(JobEventsJournaled));
        Timers.StartPeriodicTimer(Poll.Instance, Poll.Instance, _settings.PollInterval);
        Read();
    }

    protected override void PostStop()
    {
        Context.System.EventStream.Unsubscribe(Self);
        _stopping.Cancel();
        _stopping.Dispose();
    }

    /// <summary>Starts a read unless one runs (then it runs again when done) or a failed one waits to be tried again.</summary>
    private void Read()
    {
        if (_backingOff) return;
        if (_reading)
        {
            _readAgain = true;
            return;
        }
        (_reading, _readAgain) = (true, false);
        if (_from is { } from)
        {
            Project(from);
            return;
        }
        JobProjectionTables.ReadOffsetAsync(_database, ProjectionName, _stopping.Token)
            .PipeTo(Self, success: offset => new OffsetRead(offset), failure: e => new ReadEnded(e));
    }

    /// <summary>Writes the events the journal holds after <paramref name="from"/>; ends with <see cref="ReadEnded"/>.</summary>
    private void Project(long from)
    {
        var query = PersistenceQuery.Get(Context.System);
        // The read journal is made on a pool thread: making it asks the journal, which can time out on a loaded
        // master; that is one more failed read to try again, not a blocked actor.
        Source.FromTask(Task.Run(() => query.ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier), _stopping.Token))
            .ConcatMany(journal => journal.CurrentEventsByTag(JobEvents.Tag, Offset.Sequence(from)))
            .Via(JobProjections.Writer(_database, ProjectionName, _settings.BatchSize, _settings.BatchWindow, _stopping.Token))
            .Select(batch => new BatchApplied(batch))
            .RunWith(Sink.ActorRef<BatchApplied>(Self, new ReadEnded(null), e => new ReadEnded(e)), _materializer);
    }

    private sealed record Poll
    {
        public static Poll Instance { get; } = new();
    }

    private sealed record RetryRead
    {
        public static RetryRead Instance { get; } = new();
    }

    private sealed record OffsetRead(long Offset);

    private sealed record BatchApplied(AppliedBatch Batch) : INoSerializationVerificationNeeded;

    private sealed record ReadEnded(Exception? Cause);
}

/// <summary>
/// Published on a node's own event stream once the journal has committed job events there (by the intake or a
/// supervisor), so that a jobs projection on that node reads them at once rather than at its next poll.
/// </summary>
public sealed record JobEventsJournaled : INoSerializationVerificationNeeded
{
    public static JobEventsJournaled Instance { get; } = new();
}

/// <summary>Asks a <see cref="JobsProjection"/> how far it has written; it replies <see cref="ProjectionOffset"/>.</summary>
public sealed record GetProjectionOffset
{
    public static GetProjectionOffset Instance { get; } = new();
}

/// <summary>The journal ordering of the last event the projection wrote since it started, or -1 before its first batch.</summary>
public sealed record ProjectionOffset(long Offset);
