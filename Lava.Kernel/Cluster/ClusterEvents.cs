using System.Collections.Immutable;

namespace Lava.Kernel;

/// <summary>An event about the membership of the cluster, as this node sees it.</summary>
public interface IClusterDomainEvent;

/// <summary>A member changed status; the base of the member events.</summary>
public abstract record MemberStatusChange(Member Member) : IClusterDomainEvent;

/// <summary>A node was admitted as <see cref="MemberStatus.Joining"/>.</summary>
public sealed record MemberJoined(Member Member) : MemberStatusChange(Member);

/// <summary>A member became <see cref="MemberStatus.Up"/>.</summary>
public sealed record MemberUp(Member Member) : MemberStatusChange(Member);

/// <summary>A member asked to leave (<see cref="MemberStatus.Leaving"/>).</summary>
public sealed record MemberLeft(Member Member) : MemberStatusChange(Member);

/// <summary>A leaving member is <see cref="MemberStatus.Exiting"/>.</summary>
public sealed record MemberExited(Member Member) : MemberStatusChange(Member);

/// <summary>A member was declared <see cref="MemberStatus.Down"/>.</summary>
public sealed record MemberDowned(Member Member) : MemberStatusChange(Member);

/// <summary>A member was removed; <paramref name="PreviousStatus"/> tells whether it left or was downed.</summary>
public sealed record MemberRemoved(Member Member, MemberStatus PreviousStatus) : MemberStatusChange(Member);

/// <summary>A change in whether a member is reachable.</summary>
public abstract record ReachabilityEvent(Member Member) : IClusterDomainEvent;

/// <summary>The failure detector suspects <paramref name="Member"/>.</summary>
public sealed record UnreachableMember(Member Member) : ReachabilityEvent(Member);

/// <summary><paramref name="Member"/> is reachable again.</summary>
public sealed record ReachableMember(Member Member) : ReachabilityEvent(Member);

/// <summary>The leader (the oldest reachable Up master) changed; null when there is none.</summary>
public sealed record LeaderChanged(Address? Leader) : IClusterDomainEvent;

/// <summary>A snapshot of the membership as this node sees it.</summary>
public sealed record CurrentClusterState(ImmutableSortedSet<Member> Members, ImmutableHashSet<Member> Unreachable, Address? Leader)
{
    /// <summary>No members, no leader.</summary>
    public static CurrentClusterState Empty { get; } = new([], [], null);
}
