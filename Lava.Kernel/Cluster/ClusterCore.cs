using System.Collections.Immutable;
using Lava.Kernel.Remote;

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
        Receive<LeaveCommand>(c => OnLeaveRequest(new ClusterProtocol.LeaveRequest(c.Address, 0)));
        Receive<DownCommand>(c => OnDownRequest(new ClusterProtocol.DownRequest(c.Address, 0, false, 0)));
        Receive<LeaveSelf>(OnLeaveSelf);
        Receive<ClusterProtocol.Join>(OnJoin);
        Receive<ClusterProtocol.JoinForwarded>(OnJoinForwarded);
        Receive<ClusterProtocol.Gossip>(OnGossip);
        Receive<ClusterProtocol.ReachabilityReport>(OnReachabilityReport);
        Receive<ClusterProtocol.LeaveRequest>(OnLeaveRequest);
        Receive<ClusterProtocol.DownRequest>(OnDownRequest);
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
        OnLeaveRequest(new ClusterProtocol.LeaveRequest(_self.Address, 0));
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
        if (SelfMember is null) return;
        if (IsLeader) AdmitJoin(join.Node, association.Roles, _self);
        else ForwardToLeader(new ClusterProtocol.JoinForwarded(join.Node, [.. association.Roles], _self, 1));
    }

    private void OnJoinForwarded(ClusterProtocol.JoinForwarded join)
    {
        if (!IsFromMasterMember(Sender) || join.Hops > MaxHops) return;
        if (IsLeader) AdmitJoin(join.Node, join.Roles, join.Via);
        else ForwardToLeader(join with { Hops = join.Hops + 1 });
    }

    private void OnGossip(ClusterProtocol.Gossip gossip)
    {
        if (gossip.Version <= _state.Version || !IsFromMasterPeer(Sender)) return;
        var state = MembershipState.FromWire(gossip);
        var forSelf = state.Members.ContainsKey(_self);
        // Before this node is a member, only a state that admits it after it asked to join counts.
        if (_selfRemoved || (!_wasMember && (!forSelf || !_joinRequested))) return;
        _state = state;
        UpdateView();
        if (IsSelfMaster) Push(_state, exclude: SenderNode(Sender));
        Self.Tell(LeaderStep.Instance);
    }

    private void OnLeaveRequest(ClusterProtocol.LeaveRequest request)
    {
        if (!IsTrusted(Sender, request.Address) || request.Hops > MaxHops) return;
        if (IsLeader) LeaderLeave(request.Address);
        else ForwardToLeader(request with { Hops = request.Hops + 1 });
    }

    private void OnDownRequest(ClusterProtocol.DownRequest request)
    {
        if (!IsTrusted(Sender, request.Address) || request.Hops > MaxHops) return;
        if (IsLeader) LeaderDown(request.Address, request.Uid, request.Gone);
        else ForwardToLeader(request with { Hops = request.Hops + 1 });
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
        if (_leaveWaiters.Count > 0) OnLeaveRequest(new ClusterProtocol.LeaveRequest(_self.Address, 0));
    }

    /// <summary>Ends this node's membership without the leader's word (its master is gone for good).</summary>
    private void EndMembership()
    {
        _state = _state with { Members = _state.Members.Clear(), Unreachable = [] };
        UpdateView();
    }

    /// <summary>Recomputes this node's view from the state and its own detectors, publishes the difference and acts on it.</summary>
    private void UpdateView()
    {
        var members = ImmutableSortedSet.CreateRange(_state.Members.Values.Select(e => e.Member));
        // A member the transport removed is gone rather than unreachable (the leader removes it), and one
        // that is Exiting may go silent: neither is reported unreachable.
        var unreachableIds = _state.Unreachable.Union(_detectedUnreachable).Except(_transportRemoved).Remove(_self);
        var unreachable = members.Where(m => unreachableIds.Contains(m.UniqueAddress) && m.Status != MemberStatus.Exiting).ToImmutableHashSet();
        var leader = members
            .Where(m => m.HasRole(MasterRole) && m.Status is MemberStatus.Up or MemberStatus.Leaving
                && !unreachableIds.Contains(m.UniqueAddress) && !_transportRemoved.Contains(m.UniqueAddress))
            .Aggregate((Member?)null, (oldest, m) => oldest is null || m.IsOlderThan(oldest) ? m : oldest);
        var view = new CurrentClusterState(members, unreachable, leader?.Address);
        var old = _view;
        _view = view;
        _cluster.SetState(view);
        var events = MembershipState.Diff(old, view);
        foreach (var e in events) Publish(e);
        var selfIsMember = SelfMember is not null;
        if (selfIsMember) _wasMember = true;
        foreach (var removed in events.OfType<MemberRemoved>())
        {
            var node = removed.Member.UniqueAddress;
            _detectedUnreachable.Remove(node);
            _transportRemoved.Remove(node);
            ForgetObservations(node);
            if (node.Equals(_self) || !selfIsMember) continue;
            if (removed.PreviousStatus == MemberStatus.Exiting)
            {
                // A member that left is sent the state that removes it before its connection is closed.
                Timers.StartSingleTimer(("remove", node), new DeferredNodeRemoved(node), _cluster.Settings.GossipInterval);
            }
            else
            {
                ForgetPeer(node);
                _cluster.Transport.NodeRemoved(node);
            }
        }
        if (_wasMember && !selfIsMember && !_selfRemoved)
        {
            _selfRemoved = true;
            _cluster.SelfRemoved();
        }
        UpdatePeers();
        if (_leaveWaiters.Count > 0 && IsLeaveDone())
        {
            foreach (var waiter in _leaveWaiters) waiter.TrySetResult();
            _leaveWaiters.Clear();
        }
    }

    /// <summary>Tells the heartbeat actor whom to send heartbeats to (connected members) and whom to watch (those not on their way out).</summary>
    private void UpdatePeers()
    {
        ImmutableHashSet<UniqueAddress> targets = [];
        ImmutableHashSet<UniqueAddress> monitored = [];
        if (SelfMember is { Status: not MemberStatus.Exiting and not MemberStatus.Down })
        {
            var peers = _state.Members.Values.Select(e => e.Member)
                .Where(m => !m.UniqueAddress.Equals(_self) && _directPeers.ContainsKey(m.UniqueAddress) && !_transportRemoved.Contains(m.UniqueAddress))
                .ToList();
            targets = [.. peers.Select(m => m.UniqueAddress)];
            monitored = [.. peers.Where(m => m.Status is MemberStatus.Joining or MemberStatus.Up or MemberStatus.Leaving).Select(m => m.UniqueAddress)];
        }
        if (targets.SetEquals(_peers.Targets) && monitored.SetEquals(_peers.Monitored)) return;
        _peers = new ClusterHeartbeat.Peers(targets, monitored);
        _heartbeat.Tell(_peers, Self);
    }

    private void Publish(IClusterDomainEvent e)
    {
        LogEvent(e);
        foreach (var (subscriber, to) in _subscribers)
        {
            if (Matches(to, e)) subscriber.Tell(e, Self);
        }
    }

    private void LogEvent(IClusterDomainEvent e)
    {
        var log = _cluster.Log;
        switch (e)
        {
            case MemberJoined m:
                ClusterLog.MemberJoining(log, m.Member.Address, Roles(m.Member));
                break;
            case MemberUp m:
                ClusterLog.MemberUp(log, m.Member.Address, Roles(m.Member));
                break;
            case MemberLeft m:
                ClusterLog.MemberLeaving(log, m.Member.Address, Roles(m.Member));
                break;
            case MemberExited m:
                ClusterLog.MemberExiting(log, m.Member.Address, Roles(m.Member));
                break;
            case MemberDowned m:
                ClusterLog.MemberDown(log, m.Member.Address, Roles(m.Member));
                break;
            case MemberRemoved m:
                ClusterLog.MemberRemoved(log, m.Member.Address, m.PreviousStatus, Roles(m.Member));
                break;
            case UnreachableMember m:
                ClusterLog.MemberUnreachable(log, m.Member.Address, Roles(m.Member));
                break;
            case ReachableMember m:
                ClusterLog.MemberReachable(log, m.Member.Address, Roles(m.Member));
                break;
            case LeaderChanged l:
                ClusterLog.LeaderChanged(log, l.Leader?.ToString() ?? "none");
                break;
        }
    }

    private static string Roles(Member member) => string.Join(", ", member.Roles);

    private static bool Matches(Type[] to, IClusterDomainEvent e) => to.Any(t => t.IsInstanceOfType(e));

    /// <summary>Sends the state to every connected member (and to one that just left, so that it learns it was removed).</summary>
    private void Push(MembershipState state, UniqueAddress? exclude, IEnumerable<UniqueAddress>? alsoTo = null)
    {
        var wire = state.ToWire();
        var targets = state.Members.Keys.Concat(alsoTo ?? []).Distinct()
            .Where(n => !n.Equals(_self) && !n.Equals(exclude) && _directPeers.ContainsKey(n) && !_transportRemoved.Contains(n));
        foreach (var node in targets) CoreOf(node).Tell(wire, Self);
    }

    private void ReportReachability()
    {
        if (!IsSelfMaster || SelfMember is null || LeaderNode() is not { } leader || leader.Equals(_self)) return;
        var seen = _detectedUnreachable.Union(_transportRemoved).Where(n => _state.Members.ContainsKey(n)).ToArray();
        CoreOf(leader).Tell(new ClusterProtocol.ReachabilityReport(_self, seen), Self);
    }

    /// <summary>Passes a request on towards the leader: a master sends it to the leader, a worker to the master it joined through.</summary>
    private void ForwardToLeader(object request)
    {
        var target = IsSelfMaster ? LeaderNode() : _contact;
        if (target is null || target.Equals(_self)) return;
        CoreOf(target).Tell(request, Self);
    }

    private UniqueAddress? LeaderNode() =>
        _view.Leader is { } leader ? _view.Members.FirstOrDefault(m => m.Address.Equals(leader))?.UniqueAddress : null;

    private IActorRef CoreOf(UniqueAddress node)
    {
        if (!_cores.TryGetValue(node, out var core))
        {
            core = new RemoteActorRef(_cluster.Transport, ActorPath.Parse(node.Address + "/system/cluster/core"));
            _cores[node] = core;
        }
        return core;
    }

    /// <summary>The incarnation a remote sender belongs to, among the nodes connected to this one.</summary>
    private UniqueAddress? SenderNode(IActorRef? sender)
    {
        if (sender is null || sender.Path.Address.HasLocalScope) return null;
        var address = sender.Path.Address;
        return _directPeers.Keys.FirstOrDefault(n => n.Address.Equals(address) && !_transportRemoved.Contains(n));
    }

    private bool IsFromMasterPeer(IActorRef? sender) =>
        SenderNode(sender) is { } node && _directPeers.TryGetValue(node, out var roles) && roles.Contains(MasterRole);

    private bool IsFromMasterMember(IActorRef? sender) =>
        IsFromMasterPeer(sender) && _state.MemberOf(SenderNode(sender)!) is { } member && member.HasRole(MasterRole);

    /// <summary>Local callers and masters may ask for anything; a worker only about itself.</summary>
    private bool IsTrusted(IActorRef? sender, Address target) =>
        sender is null || sender.Path.Address.HasLocalScope || IsFromMasterPeer(sender) || SenderNode(sender)?.Address.Equals(target) == true;

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
