using Akka.Cluster;
using Lava.Actors.Security;

namespace Lava.Actors.Cluster;

/// <summary>A member whose identity a master verified: <paramref name="Name"/> is the name its certificate was issued to.</summary>
public sealed record VerifiedMember(Member Member, string Name, NodeKind Kind);

/// <summary>Published on the master's event stream when a member passed its identity check; work may go to it from now on.</summary>
public sealed record MemberVerified(VerifiedMember Verified);

/// <summary>Published on the master's event stream when a verified member was removed from the cluster.</summary>
public sealed record VerifiedMemberRemoved(VerifiedMember Verified);

/// <summary>Asks <see cref="MemberAdmissionActor"/> for the members verified so far; answered with <see cref="VerifiedMembers"/>.</summary>
public sealed record GetVerifiedMembers
{
    /// <summary>The only instance.</summary>
    public static GetVerifiedMembers Instance { get; } = new();
}

/// <summary>The answer to <see cref="GetVerifiedMembers"/>.</summary>
public sealed record VerifiedMembers(IReadOnlyList<VerifiedMember> Members);

/// <summary>Tells <see cref="MemberAdmissionActor"/> that an admin withdrew a worker's access: its members are downed at once.</summary>
public sealed record WithdrawWorker(string Name, string Reason);
