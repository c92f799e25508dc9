using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Lava.Actors.Jobs.Supervision;
using Lava.Actors.Lab.Store;

namespace Lava.Actors.Jobs.ReadModels;

/// <summary>How the jobs projection batches and backs off.</summary>
/// <param name="BatchSize">The most events written in one transaction.</param>
/// <param name="BatchWindow">How long a batch waits for more events before it is written.</param>
/// <param name="MinBackoff">The first wait before the stream restarts after a failure (a database outage).</param>
/// <param name="MaxBackoff">The longest wait between restarts.</param>
public sealed record JobProjectionSettings(int BatchSize, TimeSpan BatchWindow, TimeSpan MinBackoff, TimeSpan MaxBackoff)
{
    public static readonly JobProjectionSettings Default = new(500, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(10));
}

/// <summary>
/// Follows every job supervisor's journal (<c>EventsByTag("job")</c>) into the <c>jobs</c> tables, from the offset
/// stored in <c>projection_offsets</c>, in batches written with their offset. A failed batch or query (the database
/// out of reach) restarts the stream with backoff from the stored offset. Run one per lab (a singleton): a second
/// writer would not corrupt the tables but would do the work twice. <see cref="GetProjectionOffset"/> is answered with
/// <see cref="ProjectionOffset"/>.
/// </summary>
public sealed class JobsProjection : ReceiveActor
{
    /// <summary>The projection's row in <c>projection_offsets</c>.</summary>
    public const string ProjectionName = "jobs";

    private readonly CancellationTokenSource _stopping = new();
    private readonly LabDatabase _database;
    private readonly JobProjectionSettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private long _applied = -1;

    public JobsProjection(LabDatabase database, JobProjectionSettings settings)
    {
        _database = database;
        _settings = settings;
        Receive<BatchApplied>(b =>
        {
            _applied = b.Batch.Offset;
            // The rows are committed: live views may read them now.
            if (b.Batch.JobIds.Count > 0) LiveChange.Publish(Context.System, new LiveChange(b.Batch.JobIds, []));
        });
        Receive<GetProjectionOffset>(_ => Sender.Tell(new ProjectionOffset(_applied)));
        Receive<StreamEnded>(ended =>
        {
            // The stream only ends when the journal query completes or the actor stops; a live query never completes.
            _log.Warning(ended.Cause, "The jobs projection stream ended");
            Context.Stop(Self);
        });
    }

    public static Props Props(LabDatabase database, JobProjectionSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        return Akka.Actor.Props.Create(() => new JobsProjection(database, settings ?? JobProjectionSettings.Default));
    }

    protected override void PreStart()
    {
        var query = PersistenceQuery.Get(Context.System);
        var (database, settings, token, self) = (_database, _settings, _stopping.Token, Self);
        var restart = RestartSettings.Create(settings.MinBackoff, settings.MaxBackoff, 0.2);
        // The read journal is made inside the restarted source: making it asks the journal and can time out on a
        // loaded master, which must be retried, not end the projection.
        RestartSource.OnFailuresWithBackoff(
                () => Source.FromTask(Task.Run(() => query.ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier), token))
                    .ConcatMany(journal => Source.FromTask(JobProjectionTables.ReadOffsetAsync(database, ProjectionName, token))
                        .ConcatMany(offset => journal.EventsByTag(JobEvents.Tag, Offset.Sequence(offset))))
                    .Via(JobProjections.Writer(database, ProjectionName, settings.BatchSize, settings.BatchWindow, token)),
                restart)
            .Select(batch => new BatchApplied(batch))
            .RunWith(Sink.ActorRef<BatchApplied>(self, new StreamEnded(null), e => new StreamEnded(e)), Context.Materializer());
    }

    protected override void PostStop()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private sealed record BatchApplied(AppliedBatch Batch) : INoSerializationVerificationNeeded;

    private sealed record StreamEnded(Exception? Cause);
}

/// <summary>Asks a <see cref="JobsProjection"/> how far it has written; it replies <see cref="ProjectionOffset"/>.</summary>
public sealed record GetProjectionOffset
{
    public static GetProjectionOffset Instance { get; } = new();
}

/// <summary>The journal ordering of the last event the projection wrote since it started, or -1 before its first batch.</summary>
public sealed record ProjectionOffset(long Offset);
