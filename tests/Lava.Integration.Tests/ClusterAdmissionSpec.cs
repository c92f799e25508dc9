using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Authentication;
using System.Text;
using Lava.Actors.Security;
using Xunit;

namespace Lava.Integration.Tests;

/// <summary>Who may join a real master's cluster port, and withdrawing access from a connected worker.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class ClusterAdmissionSpec
{
    private static readonly TimeSpan Deadline = TestCluster.EventDeadline;

    [Fact]
    public async Task Master_must_refuse_a_foreign_CA_an_unknown_name_a_disabled_retired_or_revoked_worker_and_a_replaced_certificate()
    {
        await using var cluster = new TestCluster();
        var master = await cluster.StartMasterAsync();
        var endpoint = $"127.0.0.1:{master.ClusterPort}";
        var foreignCa = CertificateAuthority.LoadOrCreate(Path.Combine(cluster.Dir, "foreign-ca"));
        var disabled = await master.AddWorkerAsync("w-disabled");
        await master.ChangeWorkerAsync("w-disabled", "disable");
        var retired = await master.AddWorkerAsync("w-retired");
        await master.ChangeWorkerAsync("w-retired", "retire");
        var revoked = await master.AddWorkerAsync("w-revoked");
        await master.ChangeWorkerAsync("w-revoked", "revoke");
        var replaced = await master.AddWorkerAsync("w-replaced");
        await master.ReissueAsync("w-replaced");

        var cases = new (string Name, WorkerCredentials Credentials, string Reason)[]
        {
            ("w-foreign", WorkerCredentials.FromIssued("w-foreign", endpoint, foreignCa.IssueWorker("w-foreign")), "certificate not issued by this lab's CA"),
            ("w-unknown", WorkerCredentials.FromIssued("w-unknown", endpoint, master.Authority().IssueWorker("w-unknown")), "unknown worker 'w-unknown'"),
            ("w-disabled", disabled, "worker 'w-disabled' is disabled"),
            ("w-retired", retired, "worker 'w-retired' is retired"),
            ("w-revoked", revoked, "the certificate of worker 'w-revoked' was revoked"),
            ("w-replaced", replaced, "worker 'w-replaced' presented a certificate that is not its current one"),
        };
        // Started together: each waits for its own refusal, so the test takes as long as the slowest.
        var workers = await Task.WhenAll(cases.Select(async c =>
            (c.Name, c.Reason, Process: await cluster.StartWorkerAsync(c.Name, cluster.WriteCredentials(c.Credentials)))));

        await Task.WhenAll(workers.Select(async w =>
        {
            Assert.True(await w.Process.WaitForExitAsync(Deadline) == TestCluster.RefusedExitCode,
                $"{w.Name} exited {w.Process.ExitCode}, not {TestCluster.RefusedExitCode}:\n{w.Process.Output}");
            Assert.True(w.Process.HasLine("Refused by the master"), $"{w.Name} must say it was refused:\n{w.Process.Output}");
            Assert.False(w.Process.HasLine(LogLines.Joined(w.Name)), w.Process.Output);
            await master.Process.WaitForLineAsync(Deadline, "Refused the TLS peer", w.Reason);
        }));
        foreach (var (name, _, _) in workers)
            Assert.False(master.Process.HasLine("proved it is Worker", name), $"refused {name} must never be a member:\n{master.Process.Output}");
        Assert.False(master.Process.HasExited, master.Process.Output);
    }

    [Fact]
    public async Task Revoking_a_connected_worker_must_down_it_for_good_and_keep_the_master_and_the_other_workers()
    {
        await using var cluster = new TestCluster();
        var master = await cluster.StartMasterAsync();
        var w1 = await cluster.AddAndStartWorkerAsync(master, "w1");
        var w2 = await cluster.AddAndStartWorkerAsync(master, "w2");
        var (address, uid) = LogLines.JoinedAs(await w1.WaitForLineAsync(Deadline, LogLines.Joined("w1")));
        await w2.WaitForLineAsync(Deadline, LogLines.Joined("w2"));
        await master.WaitForWorkerStateAsync("w1", "Online");
        await master.WaitForWorkerStateAsync("w2", "Online");

        await master.ChangeWorkerAsync("w1", "revoke");

        await master.Process.WaitForLineAsync(Deadline, $"Downing worker w1 at {address} (uid {uid})", "was revoked");
        await w1.WaitForLineAsync(Deadline, "Lost the cluster (the cluster downed this worker)");
        Assert.True(await w1.WaitForExitAsync(Deadline) == TestCluster.RefusedExitCode, $"w1 exited {w1.ExitCode}:\n{w1.Output}");
        Assert.True(w1.HasLine("Refused by the master"), w1.Output);
        await master.Process.WaitForLineAsync(Deadline, "Refused the TLS peer", "the certificate of worker 'w1' was revoked");
        try
        {
            await master.Process.WaitForLineAsync(Deadline, $"Worker w1 is Offline (uid {uid})");
        }
        catch (InvalidOperationException) when (master.Process.HasExited)
        {
            // Asserted below, with the reason.
        }

        // Akka.Remote runs CoordinatedShutdown when an outbound TLS handshake fails; the master's dial to the downed
        // worker, whose system is closing its port, must not end the master.
        Assert.False(master.Process.HasLine("CoordinatedShutdown invoked due to [Reason:Akka.Remote.Transport.DotNetty.TlsHandshakeFailureReason]"),
            $"the master shut itself down after a failed TLS handshake with the downed worker:\n{master.Process.Output}");
        Assert.False(master.Process.HasExited, $"the master exited with {(master.Process.HasExited ? master.Process.ExitCode : 0)}:\n{master.Process.Output}");
        await master.WaitForWorkerStateAsync("w1", "Offline");
        Assert.Equal("Online", await master.WorkerStateAsync("w2"));
        Assert.False(w2.HasExited, w2.Output);
    }

    [Fact]
    public async Task Cluster_port_must_give_a_plain_TCP_client_and_a_TLS_client_without_a_certificate_nothing()
    {
        await using var cluster = new TestCluster();
        var master = await cluster.StartMasterAsync();
        var worker = await cluster.AddAndStartWorkerAsync(master, "w1");
        await master.WaitForWorkerStateAsync("w1", "Online");

        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync("127.0.0.1", master.ClusterPort);
            var stream = tcp.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
            Assert.Equal(0, await ReadAllAsync(stream));
        }

        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync("127.0.0.1", master.ClusterPort);
            await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, _, _, _) => true);
            var received = 0;
            try
            {
                // With TLS 1.3 the client may finish its handshake before the server judges the (missing) client certificate.
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "lava-master" })
                    .WaitAsync(LavaProcesses.Dilated(Deadline));
                await tls.WriteAsync(Encoding.ASCII.GetBytes("hello"));
                received = await ReadAllAsync(tls);
            }
            catch (AuthenticationException)
            {
                // Refused during the handshake: no application data.
            }
            catch (IOException)
            {
                // Reset after the handshake: no application data.
            }

            Assert.Equal(0, received);
        }

        Assert.False(master.Process.HasExited, master.Process.Output);
        Assert.Equal("Online", await master.WorkerStateAsync("w1"));
        Assert.False(worker.HasExited, worker.Output);
    }

    /// <summary>Reads until the peer closes; returns how many bytes came. A reset counts as a close.</summary>
    private static async Task<int> ReadAllAsync(Stream stream)
    {
        var buffer = new byte[4096];
        var total = 0;
        using var timeout = new CancellationTokenSource(LavaProcesses.Dilated(Deadline));
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0) total += read;
        }
        catch (IOException)
        {
            // A reset is as good as a close: the server sent nothing a client could use.
        }

        return total;
    }
}
