using System.Diagnostics;
using System.Runtime.CompilerServices;
using Lava.Kernel;

namespace Lava.Bench;

/// <summary>
/// Remoting between two systems on loopback in one process, over the real TLS WebSocket transport:
/// one-way small-message throughput on one connection, and the round trip of a remote Ask; then failure
/// detection of a killed worker process (ClusterBench.Failure.cs).
/// </summary>
public sealed partial class ClusterBench : IBenchSuite
{
    private const int TellWarmup = 50_000;
    private const int TellCount = 1_000_000;
    private const int AskWarmup = 2_000;
    private const int AskCount = 10_000;

    public string Name => "cluster";

    public async IAsyncEnumerable<Figure> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var master = ActorSystem.Create("bench-master");
        await using var worker = ActorSystem.Create("bench-worker");
        foreach (var system in new[] { master, worker }) system.Serialization.Register<BenchPing>("bench.ping.v1");
        var certificate = RemoteCertificates.CreateSelfSigned();
        var settings = new RemoteSettings();
        var server = await RemoteTransport.StartServerAsync(master, settings, certificate, cancellationToken: cancellationToken);
        var client = RemoteTransport.StartClient(worker, settings);
        await client.ConnectAsync("127.0.0.1", server.Address.Port!.Value, RemoteCertificates.Sha256Fingerprint(certificate), cancellationToken: cancellationToken);

        var counter = new Counter();
        master.ActorOf(Props.Create(() => new CountingActor(counter)), "counter");
        master.ActorOf(Props.Create(() => new EchoActor()), "echo");
        var remoteCounter = await worker.ActorSelection(server.Address + "/user/counter").ResolveOne(TimeSpan.FromSeconds(5), cancellationToken);
        var remoteEcho = await worker.ActorSelection(server.Address + "/user/echo").ResolveOne(TimeSpan.FromSeconds(5), cancellationToken);

        await TellAsync(remoteCounter, counter, TellWarmup, cancellationToken);
        var elapsed = await TellAsync(remoteCounter, counter, TellCount, cancellationToken);
        yield return new Figure(Name, "remote_tell_msgs_per_s", TellCount / elapsed.TotalSeconds, "msgs/s");

        var ping = new BenchPing(1);
        for (var i = 0; i < AskWarmup; i++) await remoteEcho.Ask<BenchPing>(ping, TimeSpan.FromSeconds(5), cancellationToken);
        var samples = new double[AskCount];
        for (var i = 0; i < AskCount; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await remoteEcho.Ask<BenchPing>(ping, TimeSpan.FromSeconds(5), cancellationToken);
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        Array.Sort(samples);
        yield return new Figure(Name, "remote_ask_rtt_us_p50", samples[AskCount / 2], "us");
        yield return new Figure(Name, "remote_ask_rtt_us_p99", samples[AskCount * 99 / 100], "us");

        await worker.Terminate();
        await master.Terminate();
        await Task.WhenAll(client.WhenStopped, server.WhenStopped).WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);

        await foreach (var figure in KillAsync(cancellationToken)) yield return figure;
    }

    private static async Task<TimeSpan> TellAsync(IActorRef target, Counter counter, int count, CancellationToken cancellationToken)
    {
        var done = counter.Expect(count);
        var ping = new BenchPing(0);
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++) target.Tell(ping);
        await done.WaitAsync(TimeSpan.FromMinutes(2), cancellationToken);
        return Stopwatch.GetElapsedTime(start);
    }

    public sealed record BenchPing(int Number);

    /// <summary>Completes a task once the expected number of messages has arrived.</summary>
    private sealed class Counter
    {
        private TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _expected;
        private int _seen;

        public Task Expect(int count)
        {
            _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _seen = 0;
            Volatile.Write(ref _expected, count);
            return _done.Task;
        }

        /// <summary>Only the counting actor calls this, one message at a time.</summary>
        public void Seen()
        {
            if (++_seen == Volatile.Read(ref _expected)) _done.TrySetResult();
        }
    }

    private sealed class CountingActor : ReceiveActor
    {
        public CountingActor(Counter counter) => Receive<BenchPing>(_ => counter.Seen());
    }

    private sealed class EchoActor : ReceiveActor
    {
        public EchoActor() => ReceiveAny(m => Sender.Tell(m, Self));
    }
}
