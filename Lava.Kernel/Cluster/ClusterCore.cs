namespace Lava.Kernel.Membership;

/// <summary>
/// <c>/system/cluster/core</c>: this node's membership. It holds the membership state (written by the
/// leader, see <c>ClusterCore.Leader.cs</c>), derives this node's view from it and its own failure
/// detectors, publishes the member events to subscribers, relays the state to the nodes connected to it,
/// and removes vanished members from the transport.
/// </summary>
internal sealed partial class ClusterCore : ReceiveActor, IWithTimers
{
    private const string MasterRole = "master";
    private const int MaxHops = 3;

    private readonly Kernel.Cluster _cluster;
    private readonly IActorRef _heartbeat;
    private readonly UniqueAddress _self;
    private readonly Dictionary<IActorRef, Type[]> _subscribers = [];
    private readonly Dictionary<UniqueAddress, IReadOnlyList<string>> _directPeers = [];
    private readonly HashSet<UniqueAddress> _detectedUnreachable = [];
    private readonly HashSet<UniqueAddress> _transportRemoved = [];
    private readonly Dictionary<UniqueAddress, IActorRef> _cores = [];
    private readonly List<TaskCompletionSource> _leaveWaiters = [];
    private MembershipState _state = MembershipState.Empty;
    private CurrentClusterState _view = CurrentClusterState.Empty;
    private ClusterHeartbeat.Peers _peers = new([], []);
    private UniqueAddress? _contact;
    private bool _joinRequested;
    private bool _wasMember;
    private bool _selfRemoved;
    private bool _exitConfirmed;

    public ClusterCore(Kernel.Cluster cluster, IActorRef heartbeat)
    {
        _cluster = cluster;
        _heartbeat = heartbeat;
        _self = cluster.SelfUniqueAddress;
        Receive<JoinSelf>(_ => OnJoinSelf());
        Receive<JoinVia>(OnJoinVia);
        Receive<RetryJoin>(_ => OnRetryJoin());
        Receive<Subscribe>(OnSubscribe);
        Receive<Unsubscribe>(u => RemoveSubscriber(u.Subscriber));
        Receive<Terminated>(t => RemoveSubscriber(t.ActorRef));
        Receive<LeaveCommand>(c => RouteLeave(new ClusterProtocol.LeaveRequest(c.Address, 0)));
        Receive<DownCommand>(c => RouteDown(new ClusterProtocol.DownRequest(c.Address, 0, false, 0)));
        Receive<ConfirmExit>(_ => OnConfirmExit());
        Receive<LeaveSelf>(OnLeaveSelf);
        Receive<ClusterProtocol.Join>(OnJoin);
        Receive<ClusterProtocol.JoinForwarded>(OnJoinForwarded);
        Receive<ClusterProtocol.Gossip>(OnGossip);
        Receive<ClusterProtocol.ReachabilityReport>(OnReachabilityReport);
        Receive<ClusterProtocol.LeaveRequest>(OnLeaveRequest);
        Receive<ClusterProtocol.DownRequest>(OnDownRequest);
        Receive<ClusterProtocol.ExitingConfirmed>(OnExitingConfirmed);
        Receive<NodeUnreachable>(n => OnDetected(n.Node, unreachable: true));
        Receive<NodeReachable>(n => OnDetected(n.Node, unreachable: false));
        Receive<RemoteNodeConnected>(OnConnected);
        Receive<RemoteNodeRemoved>(r => OnTransportRemoved(r.Node));
        Receive<GossipTick>(_ => OnGossipTick());
        Receive<LeaderStep>(_ => RunLeaderActions());
        Receive<DeferredNodeRemoved>(d =>
        {
            ForgetPeer(d.Node);
            _cluster.Transport.NodeRemoved(d.Node);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private Member? SelfMember => _state.MemberOf(_self);

    private bool IsSelfMaster => _cluster.SelfRoles.Contains(MasterRole);

    private bool IsLeader => SelfMember is not null && _self.Address.Equals(_view.Leader);

    protected override void PreStart()
    {
        _cluster.System.EventStream.Subscribe(Self, typeof(RemoteNodeConnected));
        _cluster.System.EventStream.Subscribe(Self, typeof(RemoteNodeRemoved));
        foreach (var node in _cluster.Transport.ConnectedNodes)
        {
            if (_cluster.Transport.AssociationOf(node.Address) is { } association && association.Node.Equals(node)) _directPeers[node] = association.Roles;
        }
        Timers.StartPeriodicTimer("gossip", GossipTick.Instance, _cluster.Settings.GossipInterval);
        Timers.StartPeriodicTimer("leader", LeaderStep.Instance, _cluster.Settings.UnreachableNodesReaperInterval);
    }

    protected override void PostStop()
    {
        _cluster.System.EventStream.Unsubscribe(Self);
        foreach (var waiter in _leaveWaiters) waiter.TrySetResult();
        _leaveWaiters.Clear();
        _cluster.SelfRemoved();
    }

    private void OnJoinSelf()
    {
        if (SelfMember is not null) return;
        var self = new Member(_self, MemberStatus.Up, _cluster.SelfRoles, 1);
        Commit(new MembershipState(_state.Version, _state.Members.SetItem(_self, new MemberEntry(self, null)), []));
    }

    private void OnJoinVia(JoinVia join)
    {
        _contact = join.Peer;
        _joinRequested = true;
        CoreOf(join.Peer).Tell(new ClusterProtocol.Join(_self), Self);
        Timers.StartPeriodicTimer("join", RetryJoin.Instance, _cluster.Settings.RetryUnsuccessfulJoinAfter);
    }

    private void OnRetryJoin()
    {
        if (SelfMember is not null || _contact is null || _selfRemoved) Timers.Cancel("join");
        else CoreOf(_contact).Tell(new ClusterProtocol.Join(_self), Self);
    }

    private void OnSubscribe(Subscribe subscribe)
    {
        foreach (var e in MembershipState.Diff(CurrentClusterState.Empty, _view))
        {
            if (Matches(subscribe.To, e)) subscribe.Subscriber.Tell(e, Self);
        }
        if (_subscribers.TryAdd(subscribe.Subscriber, subscribe.To)) Context.Watch(subscribe.Subscriber);
        else _subscribers[subscribe.Subscriber] = subscribe.To;
    }

    private void RemoveSubscriber(IActorRef subscriber)
    {
        if (_subscribers.Remove(subscriber)) Context.Unwatch(subscriber);
    }

    private void OnLeaveSelf(LeaveSelf leave)
    {
        if (IsLeaveDone())
        {
            leave.Done.TrySetResult();
            return;
        }
        _leaveWaiters.Add(leave.Done);
        RouteLeave(new ClusterProtocol.LeaveRequest(_self.Address, 0));
    }

    /// <summary>A leave is over when this node is Exiting or no longer a member, or when nobody can move it on.</summary>
    private bool IsLeaveDone()
    {
        if (SelfMember is not { } self || self.Status is MemberStatus.Exiting or MemberStatus.Down) return true;
        if (IsSelfMaster) return _view.Leader is null;
        return _contact is not { } contact || _transportRemoved.Contains(contact) || _detectedUnreachable.Contains(contact);
    }

    private void OnJoin(ClusterProtocol.Join join)
    {
        // The joining node must be connected to this one as that incarnation: its roles are its handshake's.
        if (_cluster.Transport.AssociationOf(join.Node.Address) is not { } association || !association.Node.Equals(join.Node))
        {
            ClusterLog.JoinIgnored(_cluster.Log, join.Node, "it is not connected to this node");
            return;
        }
        // A node joins only as itself.
        if (!Sender.Path.Address.Equals(join.Node.Address))
        {
            IgnoreRequest(join, $"a join of {join.Node} must come from that node");
            return;
        }
        if (SelfMember is null) return;
        if (IsLeader) AdmitJoin(join.Node, association.Roles, _self);
        else ForwardToLeader(new ClusterProtocol.JoinForwarded(join.Node, [.. association.Roles], _self, 1));
    }

    private void OnJoinForwarded(ClusterProtocol.JoinForwarded join)
    {
        if (SenderNode(Sender) is not { } from || !IsMasterMember(from))
        {
            IgnoreRequest(join, $"only a member with role {MasterRole} passes on joins");
            return;
        }
        if (join.Hops > MaxHops) return;
        if (IsLeader) AdmitJoin(join.Node, join.Roles, join.Via);
        else ForwardToLeader(join with { Hops = join.Hops + 1 });
    }

    private void OnGossip(ClusterProtocol.Gossip gossip)
    {
        if (SenderNode(Sender) is not { } from || !IsMasterPeer(from))
        {
            IgnoreRequest(gossip, "only a master's membership state counts");
            return;
        }
        if (gossip.Version <= _state.Version) return;
        var state = MembershipState.FromWire(gossip);
        var forSelf = state.Members.ContainsKey(_self);
        // Before this node is a member, only a state that admits it after it asked to join counts.
        if (_selfRemoved || (!_wasMember && (!forSelf || !_joinRequested))) return;
        _state = state;
        UpdateView();
        if (IsSelfMaster) Push(_state, exclude: from);
        Self.Tell(LeaderStep.Instance);
    }

    /// <summary>A leave from another node: a master may ask it for any member, any other node only for itself.</summary>
    private void OnLeaveRequest(ClusterProtocol.LeaveRequest request)
    {
        if (SenderNode(Sender) is not { } from)
        {
            IgnoreRequest(request, "its sender is not a node connected to this one");
            return;
        }
        if (!IsMasterPeer(from) && !from.Address.Equals(request.Address))
        {
            IgnoreRequest(request, $"a node without role {MasterRole} may only leave itself");
            return;
        }
        RouteLeave(request);
    }

    /// <summary>A down from another node: only a master may ask for one.</summary>
    private void OnDownRequest(ClusterProtocol.DownRequest request)
    {
        if (SenderNode(Sender) is not { } from || !IsMasterPeer(from))
        {
            IgnoreRequest(request, $"only a node with role {MasterRole} may down a member");
            return;
        }
        RouteDown(request);
    }

    /// <summary>A leaving node finished its exiting phase; it confirms only for itself, a master passes it on.</summary>
    private void OnExitingConfirmed(ClusterProtocol.ExitingConfirmed confirmed)
    {
        if (SenderNode(Sender) is not { } from || (!IsMasterPeer(from) && !from.Equals(confirmed.Node)))
        {
            IgnoreRequest(confirmed, "a node may only confirm its own exit");
            return;
        }
        if (confirmed.Hops > MaxHops) return;
        if (IsLeader) LeaderExitingConfirmed(confirmed.Node);
        else ForwardToLeader(confirmed with { Hops = confirmed.Hops + 1 });
    }

    private void RouteLeave(ClusterProtocol.LeaveRequest request)
    {
        if (request.Hops > MaxHops) return;
        if (IsLeader) LeaderLeave(request.Address);
        else ForwardToLeader(request with { Hops = request.Hops + 1 });
    }

    private void RouteDown(ClusterProtocol.DownRequest request)
    {
        if (request.Hops > MaxHops) return;
        if (IsLeader) LeaderDown(request.Address, request.Uid, request.Gone);
        else ForwardToLeader(request with { Hops = request.Hops + 1 });
    }

    /// <summary>
    /// This node finished what it does while Exiting (the <c>cluster-exiting</c> phase, or the singletons'
    /// hand-over when it leaves without shutting down): the leader may remove it now. Repeated every gossip
    /// interval while it is Exiting, in case the leader changes.
    /// </summary>
    private void OnConfirmExit()
    {
        _exitConfirmed = true;
        SendExitConfirmation();
    }

    private void SendExitConfirmation()
    {
        if (!_exitConfirmed || SelfMember is not { Status: MemberStatus.Exiting }) return;
        if (IsLeader) LeaderExitingConfirmed(_self);
        else ForwardToLeader(new ClusterProtocol.ExitingConfirmed(_self, 1));
    }

    private void OnDetected(UniqueAddress node, bool unreachable)
    {
        var changed = unreachable ? _detectedUnreachable.Add(node) : _detectedUnreachable.Remove(node);
        if (!changed) return;
        UpdateView();
        if (IsLeader) RunLeaderActions();
        else ReportReachability();
    }

    private void ForgetPeer(UniqueAddress node)
    {
        _directPeers.Remove(node);
        _cores.Remove(node);
    }

    private void OnConnected(RemoteNodeConnected connected)
    {
        _directPeers[connected.Node] = connected.Roles;
        UpdatePeers();
    }

    private void OnTransportRemoved(UniqueAddress node)
    {
        if (_state.MemberOf(node) is null)
        {
            ForgetPeer(node);
            UpdatePeers();
            return;
        }
        _transportRemoved.Add(node);
        if (node.Equals(_contact) && !IsSelfMaster)
        {
            // The master this node joined through removed it, or was replaced: this node's membership is over.
            EndMembership();
            return;
        }
        UpdateView();
        if (IsLeader) RunLeaderActions();
        else if (IsSelfMaster) ForwardToLeader(new ClusterProtocol.DownRequest(node.Address, node.Uid, Gone: true, 1));
    }

    private void OnGossipTick()
    {
        if (SelfMember is null) return;
        if (IsSelfMaster) Push(_state, exclude: null);
        if (!IsLeader) ReportReachability();
        if (_leaveWaiters.Count > 0) RouteLeave(new ClusterProtocol.LeaveRequest(_self.Address, 0));
        SendExitConfirmation();
    }

    /// <summary>Ends this node's membership without the leader's word (its master is gone for good).</summary>
    private void EndMembership()
    {
        _state = _state with { Members = _state.Members.Clear(), Unreachable = [] };
        UpdateView();
    }

    /// <summary>Makes this node the first member, Up alone.</summary>
    public sealed record JoinSelf
    {
        public static JoinSelf Instance { get; } = new();
    }

    /// <summary>This node dialed <paramref name="Peer"/>; ask it to join (and again until this node is a member).</summary>
    public sealed record JoinVia(UniqueAddress Peer);

    public sealed record Subscribe(IActorRef Subscriber, Type[] To);

    public sealed record Unsubscribe(IActorRef Subscriber);

    public sealed record LeaveCommand(Address Address);

    public sealed record DownCommand(Address Address);

    /// <summary>This node is done with its exiting phase; tell the leader so that it removes this node.</summary>
    public sealed record ConfirmExit
    {
        public static ConfirmExit Instance { get; } = new();
    }

    /// <summary>Leave this node; <paramref name="Done"/> completes when the leave is over.</summary>
    public sealed record LeaveSelf(TaskCompletionSource Done);

    /// <summary>From the heartbeat actor: the failure detector suspects <paramref name="Node"/>.</summary>
    public sealed record NodeUnreachable(UniqueAddress Node);

    /// <summary>From the heartbeat actor: <paramref name="Node"/> is heard from again.</summary>
    public sealed record NodeReachable(UniqueAddress Node);

    private sealed record RetryJoin
    {
        public static RetryJoin Instance { get; } = new();
    }

    private sealed record GossipTick
    {
        public static GossipTick Instance { get; } = new();
    }

    private sealed record LeaderStep
    {
        public static LeaderStep Instance { get; } = new();
    }

    private sealed record DeferredNodeRemoved(UniqueAddress Node);
}
