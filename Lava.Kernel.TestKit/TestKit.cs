using System.Diagnostics;
using System.Threading.Channels;
using Lava.Kernel.Configuration;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Lava.Kernel.TestKit;

/// <summary>
/// The base class of actor tests: each test gets its own <see cref="Sys"/>, driven by a
/// <see cref="ManualTimeProvider"/> (<see cref="Time"/>) unless real time is asked for, a
/// <see cref="TestActor"/> used as the implicit sender of the <c>Expect*</c> methods, captured logs
/// and dead letters. The system is shut down after the test; a system that does not stop in time
/// fails the test with its live actor tree.
/// </summary>
public abstract class TestKit : IAsyncLifetime
{
    private static int s_systemCounter;
    private readonly Channel<DeadLetter> _deadLetters = Channel.CreateUnbounded<DeadLetter>();
    private int _probeCounter;

    protected TestKit(ActorSystemSettings? settings = null, bool realTime = false, Config? config = null)
    {
        Time = realTime ? null : new ManualTimeProvider();
        Logs = new CapturingLoggerFactory();
        var setup = new ActorSystemSetup
        {
            Settings = settings ?? new ActorSystemSettings(),
            TimeProvider = (TimeProvider?)Time ?? TimeProvider.System,
            LoggerFactory = Logs,
        };
        var name = $"test-{Interlocked.Increment(ref s_systemCounter)}";
        Sys = config is null ? ActorSystem.Create(name, setup) : ActorSystem.Create(name, config, setup);
        Settings = TestKitSettings.From(Sys.Config);
        TestActor = CreateTestProbe("testActor");
        var writer = _deadLetters.Writer;
        var listener = Sys.SystemActorOf(Props.Create(() => new DeadLetterListener(writer)), "deadLetterListener");
        Sys.EventStream.Subscribe(listener, typeof(DeadLetter));
    }

    public ActorSystem Sys { get; }

    /// <summary>The manual clock of <see cref="Sys"/>; null for a real-time test.</summary>
    public ManualTimeProvider? Time { get; }

    public TestKitSettings Settings { get; }

    /// <summary>Every log entry of <see cref="Sys"/>.</summary>
    public CapturingLoggerFactory Logs { get; }

    /// <summary>The default probe: the sender of <see cref="Tell"/> and the source of <c>Expect*</c>.</summary>
    public TestProbe TestActor { get; }

    public TestProbe CreateTestProbe(string? name = null) => CreateTestProbe(Sys, name);

    /// <summary>A probe living in <paramref name="system"/>, for tests with several systems (nodes) in one process.</summary>
    public TestProbe CreateTestProbe(ActorSystem system, string? name = null) =>
        new(system, Settings, name ?? $"probe-{Interlocked.Increment(ref _probeCounter)}");

    /// <summary>Advances the manual clock; fails for a real-time test.</summary>
    public void Advance(TimeSpan by) =>
        (Time ?? throw new InvalidOperationException("this test runs on real time; there is no clock to advance")).Advance(by);

    /// <summary>Tells <paramref name="target"/> with <see cref="TestActor"/> as sender.</summary>
    public void Tell(IActorRef target, object message) => target.Tell(message, TestActor.Ref);

    public Task<T> ExpectMsgAsync<T>(Func<T, bool>? predicate = null, TimeSpan? timeout = null, string? hint = null) =>
        TestActor.ExpectMsgAsync(predicate, timeout, hint);

    public Task<T> ExpectMsgAsync<T>(T expected, TimeSpan? timeout = null, string? hint = null) where T : notnull =>
        TestActor.ExpectMsgAsync(expected, timeout, hint);

    public Task ExpectNoMsgAsync(TimeSpan? duration = null) => TestActor.ExpectNoMsgAsync(duration);

    public Task<T> FishForMessageAsync<T>(Func<T, bool> isTarget, TimeSpan? timeout = null, string? hint = null) =>
        TestActor.FishForMessageAsync(isTarget, timeout, hint);

    public Task<Terminated> ExpectTerminatedAsync(IActorRef actor, TimeSpan? timeout = null) =>
        TestActor.ExpectTerminatedAsync(actor, timeout);

    /// <summary>Makes <see cref="TestActor"/> watch <paramref name="subject"/>.</summary>
    public IActorRef Watch(IActorRef subject) => TestActor.Watch(subject);

    public TimeSpan Dilated(TimeSpan duration) => Settings.Dilated(duration);

    /// <summary>Retries <paramref name="assertion"/> until it passes or <paramref name="duration"/> (default 5 s, dilated) ends; then rethrows its last failure.</summary>
    public async Task AwaitAssertAsync(Func<Task> assertion, TimeSpan? duration = null, TimeSpan? interval = null)
    {
        var deadline = Stopwatch.StartNew();
        var max = Dilated(duration ?? Settings.DefaultTimeout);
        var pause = interval ?? TimeSpan.FromMilliseconds(20);
        while (true)
        {
            try
            {
                await assertion().ConfigureAwait(false);
                return;
            }
            catch (Exception) when (deadline.Elapsed < max)
            {
                await Task.Delay(pause).ConfigureAwait(false);
            }
        }
    }

    public Task AwaitAssertAsync(Action assertion, TimeSpan? duration = null, TimeSpan? interval = null) =>
        AwaitAssertAsync(() =>
        {
            assertion();
            return Task.CompletedTask;
        }, duration, interval);

    /// <summary>Waits for a dead letter whose message satisfies <paramref name="predicate"/>.</summary>
    public Task<DeadLetter> ExpectDeadLetterAsync(Func<object, bool> predicate, TimeSpan? timeout = null) =>
        ReadUntilAsync(_deadLetters.Reader, letter => predicate(letter.Message), timeout,
            wait => $"no matching dead letter within {wait}; {Sys.DeadLetterCount} dead letters in all");

    /// <summary>Waits until an entry of <paramref name="level"/> or above with an exception of type <typeparamref name="TException"/> is logged.</summary>
    public Task<LogEntry> ExpectLoggedAsync<TException>(LogLevel level = LogLevel.Error, Func<LogEntry, bool>? predicate = null, TimeSpan? timeout = null)
        where TException : Exception =>
        ReadUntilAsync(Logs.Feed, entry => entry.Level >= level && entry.Exception is TException && (predicate is null || predicate(entry)), timeout,
            wait => $"no {level} entry with {typeof(TException).Name} logged within {wait}");

    /// <summary>Reads <paramref name="reader"/> until an item satisfies <paramref name="isTarget"/>; fails with <paramref name="failure"/> once the (dilated) timeout passed.</summary>
    private async Task<T> ReadUntilAsync<T>(ChannelReader<T> reader, Func<T, bool> isTarget, TimeSpan? timeout, Func<TimeSpan, string> failure)
    {
        var wait = Dilated(timeout ?? Settings.SingleExpectDefault);
        using var cts = new CancellationTokenSource(wait);
        try
        {
            while (true)
            {
                var item = await reader.ReadAsync(cts.Token).ConfigureAwait(false);
                if (isTarget(item)) return item;
            }
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TestKitAssertionException(failure(wait));
        }
    }

    public virtual Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Terminates <see cref="Sys"/>; fails with the live actor tree when it does not stop in time.</summary>
    public virtual async Task DisposeAsync()
    {
        var limit = Dilated(Settings.DefaultTimeout * 2);
        var terminated = Sys.Terminate();
        if (await Task.WhenAny(terminated, Task.Delay(limit)).ConfigureAwait(false) != terminated)
            throw new TestKitAssertionException($"{Sys} did not terminate within {limit}; live actors:\n{Sys.PrintTree()}");
        Logs.Dispose();
    }

    private sealed class DeadLetterListener(ChannelWriter<DeadLetter> writer) : ActorBase
    {
        protected override bool Receive(object message)
        {
            if (message is DeadLetter letter) writer.TryWrite(letter);
            return true;
        }
    }
}
