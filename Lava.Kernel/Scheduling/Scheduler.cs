namespace Lava.Kernel;

/// <summary>Something scheduled that can be called off.</summary>
public interface ICancelable
{
    bool IsCancellationRequested { get; }

    void Cancel();
}

/// <summary>
/// The system's scheduler: sends messages later, once or repeatedly. Every delay is measured by
/// the system's <see cref="TimeProvider"/>, so a manual clock drives it in tests. Inside actors
/// prefer <see cref="ITimerScheduler"/>, whose timers die with the actor.
/// </summary>
public sealed class Scheduler
{
    private readonly TimeProvider _time;

    internal Scheduler(TimeProvider time) => _time = time;

    /// <summary>Tells <paramref name="message"/> to <paramref name="receiver"/> once after <paramref name="delay"/>.</summary>
    public ICancelable ScheduleTellOnceCancelable(TimeSpan delay, IActorRef receiver, object message, IActorRef? sender = null) =>
        Schedule(delay, Timeout.InfiniteTimeSpan, () => receiver.Tell(message, sender));

    /// <summary>As <see cref="ScheduleTellOnceCancelable"/>, for callers that never cancel.</summary>
    public void ScheduleTellOnce(TimeSpan delay, IActorRef receiver, object message, IActorRef? sender = null) =>
        ScheduleTellOnceCancelable(delay, receiver, message, sender);

    /// <summary>Tells after <paramref name="initialDelay"/>, then every <paramref name="interval"/> until cancelled.</summary>
    public ICancelable ScheduleTellRepeatedlyCancelable(
        TimeSpan initialDelay, TimeSpan interval, IActorRef receiver, object message, IActorRef? sender = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        return Schedule(initialDelay, interval, () => receiver.Tell(message, sender));
    }

    public void ScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, IActorRef receiver, object message, IActorRef? sender = null) =>
        ScheduleTellRepeatedlyCancelable(initialDelay, interval, receiver, message, sender);

    /// <summary>Runs <paramref name="action"/> after <paramref name="delay"/> on a pool thread.</summary>
    public ICancelable ScheduleOnce(TimeSpan delay, Action action) => Schedule(delay, Timeout.InfiniteTimeSpan, action);

    private ScheduledItem Schedule(TimeSpan delay, TimeSpan period, Action action)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        var item = new ScheduledItem(action, period == Timeout.InfiniteTimeSpan);
        item.Arm(_time, delay, period);
        return item;
    }

    private sealed class ScheduledItem(Action action, bool once) : ICancelable
    {
        private ITimer? _timer;
        private int _cancelled;

        public bool IsCancellationRequested => Volatile.Read(ref _cancelled) != 0;

        public void Arm(TimeProvider time, TimeSpan delay, TimeSpan period)
        {
            _timer = time.CreateTimer(static s => ((ScheduledItem)s!).Fire(), this, delay, period);
            if (IsCancellationRequested) _timer.Dispose();
        }

        private void Fire()
        {
            if (IsCancellationRequested) return;
            if (once) Cancel();
            action();
        }

        public void Cancel()
        {
            if (Interlocked.Exchange(ref _cancelled, 1) == 0) _timer?.Dispose();
        }
    }
}
