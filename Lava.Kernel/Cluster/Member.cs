using System.Collections.Immutable;

namespace Lava.Kernel;

/// <summary>Where a member is in its life in the cluster, as Akka's member status.</summary>
public enum MemberStatus
{
    /// <summary>Admitted by the leader, not yet Up.</summary>
    Joining,

    /// <summary>A full member.</summary>
    Up,

    /// <summary>Asked to leave; the leader moves it to <see cref="Exiting"/>.</summary>
    Leaving,

    /// <summary>Leaving, about to be removed.</summary>
    Exiting,

    /// <summary>Declared failed (by auto-downing or <see cref="Cluster.Down"/>); about to be removed.</summary>
    Down,

    /// <summary>No longer a member.</summary>
    Removed,
}

/// <summary>
/// One incarnation of a node in the cluster: its address and uid, its status, the roles it presented
/// in its handshake, and its up-number (the order in which members became Up; <see cref="int.MaxValue"/>
/// until then), which decides age.
/// </summary>
public sealed record Member(UniqueAddress UniqueAddress, MemberStatus Status, ImmutableSortedSet<string> Roles, int UpNumber)
    : IComparable<Member>
{
    /// <summary>The member's address.</summary>
    public Address Address => UniqueAddress.Address;

    /// <summary>True when the member has <paramref name="role"/>.</summary>
    public bool HasRole(string role) => Roles.Contains(role);

    /// <summary>
    /// True when this member became Up before <paramref name="other"/>: the smaller up-number is older,
    /// and on a tie the smaller address, as in Akka.
    /// </summary>
    public bool IsOlderThan(Member other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return UpNumber == other.UpNumber ? CompareAddresses(UniqueAddress, other.UniqueAddress) < 0 : UpNumber < other.UpNumber;
    }

    /// <summary>Orders members by address, then uid (the order of <see cref="CurrentClusterState.Members"/>).</summary>
    public int CompareTo(Member? other) => other is null ? 1 : CompareAddresses(UniqueAddress, other.UniqueAddress);

    /// <summary>The same member with another status.</summary>
    internal Member WithStatus(MemberStatus status) => this with { Status = status };

    internal static int CompareAddresses(UniqueAddress a, UniqueAddress b)
    {
        var c = string.CompareOrdinal(a.Address.Host, b.Address.Host);
        if (c != 0) return c;
        c = (a.Address.Port ?? 0).CompareTo(b.Address.Port ?? 0);
        if (c != 0) return c;
        c = string.CompareOrdinal(a.Address.System, b.Address.System);
        return c != 0 ? c : a.Uid.CompareTo(b.Uid);
    }

    public override string ToString() => $"Member({UniqueAddress}, {Status}, roles: {string.Join(", ", Roles)}, up-number {UpNumber})";
}
