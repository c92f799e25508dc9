namespace Lava.Actors.Cluster;

/// <summary>The cluster roles of Lava's nodes. A member's roles are only a claim until <see cref="MemberAdmissionActor"/> verified it.</summary>
public static class LavaRoles
{
    /// <summary>A master: seed node, gateway, singletons.</summary>
    public const string Master = "master";

    /// <summary>A worker: hosts the devices wired to its machine.</summary>
    public const string Worker = "worker";

    /// <summary>The name of the actor system of every Lava node: the nodes of one cluster share it.</summary>
    public const string SystemName = "lava";
}
