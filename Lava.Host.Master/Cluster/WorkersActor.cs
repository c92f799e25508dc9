using Lava.Actors.Lab;
using Lava.Kernel;
using KernelCluster = Lava.Kernel.Cluster;

namespace Lava.Host.Master.Cluster;

/// <summary>
/// <c>/user/workers</c>: keeps one <see cref="WorkerActor"/> per worker that is Up, named after the worker, and
/// tells it when the worker is removed (it then stops). A restarted worker's new incarnation gets a fresh actor once the old
/// one has stopped.
/// </summary>
internal sealed class WorkersActor : ReceiveActor
{
    private readonly Dictionary<string, Member> _running = [];
    private readonly Dictionary<string, Member> _waiting = [];

    public WorkersActor()
    {
        Receive<MemberUp>(up => up.Member.HasRole(ClusterCredential.WorkerRole), up => OnUp(up.Member));
        Receive<MemberRemoved>(removed => removed.Member.HasRole(ClusterCredential.WorkerRole), removed => OnRemoved(removed.Member));
        Receive<Terminated>(OnTerminated);
        ReceiveAny(_ => { });
    }

    /// <summary>The props of the actor.</summary>
    public static Props Props() => Kernel.Props.Create(() => new WorkersActor());

    protected override void PreStart() => KernelCluster.Get(Context.System).Subscribe(Self, typeof(MemberUp), typeof(MemberRemoved));

    protected override void PostStop() => KernelCluster.Get(Context.System).Unsubscribe(Self);

    private static string NameOf(Member member) => member.Address.Host ?? "";

    private void OnUp(Member member)
    {
        var name = NameOf(member);
        if (Context.Child(name) is { } previous)
        {
            // The name is taken until the previous incarnation's actor has stopped.
            _waiting[name] = member;
            previous.Tell(WorkerActor.WorkerRemoved.Instance, Self);
            return;
        }
        Start(name, member);
    }

    private void Start(string name, Member member)
    {
        _running[name] = member;
        Context.Watch(Context.ActorOf(WorkerActor.Props(member), name));
    }

    private void OnRemoved(Member member)
    {
        var name = NameOf(member);
        if (_waiting.TryGetValue(name, out var waiting) && waiting.UniqueAddress.Equals(member.UniqueAddress)) _waiting.Remove(name);
        if (_running.TryGetValue(name, out var running) && running.UniqueAddress.Equals(member.UniqueAddress) && Context.Child(name) is { } child)
            child.Tell(WorkerActor.WorkerRemoved.Instance, Self);
    }

    private void OnTerminated(Terminated terminated)
    {
        // A watched child is no longer a child when its Terminated arrives: its name is free again.
        var name = terminated.ActorRef.Path.Name;
        _running.Remove(name);
        if (_waiting.Remove(name, out var member)) Start(name, member);
    }
}
