using Akka.Actor;
using Lava.Actors.Cluster;
using Lava.Actors.Security;

namespace Lava.Host.Master.Cluster;

/// <summary>
/// <c>/user/workers</c>: keeps one <see cref="WorkerActor"/> per worker whose identity <see cref="MemberAdmissionActor"/>
/// verified, named after the worker, and tells it when that member is removed (it then stops). A restarted worker's new
/// incarnation gets a fresh actor once the old one has stopped.
/// </summary>
internal sealed class WorkersActor : ReceiveActor
{
    private readonly Dictionary<string, VerifiedMember> _running = [];
    private readonly Dictionary<string, VerifiedMember> _waiting = [];

    public WorkersActor()
    {
        Receive<MemberVerified>(e => e.Verified.Kind == NodeKind.Worker, e => OnVerified(e.Verified));
        Receive<VerifiedMemberRemoved>(e => e.Verified.Kind == NodeKind.Worker, e => OnRemoved(e.Verified));
        Receive<Terminated>(OnTerminated);
        ReceiveAny(_ => { });
    }

    /// <summary>The props of the actor.</summary>
    public static Props Props() => Akka.Actor.Props.Create(() => new WorkersActor());

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(MemberVerified));
        Context.System.EventStream.Subscribe(Self, typeof(VerifiedMemberRemoved));
    }

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    private void OnVerified(VerifiedMember worker)
    {
        if (Context.Child(worker.Name) is var previous && !previous.IsNobody())
        {
            // The name is taken until the previous incarnation's actor has stopped.
            _waiting[worker.Name] = worker;
            previous.Tell(WorkerActor.WorkerRemoved.Instance, Self);
            return;
        }

        Start(worker);
    }

    private void Start(VerifiedMember worker)
    {
        _running[worker.Name] = worker;
        Context.Watch(Context.ActorOf(WorkerActor.Props(worker), worker.Name));
    }

    private void OnRemoved(VerifiedMember worker)
    {
        if (_waiting.TryGetValue(worker.Name, out var waiting) && waiting.Member.UniqueAddress.Equals(worker.Member.UniqueAddress)) _waiting.Remove(worker.Name);
        if (_running.TryGetValue(worker.Name, out var running) && running.Member.UniqueAddress.Equals(worker.Member.UniqueAddress)
            && Context.Child(worker.Name) is var child && !child.IsNobody())
        {
            child.Tell(WorkerActor.WorkerRemoved.Instance, Self);
        }
    }

    private void OnTerminated(Terminated terminated)
    {
        // A watched child is no longer a child when its Terminated arrives: its name is free again.
        var name = terminated.ActorRef.Path.Name;
        _running.Remove(name);
        if (_waiting.Remove(name, out var worker)) Start(worker);
    }
}
