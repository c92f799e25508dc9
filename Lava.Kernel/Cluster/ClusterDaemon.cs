namespace Lava.Kernel.Membership;

/// <summary>
/// <c>/system/cluster</c>: parent of the membership actors <c>core</c> and <c>heartbeat</c>; forwards the
/// commands of <see cref="Kernel.Cluster"/> to <c>core</c>, so that they may be sent before it started.
/// </summary>
internal sealed class ClusterDaemon : ReceiveActor
{
    public ClusterDaemon(Kernel.Cluster cluster)
    {
        var heartbeat = Context.ActorOf(Props.Create(() => new ClusterHeartbeat(cluster)), "heartbeat");
        var core = Context.ActorOf(Props.Create(() => new ClusterCore(cluster, heartbeat)), "core");
        ReceiveAny(m => core.Forward(m));
    }
}
