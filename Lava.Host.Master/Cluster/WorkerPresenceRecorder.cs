using Lava.Actors.Lab;
using Lava.Kernel;
using Microsoft.Extensions.Logging;
using KernelCluster = Lava.Kernel.Cluster;

namespace Lava.Host.Master.Cluster;

/// <summary>
/// Writes what the cluster sees of the workers into the registry: Online when a worker is Up, Offline when it
/// is removed. Only one master may write worker state, so it runs as the cluster singleton of the masters.
/// On start it marks Offline every worker recorded Online that is not Up now (a master that died left them so);
/// the cluster's replay of its current state then marks the Up ones Online. Writes run one at a time, in
/// event order.
/// </summary>
internal sealed class WorkerPresenceRecorder : ReceiveActor
{
    /// <summary>The name of the singleton's manager under /user; the recorder runs at <c>/user/worker-presence/recorder</c>.</summary>
    public const string ManagerName = "worker-presence";

    /// <summary>The name of the singleton under its manager.</summary>
    public const string SingletonName = "recorder";

    /// <summary>The name of the lease the recorder holds while it runs, when masters share a lease store.</summary>
    public const string LeaseName = "lava-worker-presence";

    private readonly IWorkerRegistry _registry;
    private readonly ILogger _log;

    public WorkerPresenceRecorder(IWorkerRegistry registry)
    {
        _registry = registry;
        _log = Context.System.LoggerFactory.CreateLogger<WorkerPresenceRecorder>();
        ReceiveAsync<Reconcile>(_ => ReconcileAsync());
        ReceiveAsync<MemberUp>(up => RecordAsync(up.Member, WorkerState.Online), up => up.Member.HasRole(ClusterCredential.WorkerRole));
        ReceiveAsync<MemberRemoved>(removed => RecordAsync(removed.Member, WorkerState.Offline), removed => removed.Member.HasRole(ClusterCredential.WorkerRole));
        Receive<StopRecording>(_ => Context.Stop(Self));
        ReceiveAny(_ => { });
    }

    /// <summary>The props of the recorder.</summary>
    public static Props Props(IWorkerRegistry registry) => Kernel.Props.Create(() => new WorkerPresenceRecorder(registry));

    protected override void PreStart()
    {
        LogMessages.PresenceRecorderStarted(_log, Context.System.Remote?.UniqueAddress.ToString() ?? "", DateTimeOffset.UtcNow);
        Self.Tell(Reconcile.Instance);
    }

    protected override void PostStop()
    {
        KernelCluster.Get(Context.System).Unsubscribe(Self);
        LogMessages.PresenceRecorderStopped(_log, Context.System.Remote?.UniqueAddress.ToString() ?? "", DateTimeOffset.UtcNow);
    }

    private async Task ReconcileAsync()
    {
        var cluster = KernelCluster.Get(Context.System);
        var up = cluster.State.Members.Where(m => m.Status == MemberStatus.Up && m.HasRole(ClusterCredential.WorkerRole)).Select(m => m.Address.Host).ToHashSet();
        foreach (var worker in await _registry.ListAsync())
        {
            if (worker.State == WorkerState.Online && !up.Contains(worker.Hostname)) await _registry.SetStateAsync(worker.Hostname, WorkerState.Offline, null);
        }
        cluster.Subscribe(Self, typeof(MemberUp), typeof(MemberRemoved));
    }

    private async Task RecordAsync(Member member, WorkerState state)
    {
        var name = member.Address.Host ?? "";
        var updated = await _registry.SetStateAsync(name, state, state == WorkerState.Online ? DateTimeOffset.UtcNow : null);
        if (updated is null) LogMessages.PresenceOfUnknownWorker(_log, name, state);
        else LogMessages.WorkerPresence(_log, name, state, member.UniqueAddress.Uid);
    }

    /// <summary>Sent to the recorder to stop it; the singleton manager's termination message.</summary>
    public sealed record StopRecording
    {
        /// <summary>The only instance.</summary>
        public static StopRecording Instance { get; } = new();
    }

    private sealed record Reconcile
    {
        public static Reconcile Instance { get; } = new();
    }
}
