namespace Lava.Kernel.Membership;

/// <summary>The messages membership sends between nodes, with their manifests.</summary>
internal static class ClusterProtocol
{
    /// <summary>Registers the manifests; both sides do so in <see cref="Kernel.Cluster.Start"/>.</summary>
    public static void Register(SerializerRegistry registry)
    {
        registry.Register<Join>("lava.cluster.join.v1");
        registry.Register<JoinForwarded>("lava.cluster.join-forwarded.v1");
        registry.Register<Gossip>("lava.cluster.gossip.v1");
        registry.Register<Heartbeat>("lava.cluster.heartbeat.v1");
        registry.Register<ReachabilityReport>("lava.cluster.reachability-report.v1");
        registry.Register<LeaveRequest>("lava.cluster.leave-request.v1");
        registry.Register<DownRequest>("lava.cluster.down-request.v1");
        registry.Register<ExitingConfirmed>("lava.cluster.exiting-confirmed.v1");
    }

    /// <summary>A node that dialed this one asks to join; its roles are those of its handshake, not part of the message.</summary>
    public sealed record Join(UniqueAddress Node);

    /// <summary>
    /// A master passes on a <see cref="Join"/> of a node connected to it (<paramref name="Via"/>), with the roles
    /// of that node's handshake.
    /// </summary>
    public sealed record JoinForwarded(UniqueAddress Node, string[] Roles, UniqueAddress Via, int Hops);

    /// <summary>One member in <see cref="Gossip"/>; <paramref name="Via"/> is the master the member is connected to (null for the first master).</summary>
    public sealed record GossipMember(UniqueAddress Node, MemberStatus Status, string[] Roles, int UpNumber, UniqueAddress? Via);

    /// <summary>The leader's membership state; a node applies it only when <paramref name="Version"/> is newer than its own.</summary>
    public sealed record Gossip(long Version, GossipMember[] Members, UniqueAddress[] Unreachable);

    /// <summary>Sent every heartbeat interval between connected members, on the control lane.</summary>
    public sealed record Heartbeat(UniqueAddress From) : IRemoteControlMessage;

    /// <summary>What a master's failure detectors see as unreachable among the nodes connected to it; sent to the leader.</summary>
    public sealed record ReachabilityReport(UniqueAddress Observer, UniqueAddress[] Unreachable);

    /// <summary>Asks the leader to move the member at <paramref name="Address"/> out gracefully.</summary>
    public sealed record LeaveRequest(Address Address, int Hops);

    /// <summary>
    /// Asks the leader to down the member at <paramref name="Address"/> (only incarnation <paramref name="Uid"/>
    /// unless 0); <paramref name="Gone"/> when a transport removed it, so that a leaving member is simply removed.
    /// </summary>
    public sealed record DownRequest(Address Address, long Uid, bool Gone, int Hops);

    /// <summary>
    /// <paramref name="Node"/>, Exiting, finished its exiting phase (its singletons stopped and handed over):
    /// the leader may remove it. Sent by that node, passed on towards the leader by masters.
    /// </summary>
    public sealed record ExitingConfirmed(UniqueAddress Node, int Hops);
}
