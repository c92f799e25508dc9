using Akka;
using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Lava.Actors.Jobs.Supervision;
using Lava.Actors.Lab.Store;

namespace Lava.Actors.Jobs.ReadModels;

/// <summary>The jobs projection's writing stage, shared by the live <see cref="JobsProjection"/> and <see cref="RebuildAsync"/>.</summary>
public static class JobProjections
{
    /// <summary>
    /// Empties <c>jobs</c>, <c>job_viewing_groups</c> and the projection's offset, then replays every job event of the
    /// journal into them; returns the number of events read. Test cases are not touched: they are not a projection.
    /// Run it with the masters stopped (<c>lava admin rebuild-projections</c>): a live projection would write meanwhile.
    /// </summary>
    public static async Task<long> RebuildAsync(ActorSystem system, LabDatabase database, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(database);
        await JobProjectionTables.ResetAsync(database, JobsProjection.ProjectionName, cancellationToken).ConfigureAwait(false);
        var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var events = 0L;
        await journal.CurrentEventsByTag(JobEvents.Tag, Offset.NoOffset())
            .Select(e =>
            {
                events++;
                return e;
            })
            .Via(Writer(database, JobsProjection.ProjectionName, JobProjectionSettings.Default.BatchSize, JobProjectionSettings.Default.BatchWindow, cancellationToken))
            .RunWith(Sink.Ignore<AppliedBatch>(), system.Materializer())
            .ConfigureAwait(false);
        return events;
    }

    /// <summary>Groups envelopes into batches and writes each with its offset; emits the offset written and the jobs the batch touched.</summary>
    internal static Flow<EventEnvelope, AppliedBatch, NotUsed> Writer(LabDatabase database, string projection, int batchSize, TimeSpan batchWindow, CancellationToken cancellationToken) =>
        Flow.Create<EventEnvelope>()
            .GroupedWithin(batchSize, batchWindow)
            .SelectAsync(1, async batch =>
            {
                var envelopes = batch.ToList();
                var offset = await JobProjectionTables.ApplyAsync(database, projection, envelopes, cancellationToken).ConfigureAwait(false);
                return new AppliedBatch(offset, [.. envelopes.Select(e => e.Event).OfType<JobEvent>().Select(e => e.JobId).Distinct()]);
            });
}

/// <summary>A batch the projection wrote: its last journal offset and the jobs whose rows it changed.</summary>
internal sealed record AppliedBatch(long Offset, IReadOnlyList<long> JobIds);
