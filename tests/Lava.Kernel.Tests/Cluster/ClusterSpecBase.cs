using System.Security.Cryptography.X509Certificates;
using Lava.Kernel.TestKit;
using Xunit;

namespace Lava.Kernel.Tests.Cluster;

/// <summary>
/// Several nodes in this process over the real TLS WebSocket transport on 127.0.0.1: masters listen, workers
/// dial out only. Cluster timings are short (heartbeat 100 ms) and the margins that absorb a slow machine
/// (acceptable pause, auto-down, deadlines) grow with the test time factor.
/// </summary>
public abstract class ClusterSpecBase : TestKit.TestKit
{
    private static readonly Lazy<X509Certificate2> SharedCertificate = new(() => RemoteCertificates.CreateSelfSigned());
    private static int s_nodes;
    private readonly List<Node> _nodes = [];

    protected ClusterSpecBase() : base(realTime: true)
    {
    }

    protected static string Fingerprint => RemoteCertificates.Sha256Fingerprint(SharedCertificate.Value);

    /// <summary>Short cluster timings; the tolerances scale with the time factor.</summary>
    protected ClusterSettings TestClusterSettings => new()
    {
        HeartbeatInterval = TimeSpan.FromMilliseconds(100),
        AcceptableHeartbeatPause = Dilated(TimeSpan.FromSeconds(2)),
        ExpectedResponseAfter = TimeSpan.FromMilliseconds(500),
        UnreachableNodesReaperInterval = TimeSpan.FromMilliseconds(50),
        GossipInterval = TimeSpan.FromMilliseconds(200),
        AutoDownUnreachableAfter = Dilated(TimeSpan.FromSeconds(1)),
        SeedNodeTimeout = Dilated(TimeSpan.FromSeconds(10)),
        RetryUnsuccessfulJoinAfter = TimeSpan.FromMilliseconds(200),
    };

    /// <summary>The wait for a member to be found unreachable and removed, with room for a loaded machine.</summary>
    protected TimeSpan RemovalDeadline => Dilated(TimeSpan.FromSeconds(10));

    /// <summary>Transport settings with short backoffs.</summary>
    protected static RemoteSettings TransportSettings(params string[] roles) => new()
    {
        ReconnectMinBackoff = TimeSpan.FromMilliseconds(50),
        ReconnectMaxBackoff = TimeSpan.FromMilliseconds(500),
        Roles = [.. roles],
    };

    public override async Task DisposeAsync()
    {
        foreach (var node in _nodes) await node.System.Terminate().WaitAsync(Dilated(TimeSpan.FromSeconds(10)));
        await base.DisposeAsync();
    }

    /// <summary>A listening master with membership started; Up alone when <paramref name="joinSelf"/>.</summary>
    protected async Task<Node> StartMasterAsync(bool joinSelf = true, IAdmissionPolicy? admission = null, ClusterSettings? settings = null)
    {
        var system = NewSystem("master");
        var transport = await RemoteTransport.StartServerAsync(system, TransportSettings("master"), SharedCertificate.Value, admission);
        var node = new Node(system, transport, Kernel.Cluster.Start(system, settings ?? TestClusterSettings));
        _nodes.Add(node);
        if (joinSelf)
        {
            node.Cluster.JoinSelf();
            await AwaitAssertAsync(() => Assert.Equal(MemberStatus.Up, node.Cluster.SelfMember.Status));
        }
        return node;
    }

    /// <summary>A second master that joins <paramref name="seed"/>.</summary>
    protected async Task<Node> StartJoiningMasterAsync(Node seed)
    {
        var node = await StartMasterAsync(joinSelf: false);
        await node.Cluster.JoinAsync("127.0.0.1", seed.Port, Fingerprint, default);
        return node;
    }

    /// <summary>A dial-out-only node with membership started, not joined yet; <paramref name="name"/> reuses a system name (a restart).</summary>
    protected Node StartWorker(string? name = null)
    {
        var system = NewSystem("worker", name);
        var transport = RemoteTransport.StartClient(system, TransportSettings("worker"));
        var node = new Node(system, transport, Kernel.Cluster.Start(system, TestClusterSettings));
        _nodes.Add(node);
        return node;
    }

    /// <summary>A worker that joined <paramref name="master"/> and is Up.</summary>
    protected async Task<Node> StartJoinedWorkerAsync(Node master, string? name = null)
    {
        var node = StartWorker(name);
        await node.Cluster.JoinAsync("127.0.0.1", master.Port, Fingerprint, default);
        return node;
    }

    /// <summary>Kills <paramref name="node"/> as a crash would: connections cut without notice, then its system stops.</summary>
    protected static async Task CrashAsync(Node node)
    {
        await node.Transport.CrashAsync();
        await node.System.Terminate();
    }

    /// <summary>A probe on <paramref name="node"/> subscribed to the cluster events <paramref name="to"/> (all when none).</summary>
    protected TestProbe Subscribe(Node node, params Type[] to)
    {
        var probe = CreateTestProbe(node.System);
        node.Cluster.Subscribe(probe.Ref, to);
        return probe;
    }

    private ActorSystem NewSystem(string prefix, string? name = null) =>
        ActorSystem.Create(name ?? $"{prefix}-{Interlocked.Increment(ref s_nodes)}", new ActorSystemSetup { LoggerFactory = Logs });

    protected sealed record Node(ActorSystem System, RemoteTransport Transport, Kernel.Cluster Cluster)
    {
        public int Port => Transport.Address.Port!.Value;

        public UniqueAddress Self => Cluster.SelfUniqueAddress;
    }
}
