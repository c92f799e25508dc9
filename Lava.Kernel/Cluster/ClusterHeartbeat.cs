using System.Collections.Immutable;

using Lava.Kernel.Remote;

namespace Lava.Kernel.Membership;

/// <summary>
/// <c>/system/cluster/heartbeat</c>: sends a heartbeat every heartbeat interval, on the control lane, to
/// each connected member that <c>core</c> names, keeps a phi-accrual failure detector per monitored
/// node fed by the heartbeats that arrive, and tells <c>core</c> every unreachable-nodes-reaper-interval
/// which monitored nodes became unreachable or reachable again.
/// </summary>
internal sealed class ClusterHeartbeat : ReceiveActor, IWithTimers
{
    private readonly Kernel.Cluster _cluster;
    private readonly Dictionary<UniqueAddress, PhiAccrualFailureDetector> _detectors = [];
    private readonly Dictionary<UniqueAddress, IActorRef> _receivers = [];
    private readonly HashSet<UniqueAddress> _unreachable = [];
    private readonly HashSet<Address> _forgedLogged = [];
    private ImmutableHashSet<UniqueAddress> _targets = [];
    private IActorRef? _core;

    public ClusterHeartbeat(Kernel.Cluster cluster)
    {
        _cluster = cluster;
        Receive<Peers>(OnPeers);
        Receive<ClusterProtocol.Heartbeat>(h =>
        {
            // Only a node's own heartbeats count: one node cannot keep another looking alive.
            if (!Sender.Path.Address.Equals(h.From.Address))
            {
                if (_forgedLogged.Add(Sender.Path.Address)) ClusterLog.ForgedHeartbeat(_cluster.Log, h.From, Sender.Path.Address.ToString());
                return;
            }
            if (_detectors.TryGetValue(h.From, out var detector)) detector.HeartBeat();
        });
        Receive<ExpectedFirstHeartbeat>(e =>
        {
            // As Akka: a node never heard from is monitored from here on, so that it can become unreachable.
            if (_detectors.TryGetValue(e.Node, out var detector) && !detector.IsMonitoring) detector.HeartBeat();
        });
        Receive<SendHeartbeats>(_ => SendAll());
        Receive<Reap>(_ => ReapUnreachable());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        Timers.StartPeriodicTimer("heartbeat", SendHeartbeats.Instance, _cluster.Settings.HeartbeatInterval);
        Timers.StartPeriodicTimer("reap", Reap.Instance, _cluster.Settings.UnreachableNodesReaperInterval);
    }

    private void OnPeers(Peers peers)
    {
        _core = Sender;
        _targets = peers.Targets;
        foreach (var node in _detectors.Keys.Where(n => !peers.Monitored.Contains(n)).ToList())
        {
            _detectors.Remove(node);
            _unreachable.Remove(node);
        }
        foreach (var node in _receivers.Keys.Where(n => !peers.Targets.Contains(n)).ToList()) _receivers.Remove(node);
        foreach (var node in peers.Monitored.Where(n => !_detectors.ContainsKey(n)))
        {
            _detectors[node] = new PhiAccrualFailureDetector(_cluster.System.TimeProvider, _cluster.Settings);
            Timers.StartSingleTimer(("first", node), new ExpectedFirstHeartbeat(node), _cluster.Settings.ExpectedResponseAfter);
        }
        SendAll();
    }

    private void SendAll()
    {
        var heartbeat = new ClusterProtocol.Heartbeat(_cluster.SelfUniqueAddress);
        foreach (var node in _targets)
        {
            // Only over a live connection: heartbeats queued while disconnected would arrive as a burst.
            if (_cluster.Transport.AssociationOf(node.Address) is not { Current: not null } association || !association.Node.Equals(node)) continue;
            if (!_receivers.TryGetValue(node, out var receiver))
            {
                receiver = new RemoteActorRef(_cluster.Transport, ActorPath.Parse(node.Address + "/system/cluster/heartbeat"));
                _receivers[node] = receiver;
            }
            receiver.Tell(heartbeat, Self);
        }
    }

    private void ReapUnreachable()
    {
        if (_core is null) return;
        foreach (var (node, detector) in _detectors)
        {
            var available = detector.IsAvailable;
            if (!available && _unreachable.Add(node)) _core.Tell(new ClusterCore.NodeUnreachable(node));
            else if (available && _unreachable.Remove(node)) _core.Tell(new ClusterCore.NodeReachable(node));
        }
    }

    /// <summary>From <c>core</c>: the nodes to send heartbeats to, and those of them to watch with a failure detector.</summary>
    public sealed record Peers(ImmutableHashSet<UniqueAddress> Targets, ImmutableHashSet<UniqueAddress> Monitored);

    private sealed record ExpectedFirstHeartbeat(UniqueAddress Node);

    private sealed record SendHeartbeats
    {
        public static SendHeartbeats Instance { get; } = new();
    }

    private sealed record Reap
    {
        public static Reap Instance { get; } = new();
    }
}
