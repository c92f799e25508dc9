using Akka.Actor;
using Akka.Persistence;
using Lava.Actors.Jobs.Supervision;

namespace Lava.Actors.Tests.Jobs.ReadModels;

/// <summary>A test-only journal writer of one job: persists each <see cref="JobEvent"/> it is told under <c>job-N</c> and replies <see cref="Persisted"/> after the commit.</summary>
internal sealed class JobEventLog : ReceivePersistentActor
{
    public JobEventLog(long jobId)
    {
        PersistenceId = JobEvents.PersistenceId(jobId);
        Recover<JobEvent>(_ => { });
        Command<JobEvent>(e => Persist(e, _ => Sender.Tell(new Persisted(LastSequenceNr))));
    }

    public override string PersistenceId { get; }

    public static Props Props(long jobId) => Akka.Actor.Props.Create(() => new JobEventLog(jobId));

    internal sealed record Persisted(long SequenceNr);
}
