using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.PublishSubscribe;
using Lava.Actors.Wire;

namespace Lava.Actors.Jobs.ReadModels;

/// <summary>
/// Published on the masters' <see cref="Topic"/> (Akka's DistributedPubSub) once the read models show a change: by the
/// jobs projection after a batch is written (the jobs it touched), and by the scheduler after it wrote a device's
/// health. Subscribers (the web UI's live feed on each master) read the rows again; nobody replies. At most once:
/// a subscriber that missed one catches up when the page reloads the rows.
/// </summary>
[WireManifest("lava.live.change.v1")]
public sealed record LiveChange(IReadOnlyList<long> Jobs, IReadOnlyList<string> Devices) : ILavaWireMessage
{
    /// <summary>The DistributedPubSub topic.</summary>
    public const string Topic = "lava.live";

    /// <summary>
    /// Publishes <paramref name="change"/> to every master's subscribers; an actor system that is not a cluster node
    /// (a unit test's) publishes it on its own event stream instead.
    /// </summary>
    public static void Publish(ActorSystem system, LiveChange change)
    {
        ArgumentNullException.ThrowIfNull(system);
        if (((ExtendedActorSystem)system).Provider is IClusterActorRefProvider)
        {
            DistributedPubSub.Get(system).Mediator.Tell(new Publish(Topic, change));
        }
        else
        {
            system.EventStream.Publish(change);
        }
    }
}
