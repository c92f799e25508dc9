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
            .RunWith(Sink.Ignore<long>(), system.Materializer())
            .ConfigureAwait(false);
        return events;
    }

    /// <summary>Groups envelopes into batches and writes each with its offset; emits the offset written.</summary>
    internal static Flow<EventEnvelope, long, NotUsed> Writer(LabDatabase database, string projection, int batchSize, TimeSpan batchWindow, CancellationToken cancellationToken) =>
        Flow.Create<EventEnvelope>()
            .GroupedWithin(batchSize, batchWindow)
            .SelectAsync(1, batch => JobProjectionTables.ApplyAsync(database, projection, batch.ToList(), cancellationToken));
}
