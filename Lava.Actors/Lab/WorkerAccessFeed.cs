using System.Collections.Immutable;
using Microsoft.Extensions.Logging;

namespace Lava.Actors.Lab;

/// <summary>A minimal hot observable: no replay, no completion; subscribers come and go at any time.</summary>
internal sealed partial class WorkerAccessFeed(ILogger logger) : IObservable<WorkerAccessWithdrawn>
{
    private ImmutableArray<IObserver<WorkerAccessWithdrawn>> _observers = [];

    public IDisposable Subscribe(IObserver<WorkerAccessWithdrawn> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        ImmutableInterlocked.Update(ref _observers, static (list, o) => list.Add(o), observer);
        return new Subscription(this, observer);
    }

    public void Publish(WorkerAccessWithdrawn withdrawn)
    {
        // A snapshot: subscribing or unsubscribing from inside OnNext affects the next publication only.
        foreach (var observer in _observers)
        {
            try
            {
                observer.OnNext(withdrawn);
            }
            catch (Exception e)
            {
                ObserverFailed(logger, e, withdrawn.Hostname);
            }
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "An observer of worker access withdrawals failed for worker {Hostname}")]
    private static partial void ObserverFailed(ILogger logger, Exception exception, string hostname);

    private sealed class Subscription(WorkerAccessFeed feed, IObserver<WorkerAccessWithdrawn> observer) : IDisposable
    {
        public void Dispose() => ImmutableInterlocked.Update(ref feed._observers, static (list, o) => list.Remove(o), observer);
    }
}
