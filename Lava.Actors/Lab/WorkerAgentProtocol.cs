using Lava.Actors.Wire;

namespace Lava.Actors.Lab;

/// <summary>Asks a worker's agent (<c>/user/worker</c> on the worker node) how it is; answered with <see cref="WorkerStatus"/>.</summary>
[WireManifest("lava.worker.get-status.v1")]
public sealed record GetWorkerStatus : ILavaWireMessage
{
    /// <summary>The only instance.</summary>
    public static GetWorkerStatus Instance { get; } = new();
}

/// <summary>A worker agent's answer to <see cref="GetWorkerStatus"/>.</summary>
/// <param name="Name">The worker's name (its hostname in the lab).</param>
/// <param name="Version">The version of the worker process.</param>
/// <param name="StartedAt">When the worker process started.</param>
/// <param name="Devices">How many device actors it runs.</param>
[WireManifest("lava.worker.status.v1")]
public sealed record WorkerStatus(string Name, string Version, DateTimeOffset StartedAt, int Devices) : ILavaWireMessage;

/// <summary>Names shared by a master and a worker's agent; the messages above carry their stable manifests.</summary>
public static class WorkerAgentProtocol
{
    /// <summary>The name of the actor system of every Lava node, master or worker: the nodes of one cluster share it.</summary>
    public const string SystemName = "lava";

    /// <summary>The path of the agent on a worker node.</summary>
    public const string AgentPath = "/user/worker";
}
