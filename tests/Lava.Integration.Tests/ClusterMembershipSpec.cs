using System.Runtime.Versioning;
using System.Text.RegularExpressions;
using Xunit;

namespace Lava.Integration.Tests;

/// <summary>A real master and real worker processes on loopback: joining, crashing, restarting and leaving.</summary>
[UnsupportedOSPlatform("windows")]
public sealed partial class ClusterMembershipSpec
{
    private static readonly TimeSpan Deadline = TestCluster.EventDeadline;

    [Fact]
    public async Task Workers_must_join_be_online_survive_a_kill_rejoin_as_a_new_incarnation_and_leave_on_SIGTERM()
    {
        await using var cluster = new TestCluster();
        var master = await cluster.StartMasterAsync();
        var w1 = await cluster.AddAndStartWorkerAsync(master, "w1");
        var w2 = await cluster.AddAndStartWorkerAsync(master, "w2");

        // Both join and become Up; the master's WorkerActor finds each agent; REST shows them Online.
        await master.Process.WaitForLineAsync(Deadline, "Member lava://lava@w1:0 is Up");
        await master.Process.WaitForLineAsync(Deadline, "Member lava://lava@w2:0 is Up");
        var firstWatch = await master.Process.WaitForLineAsync(Deadline, "Watching the agent of worker w1");
        await master.Process.WaitForLineAsync(Deadline, "Watching the agent of worker w2");
        await w1.WaitForLineAsync(Deadline, "Worker w1 joined the cluster as");
        await w1.WaitForLineAsync(Deadline, "Member lava://lava@w1:0 is Up");
        await master.WaitForWorkerStateAsync("w1", "Online");
        await master.WaitForWorkerStateAsync("w2", "Online");

        // SIGKILL: unreachable, then removed by the downing margin; the WorkerActor's watch of the agent ends.
        await w1.KillAsync();
        await master.Process.WaitForLineAsync(Deadline, "Member lava://lava@w1:0 is unreachable");
        await master.Process.WaitForLineAsync(Deadline, "Member lava://lava@w1:0 is Removed");
        await master.Process.WaitForLineAsync(Deadline, "Terminated: the agent of worker w1");
        await master.WaitForWorkerStateAsync("w1", "Offline");
        Assert.False(master.Process.HasLine("lava://lava@w2:0 is unreachable"), $"w2 must stay reachable:\n{master.Process.Output}");

        // The same worker started again joins as a new incarnation.
        var restarted = await cluster.StartWorkerAsync(master, "w1", Path.Combine(cluster.Dir, "w1.token"), "w1 (restarted)");
        await restarted.WaitForLineAsync(Deadline, "Worker w1 joined the cluster as");
        var secondWatch = await master.Process.WaitForLineAsync(
            line => line.Contains("Watching the agent of worker w1", StringComparison.Ordinal) && line != firstWatch, Deadline, "a second watch of w1's agent");
        Assert.NotEqual(Uid(firstWatch), Uid(secondWatch));
        await master.WaitForWorkerStateAsync("w1", "Online");

        // SIGTERM: w2 leaves gracefully and exits 0, never unreachable.
        w2.Terminate();
        Assert.Equal(0, await w2.WaitForExitAsync(Deadline));
        await master.Process.WaitForLineAsync(Deadline, "Member lava://lava@w2:0 is Leaving");
        await master.Process.WaitForLineAsync(Deadline, "Member lava://lava@w2:0 is Removed");
        await master.WaitForWorkerStateAsync("w2", "Offline");
        Assert.True(w2.HasLine("Lava worker w2 stopped"), w2.Output);

        // The master stops cleanly too.
        master.Process.Terminate();
        Assert.Equal(0, await master.Process.WaitForExitAsync(Deadline));
        Assert.False(master.Process.HasLine("lava://lava@w2:0 is unreachable"), $"a leaving worker must not be unreachable:\n{master.Process.Output}");
    }

    [Fact]
    public async Task Worker_must_rejoin_a_master_that_was_killed_and_restarted()
    {
        await using var cluster = new TestCluster();
        var master = await cluster.StartMasterAsync();
        var worker = await cluster.AddAndStartWorkerAsync(master, "w1");
        await master.Process.WaitForLineAsync(Deadline, "Member lava://lava@w1:0 is Up");
        var firstJoin = await worker.WaitForLineAsync(Deadline, "Worker w1 joined the cluster as");

        await master.Process.KillAsync();
        var restarted = await cluster.RestartMasterAsync(master, "master (restarted)");

        await worker.WaitForLineAsync(Deadline, "Lost the cluster");
        var secondJoin = await worker.WaitForLineAsync(
            line => line.Contains("Worker w1 joined the cluster as", StringComparison.Ordinal) && line != firstJoin, Deadline, "a second join");
        Assert.NotEqual(firstJoin, secondJoin);
        await restarted.Process.WaitForLineAsync(Deadline, "Member lava://lava@w1:0 is Up");
        await restarted.WaitForWorkerStateAsync("w1", "Online");
        Assert.False(worker.HasExited, worker.Output);
    }

    private static string Uid(string line) => UidPattern().Match(line).Groups[1].Value;

    [GeneratedRegex(@"\(uid (-?\d+)\)")]
    private static partial Regex UidPattern();
}
