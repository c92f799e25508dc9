using Microsoft.Extensions.Logging;

namespace Lava.Kernel;

/// <summary>
/// Runs one actor in the cluster, as Akka's <c>ClusterSingletonManager</c>: start the manager on every member
/// with the role (e.g. as <c>/user/singleton-manager</c>) and the oldest Up member with that role runs the
/// singleton as its child <see cref="ClusterSingletonManagerSettings.SingletonName"/>. Reach it through a
/// <see cref="ClusterSingletonProxy"/>.
/// </summary>
/// <remarks>
/// <para>
/// A member starts the singleton only when every older member with the role has been removed or has confirmed
/// that it handed the singleton over (it left gracefully), so a graceful hand-over never overlaps. A member that
/// leaves stops the singleton (its termination message, then a stop after
/// <see cref="ClusterSingletonManagerSettings.StopTimeout"/>) as soon as it sees itself leaving, and at the
/// latest in the coordinated shutdown phase <c>cluster-exiting</c>; it confirms its exit to the leader only after
/// that, so that it is not removed (which lets the next oldest start the singleton) while its singleton still
/// runs, unless it overruns <c>akka.cluster.exiting-confirmation-timeout</c>.
/// </para>
/// <para>
/// Membership alone cannot tell a crashed member from one cut off by the network: with a
/// <see cref="ClusterSingletonManagerSettings.Lease"/> the oldest also has to hold the lease before it starts the
/// singleton, and stops it at once when the lease is lost, so that two members that both think they are oldest
/// never run it together.
/// </para>
/// </remarks>
public static class ClusterSingletonManager
{
    /// <summary>
    /// Props of the manager. <paramref name="terminationMessage"/> is sent to the singleton to let it finish its
    /// work before it stops (e.g. <see cref="PoisonPill.Instance"/>).
    /// </summary>
    public static Props Props(Props singletonProps, object terminationMessage, ClusterSingletonManagerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(singletonProps);
        ArgumentNullException.ThrowIfNull(terminationMessage);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        return Kernel.Props.Create(() => new ClusterSingletonManagerActor(singletonProps, terminationMessage, settings));
    }
}
