using Akka.Actor;
using Akka.Persistence;
using Lava.Actors.Persistence;

namespace Lava.Bench.Journal;

/// <summary>
/// A persistent actor of the journal figures, writing Lava's own <see cref="WorkerPresenceChanged"/> events (tagged
/// <see cref="WorkerPresenceChanged.Tag"/>). <see cref="Write"/> persists that many atomic writes of
/// <see cref="Write.EventsPerWrite"/> events, each after the previous one committed, then replies <see cref="Written"/>.
/// <see cref="CountReplayed"/> is answered with <see cref="Replayed"/> once recovery is over (commands wait for it).
/// </summary>
internal sealed class JournalWriter : ReceivePersistentActor
{
    private static readonly DateTimeOffset At = new(2026, 3, 1, 8, 30, 0, TimeSpan.Zero);
    private long _replayed;

    public override string PersistenceId { get; }

    public static Props Props(string persistenceId) => Akka.Actor.Props.Create(() => new JournalWriter(persistenceId));

    public JournalWriter(string persistenceId)
    {
        PersistenceId = persistenceId;
        Recover<WorkerPresenceChanged>(_ => _replayed++);
        Command<CountReplayed>(_ => Sender.Tell(new Replayed(_replayed)));
        Command<Write>(w => WriteNext(w.Writes, w.EventsPerWrite, Sender));
    }

    private void WriteNext(int writesLeft, int eventsPerWrite, IActorRef replyTo)
    {
        if (writesLeft == 0)
        {
            replyTo.Tell(Written.Instance);
            return;
        }
        var first = LastSequenceNr + 1;
        // A worker going online and offline, as the master's presence recorder writes it.
        var events = Enumerable.Range(0, eventsPerWrite).Select(k => new WorkerPresenceChanged(
            PersistenceId, (first + k) % 2 == 1 ? WorkerPresenceChanged.Online : WorkerPresenceChanged.Offline, first + k, At.AddSeconds(first + k)));
        var pending = eventsPerWrite;
        PersistAll(events, _ =>
        {
            if (--pending == 0) WriteNext(writesLeft - 1, eventsPerWrite, replyTo);
        });
    }

    public sealed record Write(int Writes, int EventsPerWrite);

    public sealed record Written
    {
        public static readonly Written Instance = new();

        private Written()
        {
        }
    }

    public sealed record CountReplayed
    {
        public static readonly CountReplayed Instance = new();

        private CountReplayed()
        {
        }
    }

    /// <summary>Events seen during recovery.</summary>
    public sealed record Replayed(long Events);
}
