using System.Collections.Immutable;

namespace Lava.Kernel.Membership;

/// <summary>
/// This node's view in <see cref="ClusterCore"/>: the membership state seen through its own failure
/// detectors, the events that tell subscribers how it changed, and what follows from a change (vanished
/// members leave the transport, whom to send heartbeats to, finished leaves).
/// </summary>
internal sealed partial class ClusterCore
{
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
        if (events.Any(e => e is MemberExited exited && exited.Member.UniqueAddress.Equals(_self))) _cluster.SelfExiting();
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
}
