using System.Diagnostics;
using System.Runtime.CompilerServices;
using Akka.Actor;
using Lava.Bench.Kernel;

namespace Lava.Bench;

/// <summary>
/// Akka.NET as Lava configures it: message passing, ask, spawning and memory on the default dispatcher, then the
/// journals (KernelBench.Journal.cs). Each figure runs on a fresh actor system after a warm-up.
/// </summary>
internal sealed partial class KernelBench(string? postgres) : IBenchSuite
{
    private const int Window = 500;
    private const int AskWarmup = 20_000;
    private const int AskSamples = 50_000;
    private const int SpawnWarmup = 20_000;
    private const int SpawnCount = 200_000;
    private const int IdleWarmup = 1_000;
    private const int IdleCount = 100_000;
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Measure = TimeSpan.FromSeconds(3);

    // Generous: a deadline that only a hung system reaches, so a broken run fails instead of hanging.
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);

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
        await foreach (var figure in RunJournalAsync()) yield return figure;
    }

    /// <summary>Messages per second, both directions counted, for ping-pong pairs each keeping 500 pings in flight.</summary>
    private static Task<double> TellThroughputAsync(int pairs) => BenchSystem.RunAsync(async system =>
    {
        var pingers = Enumerable.Range(0, pairs)
            .Select(_ => system.ActorOf(Pinger.Props(system.ActorOf(Echo.Props()), Window)))
            .ToArray();
        foreach (var pinger in pingers) pinger.Tell(Pinger.Start.Instance);
        await Task.Delay(Warmup);
        var before = await CountAsync(pingers, Pinger.Peek.Instance);
        var watch = Stopwatch.StartNew();
        await Task.Delay(Measure);
        var after = await CountAsync(pingers, Pinger.Stop.Instance);
        return (after - before) * 2 / watch.Elapsed.TotalSeconds;
    });

    private static async Task<long> CountAsync(IActorRef[] pingers, object question)
    {
        var counts = await Task.WhenAll(pingers.Select(p => p.Ask<Pinger.Received>(question, Deadline)));
        return counts.Sum(c => c.Count);
    }

    /// <summary>Median and 99th percentile of sequential asks to a local actor, in microseconds.</summary>
    private static Task<(double P50, double P99)> AskRoundTripAsync() => BenchSystem.RunAsync(async system =>
    {
        var echo = system.ActorOf(Echo.Props());
        for (var i = 0; i < AskWarmup; i++) await echo.Ask<Ping>(Ping.Instance, Deadline);
        var samples = new double[AskSamples];
        for (var i = 0; i < samples.Length; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await echo.Ask<Ping>(Ping.Instance, Deadline);
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        Array.Sort(samples);
        return (samples[samples.Length / 2], samples[(int)(samples.Length * 0.99)]);
    });

    /// <summary>Top-level actors created and started (each has answered one message) per second.</summary>
    private static async Task<double> SpawnRateAsync()
    {
        await BenchSystem.RunAsync(system => SpawnAnsweredAsync(system, new IActorRef[SpawnWarmup]));
        return await BenchSystem.RunAsync(async system =>
        {
            var watch = Stopwatch.StartNew();
            await SpawnAnsweredAsync(system, new IActorRef[SpawnCount]);
            return SpawnCount / watch.Elapsed.TotalSeconds;
        });
    }

    /// <summary>Managed heap growth per started, idle actor, over 100,000 actors and a full collection.</summary>
    private static Task<double> BytesPerIdleActorAsync() => BenchSystem.RunAsync(async system =>
    {
        // The warm-up actors stay: JIT, dispatcher threads and the guardian's children map are in the baseline.
        var warm = await SpawnAnsweredAsync(system, new IActorRef[IdleWarmup]);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var actors = await SpawnAnsweredAsync(system, new IActorRef[IdleCount]);
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(warm);
        GC.KeepAlive(actors);
        // The array holding the references is the bench's, not the actors'.
        return (after - before - (double)IdleCount * IntPtr.Size) / IdleCount;
    });

    /// <summary>Fills <paramref name="actors"/> with new echo actors and returns it once each has answered a ping.</summary>
    private static async Task<IActorRef[]> SpawnAnsweredAsync(ActorSystem system, IActorRef[] actors)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var countdown = system.ActorOf(Countdown.Props(actors.Length, done));
        for (var i = 0; i < actors.Length; i++)
        {
            actors[i] = system.ActorOf(Echo.Props());
            actors[i].Tell(Ping.Instance, countdown);
        }
        await done.Task.WaitAsync(Deadline);
        return actors;
    }
}
