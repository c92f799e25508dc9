using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Lava.Actors.Cluster;
using Lava.Actors.Configuration;
using Lava.Actors.Lab;
using Lava.Actors.Security;
using Lava.Bench.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;
using Serilog.Extensions.Logging;

namespace Lava.Bench;

/// <summary>
/// The cluster as Lava configures it. Two in-process nodes (Akka.Hosting with <see cref="LavaNodeHosting.WithLavaNode"/>:
/// remoting over mutual TLS with certificates of a lab CA, untrusted mode, Lava's serializer) form a cluster, a master
/// and a worker; the master's side tells and asks the worker's <c>/user/worker</c>. Then failure detection between a
/// real master and worker process (ClusterBench.Failure.cs).
/// </summary>
internal sealed partial class ClusterBench : IBenchSuite
{
    private const int Batch = 500;
    private const int BatchesInFlight = 8;
    private const int AskWarmup = 2_000;
    private const int AskSamples = 10_000;
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Measure = TimeSpan.FromSeconds(5);

    // Akka prints its last shutdown lines (INFO) on stdout once the loggers are gone, whatever akka.stdout-loglevel
    // says, and stdout carries only the figures; the nodes' logger passes warnings and errors only anyway.
    private static readonly Config NodeConfig = ConfigurationFactory.ParseString("akka.loglevel = WARNING").WithFallback(LavaConfig.Reference);

    // Generous: a deadline that only a hung cluster reaches, so a broken run fails instead of hanging.
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);

    public string Name => "cluster";

    public async IAsyncEnumerable<Figure> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var dir = Directory.CreateTempSubdirectory("lava-bench-");
        using var loggerFactory = StderrLoggerFactory();
        try
        {
            var (master, worker) = await StartPairAsync(dir.FullName, loggerFactory, cancellationToken);
            try
            {
                var system = master.Services.GetRequiredService<ActorSystem>();
                var agent = await ResolveAgentAsync(system, worker.Services.GetRequiredService<ActorSystem>());
                yield return new Figure(Name, "remote_tell_msgs_per_s", await TellThroughputAsync(system, agent, cancellationToken), "msgs/s");
                var (p50, p99) = await AskRoundTripAsync(agent);
                yield return new Figure(Name, "remote_ask_rtt_us_p50", p50, "us");
                yield return new Figure(Name, "remote_ask_rtt_us_p99", p99, "us");
            }
            finally
            {
                // The worker leaves first, as a stopped worker does; then the master, alone.
                await worker.StopAsync(CancellationToken.None);
                await master.StopAsync(CancellationToken.None);
                worker.Dispose();
                master.Dispose();
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }

        await foreach (var figure in KillAsync(cancellationToken)) yield return figure;
    }

    /// <summary>A master node that joins itself and a worker node with it as seed, both Up, with certificates of a new lab CA.</summary>
    private static async Task<(IHost Master, IHost Worker)> StartPairAsync(string dir, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var ca = CertificateAuthority.LoadOrCreate(dir);
        var trust = new LabTrust(ca.Certificate);
        var (masterPort, workerPort) = (FreeLoopbackPort(), FreeLoopbackPort());
        var seed = LavaNode.Address("127.0.0.1", masterPort);
        var master = await StartNodeAsync(
            new LavaNodeSettings("127.0.0.1", masterPort, WithKey(ca.IssueMaster("bench-master")), trust, [LavaRoles.Master], [seed], NodeConfig),
            loggerFactory, _ => { }, cancellationToken);
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var worker = await StartNodeAsync(
            new LavaNodeSettings("127.0.0.1", workerPort, WithKey(ca.IssueWorker("bench-worker")), trust, [LavaRoles.Worker], [seed], NodeConfig),
            loggerFactory,
            system =>
            {
                system.ActorOf(BenchAgent.Props(), BenchAgent.Name);
                Akka.Cluster.Cluster.Get(system).RegisterOnMemberUp(up.SetResult);
            },
            cancellationToken);
        await up.Task.WaitAsync(Deadline, cancellationToken);
        return (master, worker);
    }

    private static async Task<IHost> StartNodeAsync(LavaNodeSettings settings, ILoggerFactory loggerFactory, Action<ActorSystem> actors, CancellationToken cancellationToken)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddAkka(LavaRoles.SystemName, (akka, _) => akka
            .WithLavaNode(settings, loggerFactory)
            .WithActors((system, _) => actors(system)));
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return host;
    }

    private static X509Certificate2 WithKey(IssuedCertificate issued) => NodeCertificates.WithPrivateKey(issued.CertificateDer, issued.PrivateKeyPkcs8);

    /// <summary>
    /// The worker's agent as a reference: untrusted mode lets a remote node reach only the trusted paths by selection,
    /// and the master reaches a worker's agent the same way, by Identify on <c>/user/worker</c>.
    /// </summary>
    private static async Task<IActorRef> ResolveAgentAsync(ActorSystem master, ActorSystem worker)
    {
        var address = Akka.Cluster.Cluster.Get(worker).SelfAddress;
        var identity = await master.ActorSelection(address + LavaNode.WorkerAgentPath).Ask<ActorIdentity>(new Identify(BenchAgent.Name), Deadline);
        return identity.Subject ?? throw new InvalidOperationException($"no agent at {address}{LavaNode.WorkerAgentPath}");
    }

    /// <summary>Statuses per second told one way from the master to the worker's agent, counting only those it received.</summary>
    private static async Task<double> TellThroughputAsync(ActorSystem system, IActorRef agent, CancellationToken cancellationToken)
    {
        var streamer = system.ActorOf(Streamer.Props(agent, Batch, BatchesInFlight));
        try
        {
            streamer.Tell(Streamer.Start.Instance);
            await Task.Delay(Warmup, cancellationToken);
            var before = await streamer.Ask<Streamer.Delivered>(Streamer.Peek.Instance, Deadline, cancellationToken);
            var watch = Stopwatch.StartNew();
            await Task.Delay(Measure, cancellationToken);
            var after = await streamer.Ask<Streamer.Delivered>(Streamer.Stop.Instance, Deadline, cancellationToken);
            return (after.Count - before.Count) / watch.Elapsed.TotalSeconds;
        }
        finally
        {
            await streamer.GracefulStop(Deadline);
        }
    }

    /// <summary>Median and 99th percentile of sequential asks to the worker's agent, in microseconds.</summary>
    private static async Task<(double P50, double P99)> AskRoundTripAsync(IActorRef agent)
    {
        for (var i = 0; i < AskWarmup; i++) await agent.Ask<WorkerStatus>(GetWorkerStatus.Instance, Deadline);
        var samples = new double[AskSamples];
        for (var i = 0; i < samples.Length; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await agent.Ask<WorkerStatus>(GetWorkerStatus.Instance, Deadline);
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        Array.Sort(samples);
        return (samples[samples.Length / 2], samples[(int)(samples.Length * 0.99)]);
    }

    /// <summary>The nodes' warnings and errors on stderr, through Serilog as Lava's hosts log; stdout carries only the figures.</summary>
    private static SerilogLoggerFactory StderrLoggerFactory() => new(
        new LoggerConfiguration()
            .MinimumLevel.Warning()
            .WriteTo.Console(standardErrorFromLevel: LogEventLevel.Verbose)
            .CreateLogger(),
        dispose: true);

    internal static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
