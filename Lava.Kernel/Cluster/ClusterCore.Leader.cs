using System.Collections.Immutable;

namespace Lava.Kernel.Membership;

/// <summary>
/// The leader's side of <see cref="ClusterCore"/>: the only writer of the membership state. Each change is
/// a new version, applied here first and pushed to the connected nodes; a member moves at most one status
/// per version, so that every node sees each step (Joining then Up, Down then Removed).
/// </summary>
internal sealed partial class ClusterCore
{
    private readonly Dictionary<UniqueAddress, ImmutableHashSet<UniqueAddress>> _observations = [];
    private readonly Dictionary<UniqueAddress, long> _unreachableSince = [];
    private readonly Dictionary<UniqueAddress, long> _exitingSince = [];
    private readonly HashSet<UniqueAddress> _exitingConfirmed = [];

    private void AdmitJoin(UniqueAddress node, IReadOnlyList<string> roles, UniqueAddress via)
    {
        if (_state.Members.ContainsKey(node))
        {
            // Already admitted; the state may have been lost on the way.
            Push(_state, exclude: null);
            return;
        }
        if (_cluster.Transport.IsRemoved(node))
        {
            ClusterLog.JoinIgnored(_cluster.Log, node, "this incarnation was removed");
            return;
        }
        if (_state.MemberAt(node.Address) is { } previous)
        {
            // A restarted node: the old incarnation goes first, so that everyone sees it removed before the new one joins.
            Commit(_state with { Members = _state.Members.Remove(previous.UniqueAddress), Unreachable = _state.Unreachable.Remove(previous.UniqueAddress) });
        }
        var member = new Member(node, MemberStatus.Joining, [.. roles], int.MaxValue);
        Commit(_state with { Members = _state.Members.SetItem(node, new MemberEntry(member, via)) });
    }

    private void LeaderLeave(Address address)
    {
        if (_state.MemberAt(address) is not { Status: MemberStatus.Joining or MemberStatus.Up } member) return;
        Commit(WithStatus(_state, member, MemberStatus.Leaving));
    }

    private void LeaderDown(Address address, long uid, bool gone)
    {
        if (_state.MemberAt(address) is not { } member || (uid != 0 && member.UniqueAddress.Uid != uid)) return;
        if (gone && member.Status is MemberStatus.Leaving or MemberStatus.Exiting)
            Commit(_state with { Members = _state.Members.Remove(member.UniqueAddress), Unreachable = _state.Unreachable.Remove(member.UniqueAddress) });
        else if (member.Status != MemberStatus.Down) Commit(WithStatus(_state, member, MemberStatus.Down));
    }

    private void OnReachabilityReport(ClusterProtocol.ReachabilityReport report)
    {
        if (SenderNode(Sender) is not { } from || !IsMasterMember(from) || !report.Observer.Equals(from))
        {
            IgnoreRequest(report, $"only a member with role {MasterRole} reports reachability, as itself");
            return;
        }
        var seen = report.Unreachable.ToImmutableHashSet();
        if (_observations.TryGetValue(report.Observer, out var before) && before.SetEquals(seen)) return;
        _observations[report.Observer] = seen;
        if (IsLeader) RunLeaderActions();
    }

    private void ForgetObservations(UniqueAddress node)
    {
        _observations.Remove(node);
        _unreachableSince.Remove(node);
        _exitingSince.Remove(node);
        _exitingConfirmed.Remove(node);
    }

    private void LeaderExitingConfirmed(UniqueAddress node)
    {
        if (_state.MemberOf(node) is not { Status: MemberStatus.Exiting } || !_exitingConfirmed.Add(node)) return;
        RunLeaderActions();
    }

    /// <summary>One step of the leader: removals, Joining to Up, Leaving to Exiting, the unreachable set, auto-downing.</summary>
    private void RunLeaderActions()
    {
        if (!IsLeader) return;
        var time = _cluster.System.TimeProvider;
        var now = time.GetTimestamp();
        var settings = _cluster.Settings;
        var members = _state.Members;
        var moved = new HashSet<UniqueAddress>();
        var nextUpNumber = members.Values.Select(e => e.Member.UpNumber).Where(n => n != int.MaxValue).DefaultIfEmpty(0).Max() + 1;
        foreach (var entry in _state.Members.Values.OrderBy(e => e.Member))
        {
            var member = entry.Member;
            var node = member.UniqueAddress;
            if (node.Equals(_self) && member.Status is not (MemberStatus.Joining or MemberStatus.Leaving)) continue;
            switch (member.Status)
            {
                case MemberStatus.Down:
                    members = members.Remove(node);
                    moved.Add(node);
                    break;
                case MemberStatus.Exiting:
                    // Removed once it confirmed that its exiting phase is over (its singletons stopped), once it is
                    // gone, or after a bound, so that a node that never confirms cannot stay Exiting.
                    if (!_exitingSince.TryGetValue(node, out var since)) _exitingSince[node] = since = now;
                    var exitedBecause = _exitingConfirmed.Contains(node) ? "it confirmed its exit"
                        : _transportRemoved.Contains(node) ? "its connection was removed"
                        : time.GetElapsedTime(since, now) >= settings.ExitingConfirmationTimeout ? "no exit confirmation within akka.cluster.exiting-confirmation-timeout"
                        : null;
                    if (exitedBecause is not null)
                    {
                        ClusterLog.ExitingRemoved(_cluster.Log, node, exitedBecause);
                        members = members.Remove(node);
                        moved.Add(node);
                    }
                    break;
                case MemberStatus.Leaving when _transportRemoved.Contains(node):
                    members = members.Remove(node);
                    moved.Add(node);
                    break;
                case MemberStatus.Leaving:
                    _exitingSince[node] = now;
                    members = members.SetItem(node, entry with { Member = member.WithStatus(MemberStatus.Exiting) });
                    moved.Add(node);
                    break;
                case MemberStatus.Joining or MemberStatus.Up when _transportRemoved.Contains(node):
                    members = members.SetItem(node, entry with { Member = member.WithStatus(MemberStatus.Down) });
                    moved.Add(node);
                    break;
                case MemberStatus.Joining:
                    members = members.SetItem(node, entry with { Member = member with { Status = MemberStatus.Up, UpNumber = nextUpNumber++ } });
                    moved.Add(node);
                    break;
            }
        }
        var state = _state with { Members = members };
        var unreachable = ComputeUnreachable(state);
        foreach (var node in _unreachableSince.Keys.Where(n => !unreachable.Contains(n)).ToList()) _unreachableSince.Remove(node);
        foreach (var node in unreachable)
        {
            if (!_unreachableSince.TryGetValue(node, out var since)) _unreachableSince[node] = since = now;
            if (moved.Contains(node) || settings.AutoDownUnreachableAfter is not { } margin || state.MemberOf(node) is not { } member) continue;
            var duration = time.GetElapsedTime(since, now);
            if (member.Status is MemberStatus.Down or MemberStatus.Exiting || duration < margin) continue;
            ClusterLog.AutoDowning(_cluster.Log, node, duration);
            state = WithStatus(state, member, MemberStatus.Down);
        }
        state = state with { Unreachable = unreachable.Intersect(state.Members.Keys) };
        if (moved.Count > 0 || !ReferenceEquals(state.Members, _state.Members) || !state.Unreachable.SetEquals(_state.Unreachable)) Commit(state);
    }

    /// <summary>
    /// The members the leader finds unreachable (Exiting ones and those the transport removed aside): those its own detectors suspect;
    /// for a member connected to another master, what that master reports, or unreachable when that master
    /// itself is unreachable or gone.
    /// </summary>
    private ImmutableHashSet<UniqueAddress> ComputeUnreachable(MembershipState state)
    {
        var result = ImmutableHashSet.CreateBuilder<UniqueAddress>();
        foreach (var (node, entry) in state.Members)
        {
            if (entry.Member.Status != MemberStatus.Exiting && IsUnreachableFromLeader(state, node, 0)) result.Add(node);
        }
        return result.ToImmutable();
    }

    private bool IsUnreachableFromLeader(MembershipState state, UniqueAddress node, int depth)
    {
        if (node.Equals(_self) || _transportRemoved.Contains(node)) return false;
        if (_detectedUnreachable.Contains(node)) return true;
        if (_directPeers.ContainsKey(node) || !state.Members.TryGetValue(node, out var entry)) return false;
        if (entry.Via is not { } via || via.Equals(_self)) return false;
        if (!state.Members.ContainsKey(via) || _transportRemoved.Contains(via)) return true;
        if (depth < MaxHops && IsUnreachableFromLeader(state, via, depth + 1)) return true;
        return _observations.TryGetValue(via, out var seen) && seen.Contains(node);
    }

    /// <summary>Makes <paramref name="state"/> the next version: applied here, published, pushed; then the next step is taken.</summary>
    private void Commit(MembershipState state)
    {
        var old = _state;
        _state = state with { Version = Math.Max(old.Version, state.Version) + 1 };
        UpdateView();
        var left = old.Members.Values
            .Where(e => e.Member.Status == MemberStatus.Exiting && !_state.Members.ContainsKey(e.Member.UniqueAddress))
            .Select(e => e.Member.UniqueAddress);
        Push(_state, exclude: null, alsoTo: left);
        Self.Tell(LeaderStep.Instance);
    }

    private static MembershipState WithStatus(MembershipState state, Member member, MemberStatus status) =>
        state with { Members = state.Members.SetItem(member.UniqueAddress, state.Members[member.UniqueAddress] with { Member = member.WithStatus(status) }) };
}
