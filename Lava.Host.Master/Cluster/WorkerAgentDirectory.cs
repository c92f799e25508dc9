using System.Collections.Concurrent;
using Akka.Actor;
using Lava.Actors.Cluster;
using Lava.Actors.Jobs.Supervision;
using Lava.Actors.Lab;
using Lava.Actors.Security;

namespace Lava.Host.Master.Cluster;

/// <summary>
/// Where job supervisors reach a worker's agent (<c>/user/worker</c> on its node): the workers this master's
/// <see cref="MemberAdmissionActor"/> verified, by name, as of now. A worker that is not a verified member has no agent.
/// Every master keeps its own, fed by its event stream (<see cref="Follower"/>), so a supervisor on any master finds them.
/// </summary>
internal sealed class WorkerAgentDirectory : IWorkerAgents
{
    private readonly ConcurrentDictionary<string, (UniqueAddressKey Member, ActorSelection Agent)> _agents = new(StringComparer.Ordinal);

    public ICanTell? AgentOf(string worker) => _agents.TryGetValue(worker, out var entry) ? entry.Agent : null;

    /// <summary>Starts the actor that keeps this directory in step with the cluster.</summary>
    public void Follow(ActorSystem system) => system.ActorOf(Props.Create(() => new Follower(this)), "worker-agents");

    private void Add(VerifiedMember worker, ActorSelection agent) =>
        _agents[worker.Name] = (new UniqueAddressKey(worker.Member.UniqueAddress.ToString()), agent);

    private void Remove(VerifiedMember worker)
    {
        var key = new UniqueAddressKey(worker.Member.UniqueAddress.ToString());
        // A newer incarnation may have been verified before the old one's removal arrived: keep the newer one.
        _agents.TryRemove(KeyValuePair.Create(worker.Name, _agents.GetValueOrDefault(worker.Name) is var current && current.Member == key ? current : default));
    }

    private readonly record struct UniqueAddressKey(string Value);

    /// <summary>Follows <see cref="MemberVerified"/> and <see cref="VerifiedMemberRemoved"/> of workers on the event stream.</summary>
    private sealed class Follower : ReceiveActor
    {
        public Follower(WorkerAgentDirectory directory)
        {
            Receive<MemberVerified>(e => e.Verified.Kind == NodeKind.Worker, e =>
                directory.Add(e.Verified, Context.ActorSelection(new RootActorPath(e.Verified.Member.Address) / "user" / "worker")));
            Receive<VerifiedMemberRemoved>(e => e.Verified.Kind == NodeKind.Worker, e => directory.Remove(e.Verified));
            ReceiveAny(_ => { });
        }

        protected override void PreStart()
        {
            Context.System.EventStream.Subscribe(Self, typeof(MemberVerified));
            Context.System.EventStream.Subscribe(Self, typeof(VerifiedMemberRemoved));
        }

        protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);
    }
}
