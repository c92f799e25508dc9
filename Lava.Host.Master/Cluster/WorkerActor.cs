using Akka.Actor;
using Akka.Event;
using Lava.Actors.Cluster;
using Lava.Actors.Lab;

namespace Lava.Host.Master.Cluster;

/// <summary>
/// The master-side actor of one worker incarnation, at <c>/user/workers/&lt;name&gt;</c>: the parent of the
/// master-side actors of the worker's devices and jobs, and the one place the worker's own messages may reach.
/// It finds the worker's agent (<c>/user/worker</c> on the worker node), watches it and asks its status; the
/// agent's end (the worker stopped or its node was removed) is logged. When its worker is removed it waits
/// (boundedly) for that end, which the node's removal delivers, and stops.
/// </summary>
internal sealed class WorkerActor : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan IdentifyRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RemovalGrace = TimeSpan.FromSeconds(5);
    private const int IdentifyAttempts = 30;
    private readonly VerifiedMember _worker;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private int _attempts;
    private IActorRef? _agent;
    private bool _removed;

    public WorkerActor(VerifiedMember worker)
    {
        _worker = worker;
        Receive<IdentifyAgent>(_ => Identify());
        Receive<ActorIdentity>(OnIdentity);
        Receive<WorkerStatus>(status => _log.Info("Worker {Hostname} runs version {Version} since {StartedAt:O} with {Devices} devices", status.Name, status.Version, status.StartedAt, status.Devices));
        Receive<Terminated>(OnTerminated);
        Receive<WorkerRemoved>(_ => OnRemoved());
        Receive<StopNow>(_ => Context.Stop(Self));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private string Name => _worker.Name;

    private long Uid => _worker.Member.UniqueAddress.Uid;

    /// <summary>The props of the actor for <paramref name="worker"/>.</summary>
    public static Props Props(VerifiedMember worker) => Akka.Actor.Props.Create(() => new WorkerActor(worker));

    protected override void PreStart() => Identify();

    private void OnTerminated(Terminated terminated)
    {
        _log.Warning("Terminated: the agent of worker {Hostname} at {AgentPath} (uid {Uid}); address terminated: {AddressTerminated}", Name, terminated.ActorRef.Path, Uid, terminated.AddressTerminated);
        _agent = null;
        if (_removed) Context.Stop(Self);
    }

    private void OnRemoved()
    {
        _removed = true;
        Timers.Cancel(IdentifyAgent.Instance);
        if (_agent is null) Context.Stop(Self);
        else Timers.StartSingleTimer(StopNow.Instance, StopNow.Instance, RemovalGrace);
    }

    private void Identify()
    {
        if (_removed) return;
        _attempts++;
        Context.ActorSelection(_worker.Member.Address + LavaNode.WorkerAgentPath).Tell(new Identify(_attempts), Self);
    }

    private void OnIdentity(ActorIdentity identity)
    {
        if (identity.Subject is not { } agent)
        {
            if (_attempts < IdentifyAttempts) Timers.StartSingleTimer(IdentifyAgent.Instance, IdentifyAgent.Instance, IdentifyRetry);
            else _log.Warning("Worker {Hostname} (uid {Uid}) has no agent at /user/worker after {Attempts} attempts", Name, Uid, _attempts);
            return;
        }
        if (_removed || _agent is not null) return;
        Timers.Cancel(IdentifyAgent.Instance);
        _agent = agent;
        Context.Watch(agent);
        _log.Info("Watching the agent of worker {Hostname} at {AgentPath} (uid {Uid})", Name, agent.Path, Uid);
        agent.Tell(GetWorkerStatus.Instance, Self);
    }

    /// <summary>Tells the actor that its worker incarnation was removed from the cluster.</summary>
    public sealed record WorkerRemoved
    {
        /// <summary>The only instance.</summary>
        public static WorkerRemoved Instance { get; } = new();
    }

    private sealed record IdentifyAgent
    {
        public static IdentifyAgent Instance { get; } = new();
    }

    private sealed record StopNow
    {
        public static StopNow Instance { get; } = new();
    }
}
