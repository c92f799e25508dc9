using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Lava.Actors.Persistence;
using Lava.Actors.Wire;
using Xunit;
using Xunit.Abstractions;
using static Lava.Actors.Tests.Persistence.PresenceLogActor;

namespace Lava.Actors.Tests.Persistence;

/// <summary>
/// What the journal must do on every engine: the specs of one engine derive from this and run each body against
/// a store of their own made from <see cref="LavaPersistence.Hocon"/>.
/// </summary>
public abstract class JournalSpec(LavaPersistenceOptions options, ITestOutputHelper output)
    : Akka.TestKit.Xunit2.TestKit(Configure(options), output: output)
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 8, 30, 0, TimeSpan.Zero);

    /// <summary>One stored journal row as the database holds it.</summary>
    protected sealed record JournalRow(long SequenceNr, string Manifest, int SerializerId, string Payload, string? Tags);

    /// <summary>The journal rows of <paramref name="persistenceId"/>, read with the engine's own client.</summary>
    protected abstract Task<IReadOnlyList<JournalRow>> ReadRowsAsync(string persistenceId);

    protected async Task A_new_incarnation_must_recover_exactly_the_committed_events_in_order()
    {
        var id = NewId();
        var events = await PersistAsync(id, 3);

        Assert.Equal(events, await RecoverAsync(id));
    }

    protected async Task A_snapshot_must_round_trip_and_recovery_replay_only_the_events_after_it()
    {
        var id = NewId();
        var log = Sys.ActorOf(PresenceLogActor.Props(id));
        var events = await PersistAsync(log, id, 2);
        log.Tell(SaveLastAsSnapshot.Instance);
        Assert.Equal(2, (await ExpectMsgAsync<SaveSnapshotSuccess>()).Metadata.SequenceNr);
        var after = await PersistAsync(log, id, 1, first: 3);
        await StopAsync(log);

        Assert.Equal<object>([new FromSnapshot(events[1], 2), after[0]], await RecoverAsync(id));
    }

    protected async Task CurrentEventsByTag_must_return_the_tagged_events_of_every_id_in_write_order()
    {
        var (a, b) = (NewId(), NewId());
        var written = new List<(string Id, WorkerPresenceChanged Event)>();
        var (logA, logB) = (Sys.ActorOf(PresenceLogActor.Props(a)), Sys.ActorOf(PresenceLogActor.Props(b)));
        for (var i = 1; i <= 3; i++)
        {
            written.AddRange((await PersistAsync(logA, a, 1, first: i)).Select(e => (a, e)));
            written.AddRange((await PersistAsync(logB, b, 1, first: i)).Select(e => (b, e)));
        }

        var journal = PersistenceQuery.Get(Sys).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var read = await journal.CurrentEventsByTag(WorkerPresenceChanged.Tag, Offset.NoOffset())
            .RunWith(Sink.Seq<EventEnvelope>(), Sys.Materializer());

        Assert.Equal(written, read.Select(e => (e.PersistenceId, (WorkerPresenceChanged)e.Event)));
        Assert.Equal(read.Select(e => ((Sequence)e.Offset).Value).Order(), read.Select(e => ((Sequence)e.Offset).Value));
    }

    protected async Task The_stored_payload_must_be_the_events_json_under_its_manifest()
    {
        var id = NewId();
        var events = await PersistAsync(id, 2);

        var rows = await ReadRowsAsync(id);

        Assert.Equal([1L, 2L], rows.Select(r => r.SequenceNr));
        Assert.All(rows, r => Assert.Equal(("lava.worker.presence-changed.v1", LavaJsonSerializer.Id), (r.Manifest, r.SerializerId)));
        Assert.Equal(
            $$"""{"hostname":"{{id}}-1","state":"online","memberUid":1,"at":"2026-03-01T08:31:00+00:00"}""",
            rows[0].Payload);
        Assert.All(rows, r => Assert.Contains(WorkerPresenceChanged.Tag, r.Tags ?? "", StringComparison.Ordinal));
        Assert.Equal(events.Count, rows.Count);
    }

    private static Config Configure(LavaPersistenceOptions options)
    {
        LavaPersistence.PrepareStore(options);
        // The first write of a class creates the tables and warms linq2db up: seconds on a busy machine.
        return ConfigurationFactory.ParseString("akka.test.single-expect-default = 20s")
            .WithFallback(ConfigurationFactory.ParseString(LavaSerialization.Hocon + "\n" + LavaPersistence.Hocon(options)));
    }

    private static string NewId() => $"presence-{Guid.NewGuid():N}";

    private async Task<List<WorkerPresenceChanged>> PersistAsync(string id, int count)
    {
        var log = Sys.ActorOf(PresenceLogActor.Props(id));
        var events = await PersistAsync(log, id, count);
        await StopAsync(log);
        return events;
    }

    private async Task<List<WorkerPresenceChanged>> PersistAsync(IActorRef log, string id, int count, int first = 1)
    {
        var events = new List<WorkerPresenceChanged>();
        for (var n = first; n < first + count; n++)
        {
            var e = new WorkerPresenceChanged($"{id}-{n}", n % 2 == 1 ? WorkerPresenceChanged.Online : WorkerPresenceChanged.Offline, n, Start.AddMinutes(n));
            log.Tell(e);
            Assert.Equal(new Persisted(n), await ExpectMsgAsync<Persisted>());
            events.Add(e);
        }
        return events;
    }

    private async Task<object[]> RecoverAsync(string id)
    {
        var log = Sys.ActorOf(PresenceLogActor.Props(id));
        log.Tell(GetRecovered.Instance);
        var recovered = await ExpectMsgAsync<Recovered>();
        await StopAsync(log);
        return recovered.Seen.ToArray();
    }

    private async Task StopAsync(IActorRef actor)
    {
        Watch(actor);
        Sys.Stop(actor);
        await ExpectTerminatedAsync(actor);
    }
}
