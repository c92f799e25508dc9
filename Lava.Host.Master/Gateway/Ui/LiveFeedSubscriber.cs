using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Lava.Actors.Jobs.ReadModels;

namespace Lava.Host.Master.Gateway.Ui;

/// <summary>
/// Subscribes this master to the masters' <see cref="LiveChange.Topic"/> and hands each change to the <see cref="LiveFeed"/>
/// (one actor per master, at <c>/user/live-feed</c>); it answers nobody.
/// </summary>
internal sealed class LiveFeedSubscriber : ReceiveActor
{
    public LiveFeedSubscriber(LiveFeed feed)
    {
        Receive<LiveChange>(feed.Publish);
        Receive<SubscribeAck>(_ => { });
    }

    public static Props Props(LiveFeed feed) => Akka.Actor.Props.Create(() => new LiveFeedSubscriber(feed));

    protected override void PreStart() => DistributedPubSub.Get(Context.System).Mediator.Tell(new Subscribe(LiveChange.Topic, Self));
}
