using Akka.Actor;
using Akka.Hosting;
using Lava.Actors.Jobs.Scheduling;
using Akka.Event;
using Lava.Actors.Cluster;
using Lava.Actors.Lab;
using Lava.Actors.Security;

namespace Lava.Host.Master.Cluster;

/// <summary>
/// Writes what the cluster sees of the workers into the registry: Online when a worker's identity was verified,
/// Offline when its last verified incarnation is removed. Only one master may write worker state, so it runs as the
/// cluster singleton of the masters. On start it takes the verified members from this master's
/// <see cref="MemberAdmissionActor"/> and marks Offline every worker recorded Online that is not among them (a master
/// that died left them so). Writes run one at a time, in event order.
/// </summary>
internal sealed class WorkerPresenceRecorder : ReceiveActor, IWithUnboundedStash
{
    /// <summary>The singleton's name: its manager runs at <c>/user/worker-presence</c>.</summary>
    public const string SingletonName = "worker-presence";

    private readonly IWorkerRegistry _registry;
    private readonly TimeProvider _time;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, HashSet<long>> _online = [];

    public WorkerPresenceRecorder(IWorkerRegistry registry, TimeProvider time)
    {
        (_registry, _time) = (registry, time);
        ReceiveAsync<VerifiedMembers>(ReconcileAsync);
        Receive<StopRecording>(_ => Context.Stop(Self));
        ReceiveAny(_ => Stash.Stash());
    }

    public IStash Stash { get; set; } = null!;

    /// <summary>The props of the recorder.</summary>
    public static Props Props(IWorkerRegistry registry, TimeProvider time) =>
        Akka.Actor.Props.Create(() => new WorkerPresenceRecorder(registry, time));

    protected override void PreStart()
    {
        _log.Info("Worker presence recorder started on {Node}", Akka.Cluster.Cluster.Get(Context.System).SelfAddress);
        Context.System.EventStream.Subscribe(Self, typeof(MemberVerified));
        Context.System.EventStream.Subscribe(Self, typeof(VerifiedMemberRemoved));
        Context.ActorSelection("/user/" + MemberAdmissionActor.Name).Tell(GetVerifiedMembers.Instance);
    }

    protected override void PostStop()
    {
        Context.System.EventStream.Unsubscribe(Self);
        _log.Info("Worker presence recorder stopped on {Node}", Akka.Cluster.Cluster.Get(Context.System).SelfAddress);
    }

    private async Task ReconcileAsync(VerifiedMembers current)
    {
        foreach (var worker in current.Members.Where(m => m.Kind == NodeKind.Worker)) Online(worker).Add(worker.Member.UniqueAddress.Uid);
        foreach (var worker in await _registry.ListAsync())
        {
            if (worker.State == WorkerState.Online && !_online.ContainsKey(worker.Hostname)) await RecordAsync(worker.Hostname, WorkerState.Offline, 0);
        }

        foreach (var name in _online.Keys) await RecordAsync(name, WorkerState.Online, _online[name].First());
        Become(Recording);
        Stash.UnstashAll();
    }

    private void Recording()
    {
        ReceiveAsync<MemberVerified>(e => e.Verified.Kind == NodeKind.Worker, async e =>
        {
            Online(e.Verified).Add(e.Verified.Member.UniqueAddress.Uid);
            await RecordAsync(e.Verified.Name, WorkerState.Online, e.Verified.Member.UniqueAddress.Uid);
        });
        ReceiveAsync<VerifiedMemberRemoved>(e => e.Verified.Kind == NodeKind.Worker, async e =>
        {
            var incarnations = Online(e.Verified);
            incarnations.Remove(e.Verified.Member.UniqueAddress.Uid);
            // A new incarnation verified before the old one was removed keeps the worker Online.
            if (incarnations.Count > 0) return;
            _online.Remove(e.Verified.Name);
            await RecordAsync(e.Verified.Name, WorkerState.Offline, e.Verified.Member.UniqueAddress.Uid);
        });
        Receive<StopRecording>(_ => Context.Stop(Self));
        ReceiveAny(_ => { });
    }

    private HashSet<long> Online(VerifiedMember worker) =>
        _online.TryGetValue(worker.Name, out var set) ? set : _online[worker.Name] = [];

    private async Task RecordAsync(string name, WorkerState state, long uid)
    {
        var updated = await _registry.SetStateAsync(name, state, state == WorkerState.Online ? _time.GetUtcNow() : null);
        if (updated is null) _log.Warning("Worker {Hostname} is {State} in the cluster but unknown to the registry", name, state);
        else _log.Info("Worker {Hostname} is {State} (uid {Uid})", name, state, uid);
        // The scheduler schedules on online workers only: it rereads this one now rather than at its next sweep.
        if (ActorRegistry.For(Context.System).TryGet<SchedulerProxy>(out var scheduler)) scheduler.Tell(new WorkerChanged(name));
    }

    /// <summary>Sent to the recorder to stop it; the singleton manager's termination message.</summary>
    public sealed record StopRecording
    {
        /// <summary>The only instance.</summary>
        public static StopRecording Instance { get; } = new();
    }
}
