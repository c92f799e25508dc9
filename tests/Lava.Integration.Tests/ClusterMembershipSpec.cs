using System.Runtime.Versioning;
using Xunit;

namespace Lava.Integration.Tests;

/// <summary>A real master and real worker processes on loopback: joining, crashing, restarting and leaving.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class ClusterMembershipSpec
{
    private static readonly TimeSpan Deadline = TestCluster.EventDeadline;

    [Fact]
    public async Task Two_workers_must_join_be_up_and_online()
    {
        await using var cluster = new TestCluster();
        var master = await cluster.StartMasterAsync();
        var w1 = await cluster.AddAndStartWorkerAsync(master, "w1");
        var w2 = await cluster.AddAndStartWorkerAsync(master, "w2");

        foreach (var (name, worker) in new[] { ("w1", w1), ("w2", w2) })
        {
            var (address, uid) = LogLines.JoinedAs(await worker.WaitForLineAsync(Deadline, LogLines.Joined(name)));
            await master.Process.WaitForLineAsync(Deadline, $"Member {address} (uid {uid}) proved it is Worker {name}");
            await master.Process.WaitForLineAsync(Deadline, $"Worker {name} is Online (uid {uid})");
            await master.Process.WaitForLineAsync(Deadline, $"Watching the agent of worker {name} at {address}/user/worker (uid {uid})");
            await master.WaitForWorkerStateAsync(name, "Online");
        }

        Assert.False(master.Process.HasLine("Downing"), master.Process.Output);
    }

    [Fact]
    public async Task A_killed_worker_must_be_removed_while_the_other_stays_online_and_rejoin_as_a_new_incarnation()
    {
        await using var cluster = new TestCluster();
        var master = await cluster.StartMasterAsync();
        var w1 = await cluster.AddAndStartWorkerAsync(master, "w1");
        var w2 = await cluster.AddAndStartWorkerAsync(master, "w2");
        var (w1Address, w1Uid) = LogLines.JoinedAs(await w1.WaitForLineAsync(Deadline, LogLines.Joined("w1")));
        var (w2Address, _) = LogLines.JoinedAs(await w2.WaitForLineAsync(Deadline, LogLines.Joined("w2")));
        await master.WaitForWorkerStateAsync("w1", "Online");
        await master.WaitForWorkerStateAsync("w2", "Online");

        // SIGKILL once the master watches w1's agent: the failure detector marks it unreachable, the split brain resolver
        // downs it, the watch ends.
        await master.Process.WaitForLineAsync(Deadline, $"Watching the agent of worker w1 at {w1Address}/user/worker (uid {w1Uid})");
        await w1.KillAsync();
        await master.Process.WaitForLineAsync(Deadline, "Marking node(s) as UNREACHABLE", w1Address);
        // The watch ends by the lost association or by the node's removal, whichever comes first.
        await master.Process.WaitForLineAsync(Deadline, $"Terminated: the agent of worker w1 at {w1Address}/user/worker (uid {w1Uid})");
        await master.Process.WaitForLineAsync(Deadline, $"Worker w1 is Offline (uid {w1Uid})");
        await master.WaitForWorkerStateAsync("w1", "Offline");
        Assert.Equal("Online", await master.WorkerStateAsync("w2"));
        // A loaded machine may miss w2's heartbeats for a moment (unreachable, then reachable again); it must never be downed.
        // (The SBR's decision line lists every member's reachability; the lines naming whom it downs and removes do not.)
        Assert.False(master.Process.HasLine($"SBR is downing [UniqueAddress: ({w2Address},") || master.Process.HasLine("Leader is removing", w2Address),
            $"w2 must stay a member:\n{master.Process.Output}");
        Assert.False(w2.HasExited, w2.Output);

        // The same worker started again joins as a new incarnation: a new uid.
        var restarted = await cluster.StartWorkerAsync("w1", Path.Combine(cluster.Dir, "w1.credentials"), "w1 (restarted)");
        var (_, newUid) = LogLines.JoinedAs(await restarted.WaitForLineAsync(Deadline, LogLines.Joined("w1")));
        Assert.NotEqual(w1Uid, newUid);
        await master.Process.WaitForLineAsync(Deadline, $"(uid {newUid}) proved it is Worker w1");
        await master.Process.WaitForLineAsync(Deadline, $"Worker w1 is Online (uid {newUid})");
        await master.WaitForWorkerStateAsync("w1", "Online");
        Assert.Equal("Online", await master.WorkerStateAsync("w2"));
    }

    [Fact]
    public async Task A_worker_stopped_with_SIGTERM_must_leave_gracefully_and_exit_0()
    {
        await using var cluster = new TestCluster();
        var master = await cluster.StartMasterAsync();
        var worker = await cluster.AddAndStartWorkerAsync(master, "w1");
        var (address, uid) = LogLines.JoinedAs(await worker.WaitForLineAsync(Deadline, LogLines.Joined("w1")));
        await master.WaitForWorkerStateAsync("w1", "Online");

        worker.Terminate();
        Assert.True(await worker.WaitForExitAsync(Deadline) == 0, $"w1 exited {worker.ExitCode} after SIGTERM:\n{worker.Output}");
        Assert.True(worker.HasLine("Lava worker w1 stopped"), worker.Output);
        await master.Process.WaitForLineAsync(Deadline, "Leader is removing confirmed Exiting node", address);
        await master.Process.WaitForLineAsync(Deadline, $"Worker w1 is Offline (uid {uid})");
        await master.WaitForWorkerStateAsync("w1", "Offline");
        Assert.False(master.Process.HasLine("UNREACHABLE", address), $"a leaving worker must never be unreachable:\n{master.Process.Output}");
        Assert.False(master.Process.HasLine("Downing"), master.Process.Output);

        // The master stops cleanly too.
        master.Process.Terminate();
        Assert.True(await master.Process.WaitForExitAsync(Deadline) == 0, $"master exited {master.Process.ExitCode} after SIGTERM:\n{master.Process.Output}");
        Assert.True(master.Process.HasLine("Lava master stopped"), master.Process.Output);
    }
}
