using Lava.Kernel.Membership;
using Lava.Kernel.Remote;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Lava.Kernel.Tests.Cluster;

/// <summary>What membership on a master accepts from a worker: it joins, leaves and sends heartbeats only as itself.</summary>
public sealed class ClusterWorkerRequestsSpec : ClusterSpecBase
{
    private sealed class Silent : ReceiveActor
    {
        public Silent() => ReceiveAny(_ => { });
    }

    [Fact]
    public async Task A_worker_must_not_leave_or_down_another_member_nor_push_state_but_may_leave_itself()
    {
        var master = await StartMasterAsync();
        var worker1 = await StartJoinedWorkerAsync(master);
        var worker2 = await StartJoinedWorkerAsync(master);
        await AwaitAssertAsync(() => Assert.Equal(3, master.Cluster.State.Members.Count(m => m.Status == MemberStatus.Up)));
        var events = Subscribe(master, typeof(MemberLeft), typeof(MemberExited), typeof(MemberDowned), typeof(MemberRemoved), typeof(ReachabilityEvent));
        var masterCore = new RemoteActorRef(worker1.Transport, ActorPath.Parse(master.Transport.Address + "/system/cluster/core"));
        var sender = worker1.System.ActorOf(Props.Create(() => new Silent()), "tampered");

        // Through the public API of the worker: its core passes the down on to the master it joined through.
        worker1.Cluster.Down(worker2.Transport.Address);
        // Crafted as a tampered worker would send them, with one of its own actors as sender, or with none.
        masterCore.Tell(new ClusterProtocol.LeaveRequest(worker2.Transport.Address, 1), sender);
        masterCore.Tell(new ClusterProtocol.LeaveRequest(master.Transport.Address, 1), sender);
        masterCore.Tell(new ClusterProtocol.DownRequest(worker2.Transport.Address, worker2.Self.Uid, Gone: true, 1), sender);
        masterCore.Tell(new ClusterProtocol.DownRequest(worker1.Transport.Address, 0, Gone: false, 1), sender);
        masterCore.Tell(new ClusterProtocol.DownRequest(master.Transport.Address, 0, Gone: false, 1), null);
        masterCore.Tell(new ClusterProtocol.LeaveRequest(worker2.Transport.Address, 1), null);
        masterCore.Tell(new ClusterProtocol.Gossip(long.MaxValue / 2,
            [new ClusterProtocol.GossipMember(worker1.Self, MemberStatus.Up, ["worker", "master"], 1, null)], [master.Self]), sender);
        masterCore.Tell(new ClusterProtocol.ReachabilityReport(worker1.Self, [worker2.Self]), sender);
        masterCore.Tell(new ClusterProtocol.ExitingConfirmed(worker2.Self, 1), sender);
        masterCore.Tell(new ClusterProtocol.Join(worker2.Self), sender);
        // With the other worker's dead letters as sender, which the transport lets through as no sender.
        worker1.Transport.AssociationOf(master.Transport.Address)!.EnqueueData(new Outbound(FrameKind.Message, "/system/cluster/core", null,
            new ClusterProtocol.LeaveRequest(worker2.Transport.Address, 1), SenderPath: worker2.Transport.Address + "/deadLetters"));

        await AwaitAssertAsync(() =>
        {
            foreach (var request in new[] { "LeaveRequest", "DownRequest", "Gossip", "ReachabilityReport", "ExitingConfirmed", "Join" })
            {
                Assert.Contains(Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.StartsWith($"Ignored {request} from ", StringComparison.Ordinal));
            }
        }, Dilated(TimeSpan.FromSeconds(5)));
        Assert.Contains(Logs.Entries, e => e.Message.StartsWith("Ignored DownRequest from no node", StringComparison.Ordinal));
        Assert.Contains(Logs.Entries, e => e.Message.StartsWith("Ignored LeaveRequest from no node", StringComparison.Ordinal));
        // Longer than the leader needs to act on a request (its gossip interval is 200 ms).
        await events.ExpectNoMsgAsync(Dilated(TimeSpan.FromSeconds(1)));
        var state = master.Cluster.State;
        Assert.Equal(3, state.Members.Count(m => m.Status == MemberStatus.Up));
        Assert.Empty(state.Unreachable);
        Assert.Equal(master.Transport.Address, state.Leader);
        Assert.Contains(state.Members, m => m.UniqueAddress.Equals(worker1.Self) && m.Roles.SequenceEqual(["worker"]));

        // The same path works for a worker's own leave: sent after the rest, on the same connection.
        masterCore.Tell(new ClusterProtocol.LeaveRequest(worker1.Transport.Address, 1), sender);

        Assert.Equal(worker1.Self, (await events.ExpectMsgAsync<MemberLeft>()).Member.UniqueAddress);
        Assert.Equal(worker1.Self, (await events.ExpectMsgAsync<MemberExited>()).Member.UniqueAddress);
        var removed = await events.ExpectMsgAsync<MemberRemoved>(timeout: RemovalDeadline);
        Assert.Equal(worker1.Self, removed.Member.UniqueAddress);
        Assert.Equal(MemberStatus.Exiting, removed.PreviousStatus);
        Assert.Equal(MemberStatus.Up, master.Cluster.State.Members.Single(m => m.UniqueAddress.Equals(worker2.Self)).Status);
    }

    [Fact]
    public async Task A_worker_must_not_keep_another_worker_reachable_with_heartbeats_in_its_name()
    {
        var master = await StartMasterAsync();
        var worker1 = await StartJoinedWorkerAsync(master);
        var worker2 = await StartJoinedWorkerAsync(master);
        await AwaitAssertAsync(() => Assert.Equal(3, master.Cluster.State.Members.Count(m => m.Status == MemberStatus.Up)));
        var events = Subscribe(master, typeof(UnreachableMember));
        var masterHeartbeat = new RemoteActorRef(worker1.Transport, ActorPath.Parse(master.Transport.Address + "/system/cluster/heartbeat"));
        var sender = worker1.System.ActorOf(Props.Create(() => new Silent()), "tampered");
        using var forging = new CancellationTokenSource();
        var forger = Task.Run(async () =>
        {
            while (!forging.IsCancellationRequested)
            {
                masterHeartbeat.Tell(new ClusterProtocol.Heartbeat(worker2.Self), sender);
                await Task.Delay(50, CancellationToken.None);
            }
        });

        try
        {
            await CrashAsync(worker2);

            var unreachable = await events.FishForMessageAsync<UnreachableMember>(m => m.Member.UniqueAddress.Equals(worker2.Self), RemovalDeadline);
            Assert.Equal(worker2.Self, unreachable.Member.UniqueAddress);
            Assert.Contains(Logs.Entries, e => e.Level == LogLevel.Warning
                && e.Message.StartsWith($"Ignored a heartbeat for {worker2.Self} sent by {worker1.Transport.Address}", StringComparison.Ordinal));
        }
        finally
        {
            await forging.CancelAsync();
            await forger;
        }
    }
}
