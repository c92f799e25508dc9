using Lava.Kernel.Remote;

namespace Lava.Kernel.Membership;

/// <summary>
/// Where <see cref="ClusterCore"/> sends things and whom it believes: the state to connected members,
/// requests towards the leader, and which remote senders may ask what.
/// </summary>
internal sealed partial class ClusterCore
{
    private const int IgnoredLogLimit = 1_000;
    private readonly HashSet<(string Sender, string Request, string Reason)> _loggedIgnored = [];

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

    private bool IsMasterPeer(UniqueAddress node) => _directPeers.TryGetValue(node, out var roles) && roles.Contains(MasterRole);

    private bool IsMasterMember(UniqueAddress node) => IsMasterPeer(node) && _state.MemberOf(node) is { } member && member.HasRole(MasterRole);

    /// <summary>Logs a request from another node that is not acted on, once per sender, kind of request and reason.</summary>
    private void IgnoreRequest(object request, string reason)
    {
        var sender = Sender.Path.Address.HasLocalScope ? "no node" : Sender.Path.Address.ToString();
        if (_loggedIgnored.Count >= IgnoredLogLimit) _loggedIgnored.Clear();
        if (_loggedIgnored.Add((sender, request.GetType().Name, reason))) ClusterLog.RequestIgnored(_cluster.Log, request.GetType().Name, sender, reason);
    }
}
