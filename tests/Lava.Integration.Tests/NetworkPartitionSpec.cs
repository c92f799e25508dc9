using System.Runtime.Versioning;
using Xunit;

namespace Lava.Integration.Tests;

/// <summary>
/// A worker cut off from the master by a network failure: both links between them pass through proxies the test
/// controls. The master binds its cluster port behind one proxy and advertises the proxy's port; the worker does the
/// same behind the other, so the master can reach it only through that proxy.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class NetworkPartitionSpec
{
    private static readonly TimeSpan Deadline = TestCluster.EventDeadline;

    [Fact]
    public async Task A_worker_cut_off_must_be_downed_by_the_master_and_rejoin_as_a_new_incarnation_when_the_link_returns()
    {
        await using var cluster = new TestCluster();
        var masterBind = LavaProcesses.FreeLoopbackPort();
        await using var toMaster = new TcpProxy(masterBind);
        var workerBind = LavaProcesses.FreeLoopbackPort();
        await using var toWorker = new TcpProxy(workerBind);

        var master = await cluster.StartMasterAsync(
            configPath: cluster.WriteConfig("master.conf", $"akka.remote.dot-netty.tcp.public-port = {toMaster.Port}\n"),
            bindPort: masterBind,
            advertisedPort: toMaster.Port);
        var credentials = await master.AddWorkerAsync("w1");
        Assert.Equal($"127.0.0.1:{toMaster.Port}", credentials.MasterAddress);
        var workerConfig = cluster.WriteConfig("worker.conf", $"""
            lava.worker.endpoint = "127.0.0.1:{workerBind}"
            akka.remote.dot-netty.tcp.public-port = {toWorker.Port}

            """);
        var worker = await cluster.StartWorkerAsync("w1", cluster.WriteCredentials(credentials), configPath: workerConfig);
        var firstJoin = await worker.WaitForLineAsync(Deadline, LogLines.Joined("w1"));
        var (address, uid) = LogLines.JoinedAs(firstJoin);
        Assert.Equal($"akka.ssl.tcp://lava@127.0.0.1:{toWorker.Port}", address);
        await master.WaitForWorkerStateAsync("w1", "Online");

        toMaster.Cut();
        toWorker.Cut();

        // Keep-oldest with role master: the worker side has no master, so the worker is downed, never the master.
        await master.Process.WaitForLineAsync(Deadline, "Marking node(s) as UNREACHABLE", address);
        await master.Process.WaitForLineAsync(Deadline, "SBR took decision", address);
        await master.Process.WaitForLineAsync(Deadline, $"Worker w1 is Offline (uid {uid})");
        await master.WaitForWorkerStateAsync("w1", "Offline");
        await worker.WaitForLineAsync(Deadline, "Lost the cluster (the cluster downed this worker): rejoining as a new incarnation");
        await worker.WaitForLineAsync(Deadline, "Cannot join the master at");
        Assert.False(worker.HasExited, worker.Output);

        toMaster.Resume();
        toWorker.Resume();

        var secondJoin = await worker.WaitForLineAsync(
            line => line.Contains(LogLines.Joined("w1"), StringComparison.Ordinal) && line != firstJoin, Deadline, "a second join");
        var (_, newUid) = LogLines.JoinedAs(secondJoin);
        Assert.NotEqual(uid, newUid);
        await master.Process.WaitForLineAsync(Deadline, $"Member {address} (uid {newUid}) proved it is Worker w1");
        await master.WaitForWorkerStateAsync("w1", "Online");
        Assert.False(master.Process.HasExited, master.Process.Output);
        Assert.False(master.Process.HasLine("Downing", master.Address), $"the master must never be downed:\n{master.Process.Output}");
    }
}
