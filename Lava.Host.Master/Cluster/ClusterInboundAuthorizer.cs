using System.Collections.Concurrent;
using Lava.Actors.Lab;
using Lava.Kernel;
using Microsoft.Extensions.Logging;

namespace Lava.Host.Master.Cluster;

/// <summary>
/// What a connected node may address on this master. A master may address anything. A worker may reach
/// membership and its heartbeats (exactly <c>/system/cluster/core</c> and <c>/system/cluster/heartbeat</c>),
/// the reply paths of asks (<c>/temp/**</c>) and the master-side actors of its own devices and jobs
/// (<c>/user/workers/&lt;its name&gt;/**</c>); anything else, another worker's actors above all, is refused so
/// that a worker can never act for another. What it may ask of membership is checked there (a worker joins and
/// leaves only as itself); that its messages carry its own actors as senders, the transport checks.
/// </summary>
internal sealed class ClusterInboundAuthorizer(ILogger logger) : IInboundAuthorizer
{
    /// <summary>The parent of the master-side actor of every worker.</summary>
    public const string WorkersPath = "/user/workers";

    /// <summary>The membership actor of the master.</summary>
    public const string ClusterCorePath = "/system/cluster/core";

    /// <summary>The heartbeat actor of the master.</summary>
    public const string ClusterHeartbeatPath = "/system/cluster/heartbeat";

    private const int LogLimit = 10_000;
    private readonly ConcurrentDictionary<(UniqueAddress Node, string Path), byte> _logged = new();

    public bool Authorize(UniqueAddress from, IReadOnlyList<string> roles, string recipientPath)
    {
        if (roles.Contains(ClusterCredential.MasterRole)) return true;
        if (recipientPath is ClusterCorePath or ClusterHeartbeatPath || IsUnder(recipientPath, "/temp")) return true;
        var name = from.Address.Host ?? "";
        if (IsUnder(recipientPath, $"{WorkersPath}/{name}")) return true;
        if (_logged.Count >= LogLimit) _logged.Clear();
        if (_logged.TryAdd((from, recipientPath), 0)) LogMessages.WorkerMayNotSend(logger, name, recipientPath, from);
        return false;
    }

    private static bool IsUnder(string path, string prefix) =>
        path.StartsWith(prefix, StringComparison.Ordinal) && (path.Length == prefix.Length || path[prefix.Length] == '/');
}
