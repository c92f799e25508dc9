using Lava.Kernel.Persistence;
using Lava.Kernel.Persistence.PostgreSql;
using Lava.Kernel.Persistence.Sqlite;
using Xunit;

namespace Lava.Kernel.Tests.Persistence;

/// <summary>The persistent actor's rules, run against each journal.</summary>
public abstract class PersistentActorSpec : TestKit.TestKit
{
    private static int s_ids;

    protected PersistentActorSpec() : base(realTime: false)
    {
        var registry = TestEvents.Registry().Register<Note>("note.v1");
        var (journal, snapshots) = CreateStores(registry);
        PersistenceExtension.Install(Sys, journal, snapshots);
    }

    protected abstract (IJournal Journal, ISnapshotStore Snapshots) CreateStores(EventRegistry registry);

    protected string NewPersistenceId() => $"notes-{GetType().Name}-{Guid.NewGuid():N}-{Interlocked.Increment(ref s_ids)}";

    public sealed record Note(string Text);

    public sealed record Add(string Text);

    public sealed record AddMany(string[] Texts);

    public sealed record AddUnregistered;

    public sealed record Snap;

    public sealed record Delete(long To);

    public sealed record GetNotes;

    public sealed record Notes(IReadOnlyList<string> Texts, long LastSequenceNr);

    /// <summary>Keeps a list of notes; reports recovery and persistence outcomes to a probe.</summary>
    public sealed class Notebook : ReceivePersistentActor
    {
        private readonly IActorRef _reporter;
        private List<string> _notes = [];

        public Notebook(string persistenceId, IActorRef reporter)
        {
            PersistenceId = persistenceId;
            _reporter = reporter;
            Recover<SnapshotOffer>(offer => _notes = [.. ((CounterState)offer.Snapshot).Note.Split('|', StringSplitOptions.RemoveEmptyEntries)]);
            Recover<Note>(note => _notes.Add(note.Text));
            Recover<RecoveryCompleted>(_ => _reporter.Tell($"recovered:{_notes.Count}:{LastSequenceNr}"));
            Command<Add>(cmd => Persist(new Note(cmd.Text), note =>
            {
                _notes.Add(note.Text);
                Sender.Tell($"added:{note.Text}:{LastSequenceNr}");
            }));
            Command<AddMany>(cmd => PersistAll(cmd.Texts.Select(t => new Note(t)), note => _notes.Add(note.Text)));
            Command<AddUnregistered>(_ => Persist(new NeverRegistered(1), _ => _notes.Add("never")));
            Command<Snap>(_ => SaveSnapshot(new CounterState(_notes.Count, string.Join('|', _notes))));
            Command<SaveSnapshotSuccess>(ok => _reporter.Tell($"snapshot:{ok.Metadata.SequenceNr}"));
            Command<Delete>(cmd => DeleteMessages(cmd.To));
            Command<DeleteMessagesSuccess>(ok => _reporter.Tell($"deleted:{ok.ToSequenceNr}"));
            Command<DeleteMessagesFailure>(failure => _reporter.Tell(failure));
            Command<GetNotes>(_ => Sender.Tell(new Notes([.. _notes], LastSequenceNr)));
        }

        public override string PersistenceId { get; }

        protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
        {
            base.OnPersistFailure(cause, @event, sequenceNr);
            _reporter.Tell(cause);
        }

        protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
        {
            base.OnPersistRejected(cause, @event, sequenceNr);
            _reporter.Tell($"rejected:{sequenceNr}");
        }

        protected override void OnRecoveryFailure(Exception cause, object? @event)
        {
            base.OnRecoveryFailure(cause, @event);
            _reporter.Tell(cause);
        }
    }

    private IActorRef Spawn(string persistenceId, TestKit.TestProbe? reporter = null) =>
        Sys.ActorOf(Props.Create(() => new Notebook(persistenceId, (reporter ?? TestActor).Ref)));

    [StoreFact]
    public async Task A_new_persistent_actor_must_complete_recovery_with_nothing()
    {
        Spawn(NewPersistenceId());
        await ExpectMsgAsync("recovered:0:0");
    }

    [StoreFact]
    public async Task Handlers_must_run_after_the_write_with_the_commands_sender_and_commands_wait_meanwhile()
    {
        var notebook = Spawn(NewPersistenceId());
        await ExpectMsgAsync("recovered:0:0");
        var client = CreateTestProbe();
        for (var i = 1; i <= 50; i++)
        {
            client.Send(notebook, new Add($"n{i}"));
            client.Send(notebook, new GetNotes());
        }
        for (var i = 1; i <= 50; i++)
        {
            await client.ExpectMsgAsync($"added:n{i}:{i}");
            var notes = await client.ExpectMsgAsync<Notes>();
            Assert.Equal(i, notes.Texts.Count);
        }
    }

    [StoreFact]
    public async Task An_actor_killed_half_way_must_recover_exactly_its_persisted_events_in_order()
    {
        var id = NewPersistenceId();
        var notebook = Spawn(id);
        await ExpectMsgAsync("recovered:0:0");
        for (var i = 0; i < 20; i++) Tell(notebook, new Add($"e{i}"));
        for (var i = 0; i < 20; i++) await ExpectMsgAsync<string>(s => s.StartsWith("added:", StringComparison.Ordinal));
        Tell(notebook, new AddMany(["x", "y", "z"]));
        Tell(notebook, new GetNotes());
        Assert.Equal(23, (await ExpectMsgAsync<Notes>()).LastSequenceNr);
        Watch(notebook);
        notebook.Tell(Kill.Instance);
        await ExpectTerminatedAsync(notebook);

        var again = Spawn(id);
        await ExpectMsgAsync("recovered:23:23");
        Tell(again, new GetNotes());
        var notes = await ExpectMsgAsync<Notes>();
        Assert.Equal([.. Enumerable.Range(0, 20).Select(i => $"e{i}"), "x", "y", "z"], notes.Texts);
        Tell(again, new Add("after"));
        await ExpectMsgAsync("added:after:24");
    }

    [StoreFact]
    public async Task Recovery_must_offer_the_snapshot_then_the_later_events()
    {
        var id = NewPersistenceId();
        var notebook = Spawn(id);
        await ExpectMsgAsync("recovered:0:0");
        Tell(notebook, new AddMany(["a", "b"]));
        Tell(notebook, new Snap());
        await ExpectMsgAsync("snapshot:2");
        Tell(notebook, new Add("c"));
        await ExpectMsgAsync("added:c:3");
        Watch(notebook);
        Sys.Stop(notebook);
        await ExpectTerminatedAsync(notebook);

        var again = Spawn(id);
        await ExpectMsgAsync("recovered:3:3");
        Tell(again, new GetNotes());
        Assert.Equal(["a", "b", "c"], (await ExpectMsgAsync<Notes>()).Texts);
    }

    [StoreFact]
    public async Task A_sequence_number_conflict_between_two_incarnations_must_stop_the_late_writer()
    {
        var id = NewPersistenceId();
        var first = Spawn(id);
        await ExpectMsgAsync("recovered:0:0");
        var secondReporter = CreateTestProbe();
        var second = Spawn(id, secondReporter);
        await secondReporter.ExpectMsgAsync("recovered:0:0");

        Tell(first, new Add("from first"));
        await ExpectMsgAsync("added:from first:1");
        secondReporter.Watch(second);
        second.Tell(new Add("from second"), secondReporter.Ref);
        await secondReporter.ExpectMsgAsync<JournalConflictException>();
        await secondReporter.ExpectTerminatedAsync(second);

        Tell(first, new GetNotes());
        Assert.Equal(["from first"], (await ExpectMsgAsync<Notes>()).Texts);
    }

    [StoreFact]
    public async Task A_rejected_event_must_consume_its_sequence_number_and_let_the_actor_continue()
    {
        var notebook = Spawn(NewPersistenceId());
        await ExpectMsgAsync("recovered:0:0");
        Tell(notebook, new AddUnregistered());
        await ExpectMsgAsync("rejected:1");
        Tell(notebook, new Add("next"));
        await ExpectMsgAsync("added:next:2");
    }

    [StoreFact]
    public async Task DeleteMessages_beyond_the_last_sequence_number_must_fail_and_within_it_succeed()
    {
        var id = NewPersistenceId();
        var notebook = Spawn(id);
        await ExpectMsgAsync("recovered:0:0");
        Tell(notebook, new AddMany(["a", "b", "c"]));
        Tell(notebook, new Delete(10));
        var failure = await ExpectMsgAsync<DeleteMessagesFailure>();
        Assert.Contains("last sequence number 3", failure.Cause.Message);
        Tell(notebook, new Delete(3));
        await ExpectMsgAsync("deleted:3");
        Watch(notebook);
        Sys.Stop(notebook);
        await ExpectTerminatedAsync(notebook);
        Spawn(id);
        await ExpectMsgAsync("recovered:0:3");
    }

    [StoreFact]
    public async Task Many_persistent_actors_must_write_and_recover_concurrently()
    {
        const int actors = 200;
        var ids = Enumerable.Range(0, actors).Select(_ => NewPersistenceId()).ToArray();
        var refs = ids.Select(id => Spawn(id)).ToArray();
        for (var i = 0; i < actors; i++) await ExpectMsgAsync<string>(s => s == "recovered:0:0");
        foreach (var notebook in refs)
        {
            for (var n = 0; n < 5; n++) Tell(notebook, new Add($"{n}"));
        }
        for (var i = 0; i < actors * 5; i++) await ExpectMsgAsync<string>(s => s.StartsWith("added:", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        foreach (var notebook in refs) Sys.Stop(notebook);
        foreach (var id in ids) Spawn(id);
        var recovered = new List<string>();
        for (var i = 0; i < actors; i++) recovered.Add(await ExpectMsgAsync<string>(timeout: TimeSpan.FromSeconds(20)));
        Assert.All(recovered, r => Assert.Equal("recovered:5:5", r));
    }
}

public sealed class SqlitePersistentActorSpec : PersistentActorSpec
{
    private SqliteTestDatabase? _database;

    protected override (IJournal, ISnapshotStore) CreateStores(EventRegistry registry)
    {
        _database = new SqliteTestDatabase();
        return (new SqliteJournal(_database.Settings, registry), new SqliteSnapshotStore(_database.Settings, registry));
    }

    [StoreFact]
    public async Task An_unknown_manifest_on_replay_must_stop_recovery_with_an_error_naming_it()
    {
        var id = NewPersistenceId();
        var notebook = Sys.ActorOf(Props.Create(() => new Notebook(id, TestActor.Ref)));
        await ExpectMsgAsync("recovered:0:0");
        Tell(notebook, new Add("written by an older build"));
        await ExpectMsgAsync<string>();
        Watch(notebook);
        Sys.Stop(notebook);
        await ExpectTerminatedAsync(notebook);

        var other = new EventRegistry().Register<Note>("note.v2");
        var journal = new SqliteJournal(_database!.Settings, other);
        var error = await Assert.ThrowsAsync<UnknownManifestException>(
            () => journal.ReplayAsync(id, 1, long.MaxValue, long.MaxValue, _ => ValueTask.CompletedTask));
        Assert.Contains("note.v1", error.Message);
        await journal.DisposeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await PersistenceExtension.Get(Sys).Journal.DisposeAsync();
        await PersistenceExtension.Get(Sys).SnapshotStore.DisposeAsync();
        _database?.Delete();
    }
}

[RequiresPostgres]
public sealed class PostgreSqlPersistentActorSpec(PostgresSchemaFixture schema) : PersistentActorSpec, IClassFixture<PostgresSchemaFixture>
{
    protected override (IJournal, ISnapshotStore) CreateStores(EventRegistry registry) =>
        (new PostgreSqlJournal(schema.Settings, registry), new PostgreSqlSnapshotStore(schema.Settings, registry));
}
