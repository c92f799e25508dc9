using Akka.Actor;

namespace Lava.Actors.Jobs.Supervision;

/// <summary>Where job supervisors find the agent (<c>/user/worker</c>) of the worker that holds a job's device.</summary>
public interface IWorkerAgents
{
    /// <summary>The agent of <paramref name="worker"/>, or null when that worker is not a verified member of the cluster now.</summary>
    ICanTell? AgentOf(string worker);
}
