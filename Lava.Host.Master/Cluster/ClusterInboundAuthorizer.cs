using Lava.Actors.Lab;
using Lava.Kernel;

namespace Lava.Host.Master.Cluster;

/// <summary>
/// What a connected node may address on this master. A master may address anything. A worker may reach
/// membership and its heartbeats (exactly <c>/system/cluster/core</c> and <c>/system/cluster/heartbeat</c>),
/// the reply paths of asks (<c>/temp/**</c>) and the master-side actors of its own devices and jobs
/// (<c>/user/workers/&lt;its name&gt;/**</c>); anything else, another worker's actors above all, is refused so
/// that a worker can never act for another. The transport drops, counts and logs what is refused. What it may
/// ask of membership is checked there (a worker joins and leaves only as itself); that its messages carry its
/// own actors as senders, the transport checks.
/// </summary>
internal sealed class ClusterInboundAuthorizer : IInboundAuthorizer
{
    /// <summary>The parent of the master-side actor of every worker.</summary>
    public const string WorkersPath = "/user/workers";

    /// <summary>The membership actor of the master.</summary>
    public const string ClusterCorePath = "/system/cluster/core";

    /// <summary>The heartbeat actor of the master.</summary>
    public const string ClusterHeartbeatPath = "/system/cluster/heartbeat";

    public bool Authorize(UniqueAddress from, IReadOnlyList<string> roles, string recipientPath) =>
        roles.Contains(ClusterCredential.MasterRole)
        || recipientPath is ClusterCorePath or ClusterHeartbeatPath
        || IsUnder(recipientPath, "/temp")
        || IsUnder(recipientPath, $"{WorkersPath}/{from.Address.Host}");

    private static bool IsUnder(string path, string prefix) =>
        path.StartsWith(prefix, StringComparison.Ordinal) && (path.Length == prefix.Length || path[prefix.Length] == '/');
}
