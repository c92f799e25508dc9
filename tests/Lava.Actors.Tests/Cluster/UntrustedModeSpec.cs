using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Hosting;
using Lava.Actors.Cluster;
using Lava.Actors.Configuration;
using Lava.Actors.Lab;
using Lava.Actors.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Lava.Actors.Tests.Cluster;

/// <summary>
/// Two Lava nodes in this process, wired as the hosts wire them (mutual TLS with lab certificates, reference.conf):
/// the cluster forms although <c>akka.remote.untrusted-mode</c> is on, a selection to a trusted path is delivered,
/// and a selection to any other path is dropped.
/// </summary>
public sealed class UntrustedModeSpec : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly string _dir = Directory.CreateTempSubdirectory("lava-untrusted-").FullName;
    private IHost? _master;
    private IHost? _worker;

    public async Task InitializeAsync()
    {
        var authority = CertificateAuthority.LoadOrCreate(_dir);
        var trust = new LabTrust(authority.Certificate);
        var port = FreePort();
        var seed = LavaNode.Address("127.0.0.1", port);
        var master = authority.IssueMaster("m1");
        var worker = authority.IssueWorker("w1");
        _master = Node(NodeCertificates.WithPrivateKey(master.CertificateDer, master.PrivateKeyPkcs8), trust, port, LavaRoles.Master, seed);
        _worker = Node(NodeCertificates.WithPrivateKey(worker.CertificateDer, worker.PrivateKeyPkcs8), trust, 0, LavaRoles.Worker, seed);
        await _master.StartAsync();
        await _worker.StartAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var host in new[] { _worker, _master })
        {
            if (host is null) continue;
            await host.StopAsync();
            host.Dispose();
        }

        Directory.Delete(_dir, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static IHost Node(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, LabTrust trust, int port, string role, string seed)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddAkka(LavaRoles.SystemName, (akka, _) => akka
            .WithLavaNode(new LavaNodeSettings("127.0.0.1", port, certificate, trust, [role], [seed], LavaConfig.Reference), NullLoggerFactory.Instance)
            .WithActors((system, _) =>
            {
                system.ActorOf(Props.Create(() => new Answering("trusted")), "worker");
                system.ActorOf(Props.Create(() => new Answering("untrusted")), "secret");
            }));
        return builder.Build();
    }

    private ActorSystem System(IHost host) => host.Services.GetRequiredService<ActorSystem>();

    private async Task WorkerUpAsync()
    {
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Akka.Cluster.Cluster.Get(System(_worker!)).RegisterOnMemberUp(() => up.TrySetResult());
        await up.Task.WaitAsync(Deadline);
    }

    [Fact]
    public async Task Cluster_must_form_and_deliver_selections_to_trusted_paths_only()
    {
        await WorkerUpAsync();
        var master = Akka.Cluster.Cluster.Get(System(_master!)).SelfAddress;
        var worker = System(_worker!);

        var trusted = await worker.ActorSelection(master + "/user/worker").Ask<WorkerStatus>(GetWorkerStatus.Instance, Deadline);
        Assert.Equal("trusted", trusted.Name);

        // The same selection to an untrusted path: dropped by the master, so no answer comes. The trusted one just
        // answered over the same connection, so the link is up and a reply would have had the time to come.
        await Assert.ThrowsAsync<AskTimeoutException>(() =>
            worker.ActorSelection(master + "/user/secret").Ask<WorkerStatus>(GetWorkerStatus.Instance, TimeSpan.FromSeconds(3)));
        Assert.Equal("trusted", (await worker.ActorSelection(master + "/user/worker").Ask<WorkerStatus>(GetWorkerStatus.Instance, Deadline)).Name);
    }

    private sealed class Answering : ReceiveActor
    {
        public Answering(string name) =>
            Receive<GetWorkerStatus>(_ => Sender.Tell(new WorkerStatus(name, "test", DateTimeOffset.UnixEpoch, 0)));
    }
}
