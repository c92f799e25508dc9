using System.Collections.Immutable;

namespace Lava.Kernel.Membership;

/// <summary>One member in <see cref="MembershipState"/>, with the master it is connected to (null for the first master).</summary>
internal sealed record MemberEntry(Member Member, UniqueAddress? Via);

/// <summary>
/// The membership state the leader writes: the members, and those the leader finds unreachable. A node
/// replaces its copy only with a higher <see cref="Version"/>.
/// </summary>
internal sealed record MembershipState(long Version, ImmutableDictionary<UniqueAddress, MemberEntry> Members, ImmutableHashSet<UniqueAddress> Unreachable)
{
    public static MembershipState Empty { get; } = new(0, ImmutableDictionary<UniqueAddress, MemberEntry>.Empty, []);

    public Member? MemberOf(UniqueAddress node) => Members.TryGetValue(node, out var entry) ? entry.Member : null;

    public Member? MemberAt(Address address) => Members.Values.Select(e => e.Member).FirstOrDefault(m => m.Address.Equals(address));

    public ClusterProtocol.Gossip ToWire() => new(
        Version,
        [.. Members.Values.Select(e => new ClusterProtocol.GossipMember(e.Member.UniqueAddress, e.Member.Status, [.. e.Member.Roles], e.Member.UpNumber, e.Via))],
        [.. Unreachable]);

    public static MembershipState FromWire(ClusterProtocol.Gossip gossip) => new(
        gossip.Version,
        gossip.Members.ToImmutableDictionary(
            m => m.Node,
            m => new MemberEntry(new Member(m.Node, m.Status, [.. m.Roles], m.UpNumber), m.Via)),
        [.. gossip.Unreachable]);

    /// <summary>
    /// The member events that turn <paramref name="old"/> into <paramref name="new"/>, in Akka's order: a
    /// replaced incarnation's removal first, then joined, up, left, exited, downed, removed, unreachable,
    /// reachable, and the leader change.
    /// </summary>
    public static List<IClusterDomainEvent> Diff(CurrentClusterState old, CurrentClusterState @new)
    {
        var events = new List<IClusterDomainEvent>();
        var oldByNode = old.Members.ToDictionary(m => m.UniqueAddress);
        var newByNode = @new.Members.ToDictionary(m => m.UniqueAddress);
        var newAddresses = @new.Members.Select(m => m.Address).ToHashSet();
        var removed = old.Members.Where(m => !newByNode.ContainsKey(m.UniqueAddress)).ToList();
        foreach (var m in removed.Where(m => newAddresses.Contains(m.Address))) events.Add(new MemberRemoved(m.WithStatus(MemberStatus.Removed), m.Status));
        var changed = @new.Members.Where(m => !oldByNode.TryGetValue(m.UniqueAddress, out var before) || before.Status != m.Status).ToList();
        foreach (var m in changed.Where(m => m.Status == MemberStatus.Joining)) events.Add(new MemberJoined(m));
        foreach (var m in changed.Where(m => m.Status == MemberStatus.Up)) events.Add(new MemberUp(m));
        foreach (var m in changed.Where(m => m.Status == MemberStatus.Leaving)) events.Add(new MemberLeft(m));
        foreach (var m in changed.Where(m => m.Status == MemberStatus.Exiting)) events.Add(new MemberExited(m));
        foreach (var m in changed.Where(m => m.Status == MemberStatus.Down)) events.Add(new MemberDowned(m));
        foreach (var m in removed.Where(m => !newAddresses.Contains(m.Address))) events.Add(new MemberRemoved(m.WithStatus(MemberStatus.Removed), m.Status));
        var oldUnreachable = old.Unreachable.Select(m => m.UniqueAddress).ToHashSet();
        var newUnreachable = @new.Unreachable.Select(m => m.UniqueAddress).ToHashSet();
        foreach (var m in @new.Members.Where(m => newUnreachable.Contains(m.UniqueAddress) && !oldUnreachable.Contains(m.UniqueAddress)))
            events.Add(new UnreachableMember(m));
        foreach (var m in @new.Members.Where(m => oldUnreachable.Contains(m.UniqueAddress) && !newUnreachable.Contains(m.UniqueAddress)))
            events.Add(new ReachableMember(m));
        if (!Equals(old.Leader, @new.Leader)) events.Add(new LeaderChanged(@new.Leader));
        return events;
    }
}
