using System.Diagnostics;
using System.Threading.Channels;
using Xunit;

namespace Lava.Kernel.Tests.Cluster.Singleton;

/// <summary>
/// What the singletons of a test did, in the order they did it: each start and stop with the node and a
/// monotonic timestamp, so that a test can check that no two ran at the same time.
/// </summary>
internal sealed class SingletonProbe
{
    private readonly Lock _gate = new();
    private readonly List<SingletonEvent> _events = [];
    private readonly Channel<SingletonEvent> _channel = Channel.CreateUnbounded<SingletonEvent>();

    public IReadOnlyList<SingletonEvent> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    public static void Register(SerializerRegistry registry)
    {
        registry.Register<Ping>("test.singleton.ping.v1");
        registry.Register<Pong>("test.singleton.pong.v1");
    }

    /// <summary>
    /// Props of a singleton that reports to this probe as <paramref name="node"/>; on its termination message it
    /// stops after <paramref name="stopDelay"/> (at once when null), as one that finishes its work first.
    /// </summary>
    public Props Props(string node, TimeSpan? stopDelay = null) => Kernel.Props.Create(() => new RecordingSingleton(this, node, stopDelay));

    public void Record(string node, bool started)
    {
        var e = new SingletonEvent(node, started, Stopwatch.GetTimestamp());
        lock (_gate)
        {
            _events.Add(e);
        }
        _channel.Writer.TryWrite(e);
    }

    /// <summary>Waits for the next event; fails with <paramref name="what"/> when none comes in time.</summary>
    public async Task<SingletonEvent> NextAsync(TimeSpan timeout, string what)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            return await _channel.Reader.ReadAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no singleton event within {timeout} while waiting for {what}; so far: {string.Join(", ", Events)}");
        }
    }

    /// <summary>Waits for the start of a singleton on <paramref name="node"/>, skipping other events.</summary>
    public async Task ExpectStartedAsync(string node, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var e = await NextAsync(deadline - DateTime.UtcNow is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero, $"a start on {node}");
            if (e.Started && e.Node == node)
            {
                return;
            }
        }
    }

    /// <summary>Asserts that no two singletons ran at once: every start comes after the previous singleton's stop.</summary>
    public void AssertNoOverlap()
    {
        var events = Events;
        string? running = null;
        foreach (var e in events)
        {
            if (e.Started)
            {
                Assert.True(running is null, $"a singleton started on {e.Node} while the one on {running} still ran: {string.Join(", ", events)}");
                running = e.Node;
            }
            else
            {
                Assert.Equal(running, e.Node);
                running = null;
            }
        }
    }

    public sealed record Ping(int Number);

    private sealed record StopNow
    {
        public static StopNow Instance { get; } = new();
    }

    public sealed record Pong(string Node, int Number);

    /// <summary>The termination message the managers in the tests send: the singleton stops itself.</summary>
    public sealed record End
    {
        public static End Instance { get; } = new();
    }

    private sealed class RecordingSingleton : ReceiveActor, IWithTimers
    {
        private readonly SingletonProbe _probe;
        private readonly string _node;

        public RecordingSingleton(SingletonProbe probe, string node, TimeSpan? stopDelay)
        {
            _probe = probe;
            _node = node;
            Receive<Ping>(ping => Sender.Tell(new Pong(node, ping.Number), Self));
            Receive<End>(_ =>
            {
                if (stopDelay is { } delay) Timers.StartSingleTimer("stop", StopNow.Instance, delay);
                else Context.Stop(Self);
            });
            Receive<StopNow>(_ => Context.Stop(Self));
        }

        public ITimerScheduler Timers { get; set; } = null!;

        protected override void PreStart() => _probe.Record(_node, started: true);

        protected override void PostStop() => _probe.Record(_node, started: false);
    }
}

/// <summary>A singleton started or stopped on <paramref name="Node"/> at <paramref name="Timestamp"/> (<see cref="Stopwatch"/> ticks).</summary>
internal sealed record SingletonEvent(string Node, bool Started, long Timestamp)
{
    public override string ToString() => $"{(Started ? "start" : "stop")}@{Node}";
}
