using System.Collections.Immutable;
using Akka.Actor;
using Akka.Persistence;
using Lava.Actors.Persistence;

namespace Lava.Actors.Tests.Persistence;

/// <summary>
/// A test-only recorder of <see cref="WorkerPresenceChanged"/> events: persists each one it is told and replies
/// <see cref="Persisted"/> after the commit; <see cref="GetRecovered"/> answers what recovery delivered
/// (snapshot first, then replayed events) and what it persisted since.
/// </summary>
internal sealed class PresenceLogActor : ReceivePersistentActor
{
    private ImmutableArray<object> _seen = [];

    public PresenceLogActor(string persistenceId, string? journalPluginId)
    {
        PersistenceId = persistenceId;
        if (journalPluginId is not null)
        {
            JournalPluginId = journalPluginId;
        }
        Recover<SnapshotOffer>(offer => _seen = _seen.Add(new FromSnapshot(offer.Snapshot, offer.Metadata.SequenceNr)));
        Recover<WorkerPresenceChanged>(e => _seen = _seen.Add(e));
        Active();
    }

    public override string PersistenceId { get; }

    public static Props Props(string persistenceId, string? journalPluginId = null) =>
        Akka.Actor.Props.Create(() => new PresenceLogActor(persistenceId, journalPluginId));

    private void Active()
    {
        Command<WorkerPresenceChanged>(e => Persist(e, persisted =>
        {
            _seen = _seen.Add(persisted);
            Sender.Tell(new Persisted(LastSequenceNr));
        }));
        Command<SaveLastAsSnapshot>(_ =>
        {
            var replyTo = Sender;
            SaveSnapshot(_seen.OfType<WorkerPresenceChanged>().Last());
            Become(() => AwaitingSnapshot(replyTo));
        });
        Command<GetRecovered>(_ => Sender.Tell(new Recovered(_seen)));
    }

    private void AwaitingSnapshot(IActorRef replyTo)
    {
        Command<SaveSnapshotSuccess>(ok =>
        {
            replyTo.Tell(ok);
            Become(Active);
        });
        Command<SaveSnapshotFailure>(failed => throw new InvalidOperationException("snapshot failed", failed.Cause));
    }

    internal sealed record Persisted(long SequenceNr);

    internal sealed record SaveLastAsSnapshot
    {
        public static SaveLastAsSnapshot Instance { get; } = new();
    }

    internal sealed record GetRecovered
    {
        public static GetRecovered Instance { get; } = new();
    }

    internal sealed record Recovered(ImmutableArray<object> Seen);

    internal sealed record FromSnapshot(object Snapshot, long SequenceNr);
}
