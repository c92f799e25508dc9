using Akka.Actor;
using Akka.Persistence;

namespace Lava.Bench.Journal;

/// <summary>
/// A persistent actor of the journal figures. <see cref="Write"/> persists that many atomic writes of
/// <see cref="Write.EventsPerWrite"/> events, each after the previous one committed, then replies <see cref="Written"/>.
/// <see cref="CountReplayed"/> is answered with <see cref="Replayed"/> once recovery is over (commands wait for it).
/// </summary>
internal sealed class JournalWriter : ReceivePersistentActor
{
    private long _replayed;

    public override string PersistenceId { get; }

    public static Props Props(string run, string persistenceId) => Akka.Actor.Props.Create(() => new JournalWriter(run, persistenceId));

    public JournalWriter(string run, string persistenceId)
    {
        PersistenceId = persistenceId;
        Recover<BenchEvent>(_ => _replayed++);
        Command<CountReplayed>(_ => Sender.Tell(new Replayed(_replayed)));
        Command<Write>(w => WriteNext(run, w.Writes, w.EventsPerWrite, Sender));
    }

    private void WriteNext(string run, int writesLeft, int eventsPerWrite, IActorRef replyTo)
    {
        if (writesLeft == 0)
        {
            replyTo.Tell(Written.Instance);
            return;
        }
        var first = LastSequenceNr + 1;
        var last = first + eventsPerWrite - 1;
        var events = Enumerable.Range(0, eventsPerWrite)
            .Select(k => new BenchEvent(run, PersistenceId, first + k, "job-42", "step finished"));
        PersistAll(events, e =>
        {
            if (e.Index == last) WriteNext(run, writesLeft - 1, eventsPerWrite, replyTo);
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
