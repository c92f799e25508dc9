using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text;
using System.Threading.Channels;
using Lava.Actors.Lab;
using Lava.Kernel;
using Lava.Kernel.Configuration;
using Xunit;

namespace Lava.Integration.Tests;

/// <summary>Who may join a real master's cluster port, what a joined worker may address, and withdrawing access.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class ClusterAdmissionSpec
{
    private static readonly TimeSpan Deadline = TestCluster.EventDeadline;

    [Fact]
    public async Task Master_must_refuse_a_missing_or_wrong_token_an_unknown_name_and_a_disabled_retired_or_revoked_worker()
    {
        await using var cluster = new TestCluster();
        var master = await cluster.StartMasterAsync();
        var (_, fingerprint) = await master.AddWorkerAsync("w-missing");
        await master.AddWorkerAsync("w-wrong");
        var (disabledToken, _) = await master.AddWorkerAsync("w-disabled");
        await master.ChangeWorkerAsync("w-disabled", "disable");
        var (retiredToken, _) = await master.AddWorkerAsync("w-retired");
        await master.ChangeWorkerAsync("w-retired", "retire");
        var (revokedToken, _) = await master.AddWorkerAsync("w-revoked");
        await master.ChangeWorkerAsync("w-revoked", "revoke");

        var cases = new (string Name, string Token, string Reason)[]
        {
            ("w-missing", "", "worker 'w-missing' presented no token"),
            ("w-wrong", new string('0', 40), "wrong token for worker 'w-wrong'"),
            ("w-unknown", new string('1', 40), "unknown worker 'w-unknown'"),
            ("w-disabled", disabledToken, "worker 'w-disabled' is disabled"),
            ("w-retired", retiredToken, "worker 'w-retired' is retired"),
            ("w-revoked", revokedToken, "the token of worker 'w-revoked' was revoked"),
        };
        var workers = new List<(string Name, string Reason, LavaProcess Process)>();
        foreach (var (name, token, reason) in cases)
            workers.Add((name, reason, await cluster.StartWorkerAsync(master, name, cluster.WriteTokenFile(name, token, fingerprint))));

        foreach (var (name, reason, process) in workers)
        {
            Assert.True(await process.WaitForExitAsync(Deadline) == TestCluster.RefusedExitCode,
                $"{name} exited {process.ExitCode}, not {TestCluster.RefusedExitCode}:\n{process.Output}");
            Assert.True(process.HasLine("Refused by the master", reason), $"{name} must say why:\n{process.Output}");
            await master.Process.WaitForLineAsync(Deadline, "Refused", reason);
        }
        foreach (var (name, _, _) in workers)
            Assert.False(master.Process.HasLine($"Member lava://lava@{name}:0"), $"refused {name} must make no member event:\n{master.Process.Output}");
    }

    [Fact]
    public async Task Revoking_a_connected_worker_must_disconnect_it_for_good()
    {
        await using var cluster = new TestCluster();
        var master = await cluster.StartMasterAsync();
        var worker = await cluster.AddAndStartWorkerAsync(master, "w1");
        await master.Process.WaitForLineAsync(Deadline, "Member lava://lava@w1:0 is Up");
        await master.WaitForWorkerStateAsync("w1", "Online");

        var cli = await LavaProcesses.FindBuiltAsync("Lava.Cli", "lava-cli.dll");
        var revoke = await LavaProcesses.RunAsync(LavaProcesses.Dotnet(), [cli, "workers", "revoke", "w1"], Deadline,
            new Dictionary<string, string?> { ["LAVA_URL"] = master.Api.ToString().TrimEnd('/'), ["LAVA_DATA_DIR"] = master.DataDir, ["LAVA_TOKEN"] = null });
        Assert.True(revoke.ExitCode == 0, $"workers revoke exited {revoke.ExitCode}: {revoke.Output}{revoke.Error}");

        Assert.True(await worker.WaitForExitAsync(Deadline) == TestCluster.RefusedExitCode, $"w1 exited {worker.ExitCode}:\n{worker.Output}");
        Assert.True(worker.HasLine("Refused by the master", "was revoked"), worker.Output);
        await master.Process.WaitForLineAsync(Deadline, "Disconnecting", "w1");
        await master.Process.WaitForLineAsync(Deadline, "Member lava://lava@w1:0 is Removed");
        await master.WaitForWorkerStateAsync("w1", "Offline");
    }

    [Fact]
    public async Task Cluster_port_must_give_a_client_without_TLS_nothing()
    {
        await using var cluster = new TestCluster();
        var master = await cluster.StartMasterAsync();

        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync("127.0.0.1", master.ClusterPort);
            var stream = tcp.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(
                "GET /lava/remote HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"));
            var received = new MemoryStream();
            var buffer = new byte[4096];
            using var timeout = new CancellationTokenSource(LavaProcesses.Dilated(Deadline));
            try
            {
                int read;
                while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0) received.Write(buffer, 0, read);
            }
            catch (IOException)
            {
                // A reset is as good as a close: the server answered nothing a plain client could use.
            }
            var text = Encoding.ASCII.GetString(received.ToArray());
            Assert.DoesNotContain("HTTP/1.1", text, StringComparison.Ordinal);
        }

        using var http = new HttpClient { Timeout = LavaProcesses.Dilated(Deadline) };
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync($"http://127.0.0.1:{master.ClusterPort}/lava/remote"));
        Assert.False(master.Process.HasLine("is Joining"), $"no client without TLS may become a member:\n{master.Process.Output}");
        Assert.False(master.Process.HasLine("Connected to"), master.Process.Output);
    }

    [Fact]
    public async Task Worker_node_must_reach_its_own_actors_on_the_master_but_not_another_workers()
    {
        await using var cluster = new TestCluster();
        var master = await cluster.StartMasterAsync();
        var (token, fingerprint) = await master.AddWorkerAsync("wa");
        await master.AddWorkerAsync("wb");

        // This test process is worker wa, with the kernel in-process and wa's valid token.
        var config = ConfigFactory.ParseString("akka.remote.hostname = wa\nakka.cluster.roles = [worker]")
            .WithFallback(ConfigFactory.ParseFile(cluster.ConfigPath)).WithFallback(ConfigFactory.Reference()).Resolve();
        await using var system = ActorSystem.Create("lava", config);
        WorkerAgentProtocol.Register(system.Serialization);
        RemoteTransport.StartClient(system, RemoteSettings.Create(config));
        var node = Cluster.Start(system);
        await node.JoinAsync("127.0.0.1", master.ClusterPort, fingerprint, ClusterCredential.ForWorker("wa", token).ToBytes())
            .WaitAsync(LavaProcesses.Dilated(Deadline));
        await master.Process.WaitForLineAsync(Deadline, "Member lava://lava@wa:0 is Up");
        await master.Process.WaitForLineAsync(Deadline, "Worker wa is Online");

        var identities = Channel.CreateUnbounded<ActorIdentity>();
        var inbox = system.ActorOf(Props.Create(() => new IdentityInbox(identities.Writer)), "inbox");
        var masterAddress = $"lava://lava@127.0.0.1:{master.ClusterPort}";
        system.ActorSelection($"{masterAddress}/user/workers/wb").Tell(new Identify("wb"), inbox);
        system.ActorSelection($"{masterAddress}/user/workers/wa").Tell(new Identify("wa"), inbox);

        // One connection keeps order: when wa's answer is back, the master has judged the earlier frame to wb.
        using var timeout = new CancellationTokenSource(LavaProcesses.Dilated(Deadline));
        var answer = await identities.Reader.ReadAsync(timeout.Token);
        Assert.Equal("wa", answer.MessageId);
        Assert.NotNull(answer.Subject);
        await master.Process.WaitForLineAsync(Deadline, "from lava://lava@wa:0", "to /user/workers/wb: the node is not authorized to send there");
        Assert.False(identities.Reader.TryRead(out var late), $"the frame to wb must be dropped, got {late}");
    }

    private sealed class IdentityInbox : ReceiveActor
    {
        public IdentityInbox(ChannelWriter<ActorIdentity> writer) => Receive<ActorIdentity>(identity => writer.TryWrite(identity));
    }
}
