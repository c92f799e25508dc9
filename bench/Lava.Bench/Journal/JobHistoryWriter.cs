using Akka.Actor;
using Akka.Persistence;
using Lava.Actors.Jobs;
using Lava.Actors.Jobs.Definition;
using Lava.Actors.Jobs.Supervision;

namespace Lava.Bench.Journal;

/// <summary>
/// Journals the whole life of one finished job under its supervisor's persistence id, as a job supervisor would have
/// (submitted, scheduled, started, its progress, finished Complete), then answers <see cref="Write"/> with <see cref="Written"/> and
/// stops: the history a master recovers from.
/// </summary>
internal sealed class JobHistoryWriter : ReceivePersistentActor
{
    /// <summary>How many events one job's history holds.</summary>
    public const int EventsPerJob = 5;

    private static readonly DateTimeOffset At = new(2026, 3, 1, 8, 30, 0, TimeSpan.Zero);

    public JobHistoryWriter(long jobId)
    {
        PersistenceId = JobEvents.PersistenceId(jobId);
        var spec = new JobSpec(jobId, "bench", At, "bench", "qemu", [], 50, JobVisibility.Public, false, null,
            "job_name: bench\n", "job_name: bench\n", null, TimeSpan.FromMinutes(10), null, null);
        var device = $"qemu-{jobId % 100:D3}";
        JobEvent[] history =
        [
            new JobSubmitted(jobId, spec),
            new JobScheduled(jobId, device, "bench-worker", At),
            new JobStarted(jobId, "bench-worker", At),
            new JobProgressAcknowledged(jobId, 10, 3),
            new JobFinished(jobId, JobHealth.Complete, "", "", At),
        ];
        Recover<object>(_ => { });
        Command<Write>(_ =>
        {
            var replyTo = Sender;
            var left = history.Length;
            PersistAll(history, _ =>
            {
                if (--left > 0) return;
                replyTo.Tell(Written.Instance);
                Context.Stop(Self);
            });
        });
    }

    public override string PersistenceId { get; }

    public static Props Props(long jobId) => Akka.Actor.Props.Create(() => new JobHistoryWriter(jobId));

    public sealed record Write
    {
        public static readonly Write Instance = new();
    }

    public sealed record Written
    {
        public static readonly Written Instance = new();
    }
}
