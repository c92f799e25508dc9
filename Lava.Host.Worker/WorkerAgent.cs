using Akka.Actor;
using Lava.Actors.Lab;

namespace Lava.Host.Worker;

/// <summary>
/// <c>/user/worker</c>: the worker's agent, the actor the master's <c>WorkerActor</c> watches. It answers
/// <see cref="GetWorkerStatus"/>; the worker's device actors live under it.
/// </summary>
internal sealed class WorkerAgent : ReceiveActor
{
    /// <summary>The agent's name under /user.</summary>
    public const string Name = "worker";

    public WorkerAgent(string workerName, string version, DateTimeOffset startedAt) =>
        Receive<GetWorkerStatus>(_ => Sender.Tell(new WorkerStatus(workerName, version, startedAt, Context.GetChildren().Count())));

    /// <summary>The props of the agent of <paramref name="workerName"/>.</summary>
    public static Props Props(string workerName, string version, DateTimeOffset startedAt) =>
        Akka.Actor.Props.Create(() => new WorkerAgent(workerName, version, startedAt));
}
