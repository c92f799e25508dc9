using System.Diagnostics;
using System.Runtime.CompilerServices;
using Lava.Kernel;

namespace Lava.Bench;

/// <summary>The kernel's figures: message passing, ask, spawning, memory, journals.</summary>
public sealed partial class KernelBench : IBenchSuite
{
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Measure = TimeSpan.FromSeconds(3);

    public string Name => "kernel";

    public async IAsyncEnumerable<Figure> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        yield return new Figure(Name, "tell_msgs_per_s", await TellThroughputAsync(pairs: 1), "msgs/s");
        yield return new Figure(Name, "tell_msgs_per_s_all_cores", await TellThroughputAsync(pairs: Environment.ProcessorCount), "msgs/s");
        var (p50, p99) = await AskRoundTripAsync();
        yield return new Figure(Name, "ask_rtt_us_p50", p50, "us");
        yield return new Figure(Name, "ask_rtt_us_p99", p99, "us");
        yield return new Figure(Name, "actor_spawn_per_s", await SpawnRateAsync(), "actors/s");
        yield return new Figure(Name, "bytes_per_idle_actor", await BytesPerIdleActorAsync(), "bytes");
        await foreach (var figure in RunJournalAsync(cancellationToken)) yield return figure;
    }

    private sealed class Ping
    {
        public static readonly Ping Instance = new();
    }

    /// <summary>Answers every ping with the same ping; the other half of a pair.</summary>
    private sealed class Ponger : ActorBase
    {
        protected override bool Receive(object message)
        {
            Sender.Tell(message, Self);
            return true;
        }
    }

    /// <summary>Keeps a window of pings in flight to its ponger and counts the replies.</summary>
    private sealed class Pinger(IActorRef ponger, int window) : ActorBase
    {
        private bool _running = true;

        public long Received;

        public Pinger() : this(ActorRefs.Nobody, 0)
        {
        }

        protected override bool Receive(object message)
        {
            switch (message)
            {
                case "start":
                    for (var i = 0; i < window; i++) ponger.Tell(Ping.Instance, Self);
                    break;
                case Peek:
                    Sender.Tell(Received);
                    break;
                case "stop":
                    _running = false;
                    Sender.Tell(Received);
                    break;
                default:
                    Received++;
                    if (_running) ponger.Tell(Ping.Instance, Self);
                    break;
            }
            return true;
        }
    }

    /// <summary>Messages per second, both directions counted, for pairs exchanging pings with a window of 500 in flight.</summary>
    private static async Task<double> TellThroughputAsync(int pairs)
    {
        await using var system = ActorSystem.Create("bench", new ActorSystemSetup { Settings = new ActorSystemSettings { Throughput = 200 } });
        var pingers = Enumerable.Range(0, pairs).Select(_ =>
        {
            var ponger = system.ActorOf(Props.Create(() => new Ponger()));
            return system.ActorOf(Props.Create(() => new Pinger(ponger, 500)));
        }).ToArray();
        foreach (var pinger in pingers) pinger.Tell("start");
        await Task.Delay(Warmup);
        var before = await CountAsync(pingers, stop: false);
        var watch = Stopwatch.StartNew();
        await Task.Delay(Measure);
        var after = await CountAsync(pingers, stop: true);
        return (after - before) * 2 / watch.Elapsed.TotalSeconds;
    }

    private static async Task<long> CountAsync(IActorRef[] pingers, bool stop)
    {
        long total = 0;
        foreach (var pinger in pingers)
        {
            total += stop
                ? await pinger.Ask<long>("stop", TimeSpan.FromSeconds(30))
                : await pinger.Ask<long>(new Peek(), TimeSpan.FromSeconds(30));
        }
        return total;
    }

    private sealed record Peek;

    /// <summary>Median and 99th percentile of sequential asks to an echo actor, in microseconds.</summary>
    private static async Task<(double P50, double P99)> AskRoundTripAsync()
    {
        await using var system = ActorSystem.Create("bench");
        var echo = system.ActorOf(Props.Create(() => new Ponger()));
        for (var i = 0; i < 20_000; i++) await echo.Ask<Ping>(Ping.Instance);
        var samples = new double[50_000];
        for (var i = 0; i < samples.Length; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await echo.Ask<Ping>(Ping.Instance);
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        Array.Sort(samples);
        return (samples[samples.Length / 2], samples[(int)(samples.Length * 0.99)]);
    }

    private sealed class Idle : ActorBase
    {
        protected override bool Receive(object message)
        {
            if (message is Ping) Sender.Tell(message);
            return true;
        }
    }

    /// <summary>Actors created and started (each has answered one message) per second.</summary>
    private static async Task<double> SpawnRateAsync()
    {
        await using var system = ActorSystem.Create("bench");
        const int count = 200_000;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var counter = system.ActorOf(Props.Create(() => new CountdownActor(count, done)));
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++) system.ActorOf(Props.Create(() => new Idle())).Tell(Ping.Instance, counter);
        await done.Task;
        return count / watch.Elapsed.TotalSeconds;
    }

    /// <summary>Managed heap growth per started, idle actor, measured over 100,000 actors.</summary>
    private static async Task<double> BytesPerIdleActorAsync()
    {
        await using var system = ActorSystem.Create("bench");
        const int count = 100_000;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var counter = system.ActorOf(Props.Create(() => new CountdownActor(count, done)));
        // Once the counter answers it runs, so its own start stays out of the measured growth.
        await counter.Ask<ActorIdentity>(new Identify(null));
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var actors = new IActorRef[count];
        for (var i = 0; i < count; i++)
        {
            actors[i] = system.ActorOf(Props.Create(() => new Idle()));
            actors[i].Tell(Ping.Instance, counter);
        }
        await done.Task;
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(actors);
        return (after - before - count * IntPtr.Size) / (double)count;
    }

    private sealed class CountdownActor(int count, TaskCompletionSource completed) : ActorBase
    {
        private int _left = count;

        protected override bool Receive(object message)
        {
            if (--_left == 0) completed.TrySetResult();
            return true;
        }
    }
}
