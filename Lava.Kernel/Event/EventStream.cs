namespace Lava.Kernel;

/// <summary>
/// The system's publish-subscribe bus: dead letters, unhandled messages and anything actors publish.
/// A subscriber gets every published event assignable to the channel type it subscribed to.
/// </summary>
public sealed class EventStream
{
    private (Type Channel, IActorRef Subscriber)[] _subscriptions = [];

    public void Subscribe(IActorRef subscriber, Type channel)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        ArgumentNullException.ThrowIfNull(channel);
        lock (this)
        {
            if (_subscriptions.Contains((channel, subscriber))) return;
            _subscriptions = [.. _subscriptions, (channel, subscriber)];
        }
    }

    /// <summary>Removes one subscription, or all of the subscriber's when <paramref name="channel"/> is null.</summary>
    public void Unsubscribe(IActorRef subscriber, Type? channel = null)
    {
        lock (this)
        {
            _subscriptions = [.. _subscriptions.Where(s => !(s.Subscriber.Equals(subscriber) && (channel is null || s.Channel == channel)))];
        }
    }

    public void Publish(object @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var type = @event.GetType();
        foreach (var (channel, subscriber) in Volatile.Read(ref _subscriptions))
        {
            if (channel.IsAssignableFrom(type)) subscriber.Tell(@event);
        }
    }
}
