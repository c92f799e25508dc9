using Akka.Actor;
using Lava.Actors.Lab;

namespace Lava.Bench.Cluster;

/// <summary>
/// Stands at <c>/user/worker</c> on the bench's worker node, where the master reaches a worker's agent. Counts every
/// <see cref="WorkerStatus"/> told to it and answers <see cref="GetWorkerStatus"/> with a <see cref="WorkerStatus"/>
/// whose <see cref="WorkerStatus.Devices"/> is that count: one connection keeps order, so the answer acknowledges every
/// status told before the question.
/// </summary>
internal sealed class BenchAgent : ReceiveActor
{
    /// <summary>The agent's name under /user, as the worker's real agent.</summary>
    public const string Name = "worker";

    private static readonly DateTimeOffset StartedAt = DateTimeOffset.UtcNow;
    private int _received;

    public BenchAgent()
    {
        Receive<WorkerStatus>(_ => _received++);
        Receive<GetWorkerStatus>(_ => Sender.Tell(new WorkerStatus("bench-worker", "bench", StartedAt, _received)));
    }

    public static Props Props() => Akka.Actor.Props.Create(() => new BenchAgent());
}
