namespace Lava.Kernel;

/// <summary>Implemented by actors that want keyed timers; the kernel sets <see cref="Timers"/> before the first message.</summary>
public interface IWithTimers
{
    ITimerScheduler Timers { get; set; }
}

/// <summary>
/// Keyed timers owned by one actor. Starting a timer under a key in use replaces it, and neither a
/// replaced nor a cancelled timer delivers a message afterwards, even one already queued. All
/// timers are cancelled when the actor restarts or stops. Use only from the actor itself.
/// </summary>
public interface ITimerScheduler
{
    void StartSingleTimer(object key, object message, TimeSpan delay);

    void StartPeriodicTimer(object key, object message, TimeSpan interval);

    void StartPeriodicTimer(object key, object message, TimeSpan initialDelay, TimeSpan interval);

    bool IsTimerActive(object key);

    void Cancel(object key);

    void CancelAll();
}

/// <summary>A timer's message on its way; checked against the live timers before delivery.</summary>
internal sealed record TimerMessage(object Key, int Generation, object Message) : IAutoReceivedMessage, IDeadLetterSuppression;

internal sealed class TimerScheduler(ActorCell cell) : ITimerScheduler
{
    private readonly Dictionary<object, (int Generation, bool Periodic, ICancelable Task)> _timers = [];
    private int _generation;

    public void StartSingleTimer(object key, object message, TimeSpan delay) => Start(key, message, delay, null);

    public void StartPeriodicTimer(object key, object message, TimeSpan interval) => Start(key, message, interval, interval);

    public void StartPeriodicTimer(object key, object message, TimeSpan initialDelay, TimeSpan interval) =>
        Start(key, message, initialDelay, interval);

    public bool IsTimerActive(object key) => _timers.ContainsKey(key);

    public void Cancel(object key)
    {
        if (_timers.Remove(key, out var timer)) timer.Task.Cancel();
    }

    public void CancelAll()
    {
        foreach (var timer in _timers.Values) timer.Task.Cancel();
        _timers.Clear();
    }

    private void Start(object key, object message, TimeSpan delay, TimeSpan? interval)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(message);
        Cancel(key);
        var generation = ++_generation;
        var envelope = new TimerMessage(key, generation, message);
        var scheduler = cell.System.Scheduler;
        var task = interval is { } period
            ? scheduler.ScheduleTellRepeatedlyCancelable(delay, period, cell.SelfRef, envelope)
            : scheduler.ScheduleTellOnceCancelable(delay, cell.SelfRef, envelope);
        _timers[key] = (generation, interval is not null, task);
    }

    /// <summary>True when the message comes from a live timer; a single timer is done once accepted.</summary>
    public bool Accept(TimerMessage message)
    {
        if (!_timers.TryGetValue(message.Key, out var timer) || timer.Generation != message.Generation) return false;
        if (!timer.Periodic) _timers.Remove(message.Key);
        return true;
    }
}

internal sealed partial class ActorCell
{
    private TimerScheduler? _timers;

    internal ITimerScheduler Timers => _timers ??= new TimerScheduler(this);
}
