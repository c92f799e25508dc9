using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Lava.Kernel.Configuration;
using Lava.Kernel.TestKit;

namespace Lava.Kernel.Tests.Cluster.Singleton;

/// <summary>
/// One cluster node of a singleton test: an <see cref="ActorSystem"/> with its TLS transport on 127.0.0.1 and
/// membership with short timings. Masters listen; a worker dials a master.
/// </summary>
internal sealed class SingletonTestNode : IAsyncDisposable
{
    private static readonly Lazy<X509Certificate2> SharedCertificate = new(() => RemoteCertificates.CreateSelfSigned());
    private static int s_nodes;

    private SingletonTestNode(ActorSystem system, RemoteTransport transport, Kernel.Cluster cluster)
    {
        System = system;
        Transport = transport;
        Cluster = cluster;
    }

    public ActorSystem System { get; }

    public RemoteTransport Transport { get; }

    public Kernel.Cluster Cluster { get; }

    public Address Address => Cluster.SelfAddress;

    public string Name => System.Name;

    private static string Fingerprint => RemoteCertificates.Sha256Fingerprint(SharedCertificate.Value);

    /// <summary>A master that founds a cluster of its own (<paramref name="seed"/> null) or joins the one of <paramref name="seed"/>.</summary>
    public static async Task<SingletonTestNode> StartMasterAsync(string name, SingletonTestNode? seed, CapturingLoggerFactory logs, TestKitSettings timing)
    {
        var system = CreateSystem(name, "master", logs, timing);
        var transport = await RemoteTransport.StartServerAsync(system, TransportSettings(system), SharedCertificate.Value);
        var node = new SingletonTestNode(system, transport, Kernel.Cluster.Start(system));
        if (seed is null)
        {
            var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            node.Cluster.RegisterOnMemberUp(up.SetResult);
            node.Cluster.JoinSelf();
            await up.Task.WaitAsync(timing.Dilated(TimeSpan.FromSeconds(10)));
        }
        else
        {
            await node.JoinAsync(seed);
        }
        return node;
    }

    /// <summary>A worker that dials <paramref name="master"/>.</summary>
    public static async Task<SingletonTestNode> StartWorkerAsync(string name, SingletonTestNode master, CapturingLoggerFactory logs, TestKitSettings timing)
    {
        var system = CreateSystem(name, "worker", logs, timing);
        var node = new SingletonTestNode(system, RemoteTransport.StartClient(system, TransportSettings(system)), Kernel.Cluster.Start(system));
        await node.JoinAsync(master);
        return node;
    }

    /// <summary>The full path of <paramref name="path"/> (<c>/user/a</c>) on this node.</summary>
    public string PathOf(string path) => Address + path;

    /// <summary>
    /// Stops the node as a killed process would: its connections are cut without notice (the others must detect
    /// the loss, down and remove it), then its actors stop.
    /// </summary>
    public async Task CrashAsync()
    {
        await Transport.CrashAsync();
        await System.Terminate();
    }

    public async ValueTask DisposeAsync()
    {
        await System.Terminate();
        await Transport.WhenStopped.WaitAsync(TimeSpan.FromSeconds(15));
    }

    private Task JoinAsync(SingletonTestNode seed) =>
        Cluster.JoinAsync("127.0.0.1", seed.Transport.Address.Port!.Value, Fingerprint, ReadOnlyMemory<byte>.Empty);

    private static ActorSystem CreateSystem(string name, string role, CapturingLoggerFactory logs, TestKitSettings timing)
    {
        var pause = timing.Dilated(TimeSpan.FromSeconds(3)).TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture);
        // Room for a hand-over on a loaded machine; the confirmation, not this bound, is what the tests expect.
        var exiting = timing.Dilated(TimeSpan.FromSeconds(8)).TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture);
        var phase = timing.Dilated(TimeSpan.FromSeconds(10)).TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture);
        var config = ConfigFactory.ParseString($$"""
            akka.coordinated-shutdown.phases {
              cluster-exiting.timeout = {{phase}}ms
              cluster-exiting-done.timeout = {{phase}}ms
            }
            akka.cluster {
              roles = [{{role}}]
              exiting-confirmation-timeout = {{exiting}}ms
              gossip-interval = 200ms
              unreachable-nodes-reaper-interval = 100ms
              auto-down-unreachable-after = 500ms
              failure-detector { heartbeat-interval = 200ms, acceptable-heartbeat-pause = {{pause}}ms, expected-response-after = 500ms }
            }
            """);
        var system = ActorSystem.Create($"{name}-{Interlocked.Increment(ref s_nodes)}", config, new ActorSystemSetup { LoggerFactory = logs });
        SingletonProbe.Register(system.Serialization);
        return system;
    }

    private static RemoteSettings TransportSettings(ActorSystem system) => RemoteSettings.Create(system.Config) with
    {
        ReconnectMinBackoff = TimeSpan.FromMilliseconds(50),
        ReconnectMaxBackoff = TimeSpan.FromMilliseconds(500),
    };
}
