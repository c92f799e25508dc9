using Lava.Kernel.TestKit;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Lava.Kernel.Tests.Cluster;

public sealed class ClusterMembershipSpec : ClusterSpecBase
{
    [Fact]
    public async Task A_master_that_joins_itself_must_be_Up_and_leader()
    {
        var master = await StartMasterAsync();
        var probe = Subscribe(master);
        var up = await probe.ExpectMsgAsync<MemberUp>();
        Assert.Equal(master.Self, up.Member.UniqueAddress);
        Assert.True(up.Member.HasRole("master"));
        Assert.Equal(1, up.Member.UpNumber);
        Assert.Equal(master.Transport.Address, (await probe.ExpectMsgAsync<LeaderChanged>()).Leader);
        Assert.Equal(master.Transport.Address, master.Cluster.State.Leader);
        Assert.Contains(Logs.Entries, e => e.Category == "Lava.Kernel.Cluster" && e.Level == LogLevel.Information
            && e.Message == $"Member {master.Transport.Address} is Up (roles: master)");
    }

    [Fact]
    public async Task Workers_must_be_seen_Joining_then_Up_on_the_master_and_on_themselves()
    {
        var master = await StartMasterAsync();
        var onMaster = Subscribe(master, typeof(MemberStatusChange));
        await onMaster.ExpectMsgAsync<MemberUp>(m => m.Member.UniqueAddress.Equals(master.Self));
        var worker1 = StartWorker();
        var onWorker1 = Subscribe(worker1, typeof(MemberStatusChange));
        var upCallback = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        worker1.Cluster.RegisterOnMemberUp(() => upCallback.SetResult());
        Assert.Equal(master.Self, await worker1.Cluster.JoinAsync("127.0.0.1", master.Port, Fingerprint, default));
        Assert.Equal(MemberStatus.Up, worker1.Cluster.SelfMember.Status);
        await upCallback.Task.WaitAsync(Dilated(TimeSpan.FromSeconds(3)));

        var joined = await onMaster.ExpectMsgAsync<MemberJoined>();
        Assert.Equal(worker1.Self, joined.Member.UniqueAddress);
        Assert.Equal(["worker"], joined.Member.Roles);
        var up = await onMaster.ExpectMsgAsync<MemberUp>();
        Assert.Equal(worker1.Self, up.Member.UniqueAddress);
        Assert.Equal(2, up.Member.UpNumber);
        await onWorker1.ExpectMsgAsync<MemberJoined>(m => m.Member.UniqueAddress.Equals(worker1.Self));
        await onWorker1.FishForMessageAsync<MemberUp>(m => m.Member.UniqueAddress.Equals(worker1.Self));

        var worker2 = await StartJoinedWorkerAsync(master);
        Assert.Equal(worker2.Self, (await onMaster.ExpectMsgAsync<MemberJoined>()).Member.UniqueAddress);
        Assert.Equal(worker2.Self, (await onMaster.ExpectMsgAsync<MemberUp>()).Member.UniqueAddress);
        await onWorker1.FishForMessageAsync<MemberUp>(m => m.Member.UniqueAddress.Equals(worker2.Self));
        Assert.Equal(master.Transport.Address, worker2.Cluster.State.Leader);
        Assert.Equal(3, worker2.Cluster.State.Members.Count);
        Assert.Contains(Logs.Entries, e => e.Message == $"Member {worker2.Transport.Address} is Up (roles: worker)");
    }

    [Fact]
    public async Task Subscribe_must_replay_the_current_state_before_live_events()
    {
        var master = await StartMasterAsync();
        var worker = await StartJoinedWorkerAsync(master);
        await AwaitAssertAsync(() => Assert.All(master.Cluster.State.Members, m => Assert.Equal(MemberStatus.Up, m.Status)));

        var probe = Subscribe(master);
        var replayed = new[] { await probe.ExpectMsgAsync<MemberUp>(), await probe.ExpectMsgAsync<MemberUp>() };
        Assert.Equal(new HashSet<UniqueAddress> { master.Self, worker.Self }, replayed.Select(e => e.Member.UniqueAddress).ToHashSet());
        Assert.Equal(master.Transport.Address, (await probe.ExpectMsgAsync<LeaderChanged>()).Leader);

        var onlyUp = Subscribe(worker, typeof(MemberUp));
        await onlyUp.ExpectMsgAsync<MemberUp>();
        await onlyUp.ExpectMsgAsync<MemberUp>();
        var late = await StartJoinedWorkerAsync(master);
        Assert.Equal(late.Self, (await onlyUp.ExpectMsgAsync<MemberUp>()).Member.UniqueAddress);
        Assert.Equal(late.Self, (await probe.ExpectMsgAsync<MemberJoined>()).Member.UniqueAddress);
        Assert.Equal(late.Self, (await probe.ExpectMsgAsync<MemberUp>()).Member.UniqueAddress);

        master.Cluster.Unsubscribe(probe.Ref);
        master.Cluster.Down(late.Transport.Address);
        await onlyUp.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
        await AwaitAssertAsync(() => Assert.Equal(2, master.Cluster.State.Members.Count));
        await probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task A_crashed_worker_must_become_unreachable_then_be_removed_and_its_watchers_told()
    {
        var master = await StartMasterAsync();
        var worker = await StartJoinedWorkerAsync(master);
        worker.System.ActorOf(Props.Create(() => new Idle()), "idle");
        var idle = await master.System.ActorSelection(worker.Transport.Address + "/user/idle").ResolveOne(Dilated(TimeSpan.FromSeconds(3)));
        var watcher = CreateTestProbe(master.System);
        watcher.Watch(idle);
        var events = Subscribe(master, typeof(MemberDowned), typeof(MemberRemoved), typeof(UnreachableMember));

        await CrashAsync(worker);

        Assert.Equal(worker.Self, (await events.ExpectMsgAsync<UnreachableMember>(timeout: RemovalDeadline)).Member.UniqueAddress);
        Assert.Equal(worker.Self, (await events.ExpectMsgAsync<MemberDowned>(timeout: RemovalDeadline)).Member.UniqueAddress);
        var removed = await events.ExpectMsgAsync<MemberRemoved>();
        Assert.Equal(worker.Self, removed.Member.UniqueAddress);
        Assert.Equal(MemberStatus.Down, removed.PreviousStatus);
        var terminated = await watcher.ExpectTerminatedAsync(idle);
        Assert.True(terminated.AddressTerminated);
        Assert.DoesNotContain(master.Cluster.State.Members, m => m.UniqueAddress.Equals(worker.Self));
    }

    [Fact]
    public async Task A_restarted_worker_must_rejoin_as_a_new_incarnation_after_the_old_one_is_removed()
    {
        var master = await StartMasterAsync();
        var first = await StartJoinedWorkerAsync(master);
        var events = Subscribe(master, typeof(MemberJoined), typeof(MemberUp), typeof(MemberRemoved));
        await events.ExpectMsgAsync<MemberUp>();
        await events.ExpectMsgAsync<MemberUp>();

        await CrashAsync(first);
        var second = await StartJoinedWorkerAsync(master, first.System.Name);

        Assert.Equal(first.Transport.Address, second.Transport.Address);
        Assert.NotEqual(first.Self, second.Self);
        var removed = await events.ExpectMsgAsync<MemberRemoved>();
        Assert.Equal(first.Self, removed.Member.UniqueAddress);
        Assert.Equal(second.Self, (await events.ExpectMsgAsync<MemberJoined>()).Member.UniqueAddress);
        Assert.Equal(second.Self, (await events.ExpectMsgAsync<MemberUp>()).Member.UniqueAddress);
        Assert.True(master.Transport.IsRemoved(first.Self));
        Assert.Equal(MemberStatus.Up, second.Cluster.SelfMember.Status);
    }

    [Fact]
    public async Task A_leaving_worker_must_go_Leaving_Exiting_Removed_and_never_be_unreachable()
    {
        var master = await StartMasterAsync();
        var worker = await StartJoinedWorkerAsync(master);
        var reachability = Subscribe(master, typeof(ReachabilityEvent));
        var events = Subscribe(master, typeof(MemberLeft), typeof(MemberExited), typeof(MemberRemoved));
        var onWorker = Subscribe(worker, typeof(MemberRemoved));
        var removedCallback = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        worker.Cluster.RegisterOnMemberRemoved(() => removedCallback.TrySetResult());

        await worker.Cluster.LeaveAsync().WaitAsync(Dilated(TimeSpan.FromSeconds(5)));

        Assert.True(worker.Cluster.SelfMember.Status is MemberStatus.Exiting or MemberStatus.Removed);
        Assert.Equal(worker.Self, (await events.ExpectMsgAsync<MemberLeft>()).Member.UniqueAddress);
        Assert.Equal(worker.Self, (await events.ExpectMsgAsync<MemberExited>()).Member.UniqueAddress);
        var removed = await events.ExpectMsgAsync<MemberRemoved>();
        Assert.Equal(worker.Self, removed.Member.UniqueAddress);
        Assert.Equal(MemberStatus.Exiting, removed.PreviousStatus);
        await removedCallback.Task.WaitAsync(Dilated(TimeSpan.FromSeconds(5)));
        await onWorker.FishForMessageAsync<MemberRemoved>(m => m.Member.UniqueAddress.Equals(worker.Self));
        Assert.Equal(MemberStatus.Removed, worker.Cluster.SelfMember.Status);
        await worker.System.Terminate();
        // Longer than the failure detector needs to suspect a silent node.
        await reachability.ExpectNoMsgAsync(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task CoordinatedShutdown_of_a_worker_must_leave_the_cluster_then_stop_its_system()
    {
        var master = await StartMasterAsync();
        var worker = await StartJoinedWorkerAsync(master);
        var reachability = Subscribe(master, typeof(ReachabilityEvent));
        var events = Subscribe(master, typeof(MemberLeft), typeof(MemberExited), typeof(MemberRemoved));

        await CoordinatedShutdown.Get(worker.System).RunAsync("worker stops").WaitAsync(Dilated(TimeSpan.FromSeconds(30)));

        Assert.True(worker.System.WhenTerminated.IsCompleted);
        Assert.True(worker.Transport.WhenStopped.IsCompleted);
        Assert.Equal(worker.Self, (await events.ExpectMsgAsync<MemberLeft>()).Member.UniqueAddress);
        Assert.Equal(worker.Self, (await events.ExpectMsgAsync<MemberExited>()).Member.UniqueAddress);
        Assert.Equal(MemberStatus.Exiting, (await events.ExpectMsgAsync<MemberRemoved>()).PreviousStatus);
        await reachability.ExpectNoMsgAsync(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task The_leader_must_keep_a_member_Exiting_until_it_confirms_its_exit()
    {
        var master = await StartMasterAsync(settings: TestClusterSettings with { ExitingConfirmationTimeout = Dilated(TimeSpan.FromSeconds(10)) });
        var worker = await StartJoinedWorkerAsync(master);
        var handedOver = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        worker.Cluster.AddExitingTask("hand-over", ct => handedOver.Task.WaitAsync(ct));
        var events = Subscribe(master, typeof(MemberExited), typeof(MemberRemoved));

        await worker.Cluster.LeaveAsync().WaitAsync(Dilated(TimeSpan.FromSeconds(5)));

        Assert.Equal(worker.Self, (await events.ExpectMsgAsync<MemberExited>()).Member.UniqueAddress);
        // Many gossip intervals (200 ms): the member stays while its exiting task runs.
        await events.ExpectNoMsgAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(MemberStatus.Exiting, master.Cluster.State.Members.Single(m => m.UniqueAddress.Equals(worker.Self)).Status);
        handedOver.SetResult();
        var removed = await events.ExpectMsgAsync<MemberRemoved>();
        Assert.Equal(worker.Self, removed.Member.UniqueAddress);
        Assert.Contains(Logs.Entries, e => e.Message == $"Leader removes Exiting member {worker.Self}: it confirmed its exit");
    }

    [Fact]
    public async Task The_leader_must_remove_an_Exiting_member_that_does_not_confirm_after_the_exiting_confirmation_timeout()
    {
        var master = await StartMasterAsync(settings: TestClusterSettings with { ExitingConfirmationTimeout = TimeSpan.FromMilliseconds(500) });
        var worker = await StartJoinedWorkerAsync(master);
        var never = new TaskCompletionSource();
        // Bounded only by the worker's cluster-exiting phase timeout (5 s): far beyond the leader's bound.
        worker.Cluster.AddExitingTask("stuck", ct => never.Task.WaitAsync(ct));
        var events = Subscribe(master, typeof(MemberExited), typeof(MemberRemoved));

        await worker.Cluster.LeaveAsync().WaitAsync(Dilated(TimeSpan.FromSeconds(5)));

        Assert.Equal(worker.Self, (await events.ExpectMsgAsync<MemberExited>()).Member.UniqueAddress);
        Assert.Equal(worker.Self, (await events.ExpectMsgAsync<MemberRemoved>(timeout: Dilated(TimeSpan.FromSeconds(4)))).Member.UniqueAddress);
        Assert.Contains(Logs.Entries, e => e.Message == $"Leader removes Exiting member {worker.Self}: no exit confirmation within akka.cluster.exiting-confirmation-timeout");
    }

    [Fact]
    public async Task LeaveAsync_must_not_hang_when_the_master_is_dead()
    {
        var master = await StartMasterAsync();
        var worker = await StartJoinedWorkerAsync(master);
        var onWorker = Subscribe(worker, typeof(UnreachableMember));

        await CrashAsync(master);
        var leaving = worker.Cluster.LeaveAsync();

        Assert.Equal(master.Self, (await onWorker.ExpectMsgAsync<UnreachableMember>(timeout: RemovalDeadline)).Member.UniqueAddress);
        await leaving.WaitAsync(Dilated(TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task LeaveAsync_must_complete_at_once_on_a_node_that_is_not_a_member()
    {
        var worker = StartWorker();
        await worker.Cluster.LeaveAsync().WaitAsync(Dilated(TimeSpan.FromSeconds(3)));
        await CoordinatedShutdown.Get(worker.System).RunAsync("never joined").WaitAsync(Dilated(TimeSpan.FromSeconds(10)));
        Assert.True(worker.System.WhenTerminated.IsCompleted);
    }

    [Fact]
    public async Task Down_must_remove_a_member_at_once()
    {
        var master = await StartMasterAsync();
        var worker = await StartJoinedWorkerAsync(master);
        var events = Subscribe(master, typeof(MemberDowned), typeof(MemberRemoved));

        master.Cluster.Down(worker.Transport.Address);

        Assert.Equal(worker.Self, (await events.ExpectMsgAsync<MemberDowned>()).Member.UniqueAddress);
        Assert.Equal(MemberStatus.Down, (await events.ExpectMsgAsync<MemberRemoved>()).PreviousStatus);
        await AwaitAssertAsync(() => Assert.True(master.Transport.IsRemoved(worker.Self)));
    }

    [Fact]
    public async Task A_second_master_must_join_the_first_which_stays_leader()
    {
        var first = await StartMasterAsync();
        var second = await StartJoiningMasterAsync(first);
        var worker = await StartJoinedWorkerAsync(second);

        Assert.Equal(first.Transport.Address, second.Cluster.State.Leader);
        Assert.Equal(first.Transport.Address, first.Cluster.State.Leader);
        Assert.True(first.Cluster.SelfMember.IsOlderThan(second.Cluster.SelfMember));
        await AwaitAssertAsync(() =>
        {
            Assert.Equal(3, first.Cluster.State.Members.Count(m => m.Status == MemberStatus.Up));
            Assert.Equal(first.Transport.Address, worker.Cluster.State.Leader);
        });
        Assert.Contains(first.Cluster.State.Members, m => m.UniqueAddress.Equals(worker.Self) && m.HasRole("worker"));
    }

    [Fact]
    public async Task When_the_leader_master_dies_the_other_master_must_down_it_and_its_workers_and_lead()
    {
        var first = await StartMasterAsync();
        var second = await StartJoiningMasterAsync(first);
        var orphan = await StartJoinedWorkerAsync(first);
        var kept = await StartJoinedWorkerAsync(second);
        await AwaitAssertAsync(() => Assert.Equal(4, second.Cluster.State.Members.Count(m => m.Status == MemberStatus.Up)));
        var events = Subscribe(second, typeof(UnreachableMember), typeof(LeaderChanged), typeof(MemberDowned), typeof(MemberRemoved));
        Assert.Equal(first.Transport.Address, (await events.ExpectMsgAsync<LeaderChanged>()).Leader);

        await CrashAsync(first);

        Assert.Equal(first.Self, (await events.ExpectMsgAsync<UnreachableMember>(timeout: RemovalDeadline)).Member.UniqueAddress);
        Assert.Equal(second.Transport.Address, (await events.ExpectMsgAsync<LeaderChanged>()).Leader);
        // The worker connected to the dead master cannot be heard any more: it is unreachable too.
        Assert.Equal(orphan.Self, (await events.ExpectMsgAsync<UnreachableMember>()).Member.UniqueAddress);
        var downed = new[] { await events.ExpectMsgAsync<MemberDowned>(timeout: RemovalDeadline), await events.ExpectMsgAsync<MemberDowned>(timeout: RemovalDeadline) };
        Assert.Equal(new HashSet<UniqueAddress> { first.Self, orphan.Self }, downed.Select(e => e.Member.UniqueAddress).ToHashSet());
        await AwaitAssertAsync(() => Assert.Equal(new HashSet<UniqueAddress> { second.Self, kept.Self }, second.Cluster.State.Members.Select(m => m.UniqueAddress).ToHashSet()),
            RemovalDeadline);
        await AwaitAssertAsync(() =>
        {
            Assert.Equal(second.Transport.Address, kept.Cluster.State.Leader);
            Assert.Equal(2, kept.Cluster.State.Members.Count);
        });
    }

    [Fact]
    public async Task A_crashed_worker_of_the_second_master_must_be_removed_by_the_leader()
    {
        var first = await StartMasterAsync();
        var second = await StartJoiningMasterAsync(first);
        var worker = await StartJoinedWorkerAsync(second);
        worker.System.ActorOf(Props.Create(() => new Idle()), "idle");
        var idle = await second.System.ActorSelection(worker.Transport.Address + "/user/idle").ResolveOne(Dilated(TimeSpan.FromSeconds(3)));
        var watcher = CreateTestProbe(second.System);
        watcher.Watch(idle);
        var onLeader = Subscribe(first, typeof(UnreachableMember), typeof(MemberRemoved));
        await AwaitAssertAsync(() => Assert.Contains(first.Cluster.State.Members, m => m.UniqueAddress.Equals(worker.Self) && m.Status == MemberStatus.Up));

        await CrashAsync(worker);

        Assert.Equal(worker.Self, (await onLeader.ExpectMsgAsync<UnreachableMember>(timeout: RemovalDeadline)).Member.UniqueAddress);
        Assert.Equal(worker.Self, (await onLeader.ExpectMsgAsync<MemberRemoved>(timeout: RemovalDeadline)).Member.UniqueAddress);
        Assert.True((await watcher.ExpectTerminatedAsync(idle)).AddressTerminated);
        Assert.Equal(first.Transport.Address, second.Cluster.State.Leader);
    }

    [Fact]
    public async Task A_partitioned_worker_must_be_unreachable_then_reachable_when_heartbeats_return()
    {
        var master = await StartMasterAsync(settings: TestClusterSettings with { AutoDownUnreachableAfter = null });
        var worker = await StartJoinedWorkerAsync(master);
        var onMaster = Subscribe(master, typeof(ReachabilityEvent));
        var onWorker = Subscribe(worker, typeof(ReachabilityEvent));
        // Both writers stall after their next send: the connection stays up but nothing gets through.
        var partition = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        master.Transport.SetAfterSend(() => new ValueTask(partition.Task));
        worker.Transport.SetAfterSend(() => new ValueTask(partition.Task));

        Assert.Equal(worker.Self, (await onMaster.ExpectMsgAsync<UnreachableMember>(timeout: RemovalDeadline)).Member.UniqueAddress);
        Assert.Equal(master.Self, (await onWorker.ExpectMsgAsync<UnreachableMember>(timeout: RemovalDeadline)).Member.UniqueAddress);
        master.Transport.SetAfterSend(null);
        worker.Transport.SetAfterSend(null);
        partition.SetResult();

        Assert.Equal(worker.Self, (await onMaster.ExpectMsgAsync<ReachableMember>(timeout: RemovalDeadline)).Member.UniqueAddress);
        Assert.Equal(master.Self, (await onWorker.ExpectMsgAsync<ReachableMember>(timeout: RemovalDeadline)).Member.UniqueAddress);
        Assert.Equal(MemberStatus.Up, master.Cluster.State.Members.Single(m => m.UniqueAddress.Equals(worker.Self)).Status);
        Assert.Empty(master.Cluster.State.Unreachable);
    }

    [Fact]
    public async Task JoinAsync_must_pass_on_an_admission_refusal_unchanged()
    {
        var master = await StartMasterAsync(admission: new RefuseAll());
        var worker = StartWorker();

        var error = await Assert.ThrowsAsync<RemoteAdmissionRefusedException>(
            () => worker.Cluster.JoinAsync("127.0.0.1", master.Port, Fingerprint, default));

        Assert.Equal("not on the list", error.Reason);
        Assert.Equal(MemberStatus.Removed, worker.Cluster.SelfMember.Status);
    }

    [Fact]
    public async Task JoinAsync_must_time_out_clearly_when_the_seed_is_not_a_member_and_succeed_when_called_again_later()
    {
        var master = await StartMasterAsync(joinSelf: false);
        var system = ActorSystem.Create("lonely-worker", new ActorSystemSetup { LoggerFactory = Logs });
        try
        {
            RemoteTransport.StartClient(system, TransportSettings("worker"));
            var cluster = Kernel.Cluster.Start(system, TestClusterSettings with { SeedNodeTimeout = TimeSpan.FromSeconds(1) });

            var error = await Assert.ThrowsAsync<TimeoutException>(() => cluster.JoinAsync("127.0.0.1", master.Port, Fingerprint, default));
            Assert.Contains("seed-node-timeout", error.Message);

            master.Cluster.JoinSelf();
            var joinedAgain = cluster.JoinAsync("127.0.0.1", master.Port, Fingerprint, default);
            Assert.Equal(master.Self, await joinedAgain.WaitAsync(Dilated(TimeSpan.FromSeconds(5))));
            Assert.Single(system.Remote!.ConnectedNodes);
            Assert.Equal(MemberStatus.Up, cluster.SelfMember.Status);
        }
        finally
        {
            await system.Terminate();
        }
    }

    [Fact]
    public async Task Start_must_need_a_transport_and_Get_must_need_Start()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Kernel.Cluster.Start(Sys, TestClusterSettings));
        Assert.Contains("RemoteTransport", error.Message);
        Assert.Throws<InvalidOperationException>(() => Kernel.Cluster.Get(Sys));
        var master = await StartMasterAsync(joinSelf: false);
        Assert.Same(master.Cluster, Kernel.Cluster.Get(master.System));
        Assert.Throws<InvalidOperationException>(() => Kernel.Cluster.Start(master.System, TestClusterSettings));
    }

    private sealed class Idle : ReceiveActor
    {
        public Idle() => ReceiveAny(_ => { });
    }

    private sealed class RefuseAll : IAdmissionPolicy
    {
        public ValueTask<AdmissionDecision> AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken) =>
            ValueTask.FromResult(AdmissionDecision.Refuse("not on the list"));
    }
}
