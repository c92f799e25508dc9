using System.Threading.Channels;

namespace Lava.Kernel.TestKit;

/// <summary>An expectation of the TestKit did not hold.</summary>
public sealed class TestKitAssertionException(string message) : Exception(message);

/// <summary>
/// An actor whose mailbox a test reads: send it messages (or make it the sender of yours), then
/// expect what arrives. Every wait is real time, multiplied by the TestKit's time factor.
/// </summary>
public sealed class TestProbe
{
    private readonly Channel<(object Message, IActorRef Sender)> _queue = Channel.CreateUnbounded<(object, IActorRef)>();
    private readonly TestKitSettings _settings;

    internal TestProbe(ActorSystem system, TestKitSettings settings, string name)
    {
        _settings = settings;
        System = system;
        Ref = system.SystemActorOf(Props.Create(() => new ProbeActor(_queue.Writer)), name);
    }

    public ActorSystem System { get; }

    /// <summary>The probe's own reference; use it as a sender or as a target.</summary>
    public IActorRef Ref { get; }

    /// <summary>The sender of the last message received.</summary>
    public IActorRef LastSender { get; private set; } = ActorRefs.Nobody;

    /// <summary>Sends <paramref name="message"/> to <paramref name="target"/> with the probe as sender.</summary>
    public void Send(IActorRef target, object message) => target.Tell(message, Ref);

    /// <summary>Replies to <see cref="LastSender"/>.</summary>
    public void Reply(object message) => LastSender.Tell(message, Ref);

    /// <summary>Forwards <paramref name="message"/> to <paramref name="target"/> keeping <see cref="LastSender"/> as sender.</summary>
    public void Forward(IActorRef target, object message) => target.Tell(message, LastSender);

    /// <summary>Makes the probe watch <paramref name="subject"/>; its Terminated arrives like any message.</summary>
    public IActorRef Watch(IActorRef subject)
    {
        Ref.Tell(new ProbeActor.WatchCommand(subject, Watch: true));
        return subject;
    }

    public IActorRef Unwatch(IActorRef subject)
    {
        Ref.Tell(new ProbeActor.WatchCommand(subject, Watch: false));
        return subject;
    }

    /// <summary>Waits for the next message; it must be a <typeparamref name="T"/> (and satisfy <paramref name="predicate"/>).</summary>
    public async Task<T> ExpectMsgAsync<T>(Func<T, bool>? predicate = null, TimeSpan? timeout = null, string? hint = null)
    {
        var wait = Dilated(timeout ?? _settings.SingleExpectDefault);
        var received = await ReceiveOneAsync(wait).ConfigureAwait(false)
            ?? throw new TestKitAssertionException($"timeout ({wait}) while waiting for a message of type {typeof(T).Name}{Hint(hint)}");
        if (received is not T typed)
            throw new TestKitAssertionException($"expected a message of type {typeof(T).Name}{Hint(hint)}, received {Describe(received)}");
        if (predicate is not null && !predicate(typed))
            throw new TestKitAssertionException($"the {typeof(T).Name} received does not satisfy the expectation{Hint(hint)}: {Describe(received)}");
        return typed;
    }

    /// <summary>Waits for the next message; it must equal <paramref name="expected"/>.</summary>
    public Task<T> ExpectMsgAsync<T>(T expected, TimeSpan? timeout = null, string? hint = null) where T : notnull =>
        ExpectMsgAsync<T>(m => Equals(m, expected), timeout, hint ?? $"expected {Describe(expected)}");

    /// <summary>Asserts that nothing arrives during <paramref name="duration"/> (default 100 ms, dilated).</summary>
    public async Task ExpectNoMsgAsync(TimeSpan? duration = null)
    {
        var wait = Dilated(duration ?? TimeSpan.FromMilliseconds(100));
        var received = await ReceiveOneAsync(wait).ConfigureAwait(false);
        if (received is not null) throw new TestKitAssertionException($"expected no message for {wait}, received {Describe(received)}");
    }

    /// <summary>Waits for the <see cref="Terminated"/> of <paramref name="actor"/>; the probe must watch it.</summary>
    public Task<Terminated> ExpectTerminatedAsync(IActorRef actor, TimeSpan? timeout = null) =>
        ExpectMsgAsync<Terminated>(t => t.ActorRef.Equals(actor), timeout, $"Terminated of {actor.Path}");

    /// <summary>Skips messages until one of type <typeparamref name="T"/> satisfies <paramref name="isTarget"/>, all within <paramref name="timeout"/>.</summary>
    public async Task<T> FishForMessageAsync<T>(Func<T, bool> isTarget, TimeSpan? timeout = null, string? hint = null)
    {
        var wait = Dilated(timeout ?? _settings.SingleExpectDefault);
        var deadline = DateTime.UtcNow + wait;
        var skipped = new List<string>();
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            var received = left > TimeSpan.Zero ? await ReceiveOneAsync(left).ConfigureAwait(false) : null;
            if (received is null)
                throw new TestKitAssertionException(
                    $"timeout ({wait}) while fishing for {typeof(T).Name}{Hint(hint)}; skipped: [{string.Join(", ", skipped)}]");
            if (received is T typed && isTarget(typed)) return typed;
            skipped.Add(Describe(received));
        }
    }

    /// <summary>Receives the next message of any type, or null when none arrives within <paramref name="timeout"/> (not dilated).</summary>
    public async Task<object?> ReceiveOneAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            var (message, sender) = await _queue.Reader.ReadAsync(cts.Token).ConfigureAwait(false);
            LastSender = sender;
            return message;
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Receives <paramref name="count"/> messages of type <typeparamref name="T"/> in arrival order.</summary>
    public async Task<IReadOnlyList<T>> ExpectMsgsAsync<T>(int count, TimeSpan? timeout = null)
    {
        var result = new List<T>(count);
        for (var i = 0; i < count; i++) result.Add(await ExpectMsgAsync<T>(null, timeout, $"message {i + 1} of {count}").ConfigureAwait(false));
        return result;
    }

    public TimeSpan Dilated(TimeSpan duration) => _settings.Dilated(duration);

    private static string Hint(string? hint) => hint is null ? "" : $" ({hint})";

    private static string Describe(object? message) => message is null ? "null" : $"{message.GetType().Name} {message}";

    private sealed class ProbeActor(ChannelWriter<(object, IActorRef)> queue) : ActorBase
    {
        public sealed record WatchCommand(IActorRef Subject, bool Watch);

        protected override bool Receive(object message)
        {
            if (message is WatchCommand command)
            {
                if (command.Watch) Context.Watch(command.Subject);
                else Context.Unwatch(command.Subject);
                return true;
            }
            queue.TryWrite((message, Sender));
            return true;
        }
    }
}
