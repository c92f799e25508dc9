using Lava.Kernel.TestKit;
using Xunit;

namespace Lava.Kernel.Tests.Cluster.Singleton;

/// <summary>Cluster tests with timing-sensitive failure detection run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SingletonClusterCollection
{
    public const string Name = "Cluster singleton";
}

[Collection(SingletonClusterCollection.Name)]
public sealed class ClusterSingletonSpec() : TestKit.TestKit(realTime: true)
{
    private const string ManagerPath = "/user/manager";
    private readonly SingletonProbe _singletons = new();

    [Fact]
    public async Task ClusterSingletonManager_must_run_the_singleton_only_on_the_oldest_master()
    {
        await using var a = await MasterAsync("a", null);
        await using var b = await MasterAsync("b", a);
        await using var c = await MasterAsync("c", a);
        foreach (var node in new[] { c, b, a })
        {
            StartManager(node);
        }

        await _singletons.ExpectStartedAsync(a.Name, Dilated(TimeSpan.FromSeconds(10)));
        Assert.Contains(Logs.Entries, e => e.Message == $"Singleton [singleton] started on {a.Address}");
        foreach (var younger in new[] { b, c })
        {
            await AwaitAssertAsync(() => Assert.Equal(3, younger.Cluster.State.Members.Count(m => m.Status == MemberStatus.Up)));
            await Assert.ThrowsAsync<ActorNotFoundException>(() => younger.System.ActorSelection($"{ManagerPath}/singleton").ResolveOne(Dilated(TimeSpan.FromSeconds(3))));
        }
        Assert.Equal(["start@" + a.Name], _singletons.Events.Select(e => e.ToString()));
    }

    [Fact]
    public async Task ClusterSingletonProxy_on_a_worker_must_buffer_messages_until_the_singleton_exists_and_deliver_them_in_order()
    {
        await using var master = await MasterAsync("master", null);
        await using var worker = await SingletonTestNode.StartWorkerAsync("worker", master, Logs, Settings);
        var proxy = worker.System.ActorOf(ClusterSingletonProxy.Props(ManagerPath, ProxySettings()), "proxy");
        var client = CreateTestProbe(worker.System);

        for (var i = 1; i <= 5; i++)
        {
            proxy.Tell(new SingletonProbe.Ping(i), client.Ref);
        }
        await client.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
        StartManager(master);

        for (var i = 1; i <= 5; i++)
        {
            Assert.Equal(new SingletonProbe.Pong(master.Name, i), await client.ExpectMsgAsync<SingletonProbe.Pong>(timeout: Dilated(TimeSpan.FromSeconds(10))));
        }
        proxy.Tell(new SingletonProbe.Ping(6), client.Ref);
        Assert.Equal(new SingletonProbe.Pong(master.Name, 6), await client.ExpectMsgAsync<SingletonProbe.Pong>());
    }

    [Fact]
    public async Task ClusterSingletonProxy_must_drop_the_oldest_messages_beyond_its_buffer_size()
    {
        await using var master = await MasterAsync("master", null);
        var proxy = master.System.ActorOf(ClusterSingletonProxy.Props(ManagerPath, ProxySettings() with { BufferSize = 3 }), "proxy");
        var client = CreateTestProbe(master.System);

        for (var i = 1; i <= 5; i++)
        {
            proxy.Tell(new SingletonProbe.Ping(i), client.Ref);
        }
        await AwaitAssertAsync(() => Assert.Equal(2, Logs.Entries.Count(e => e.Message.Contains("dropping the oldest", StringComparison.Ordinal))));
        StartManager(master);

        var pongs = await client.ExpectMsgsAsync<SingletonProbe.Pong>(3, Dilated(TimeSpan.FromSeconds(10)));
        Assert.Equal([3, 4, 5], pongs.Select(p => p.Number));
    }

    [Fact]
    public async Task ClusterSingletonManager_must_move_the_singleton_without_overlap_when_the_oldest_leaves()
    {
        var a = await MasterAsync("a", null);
        await using var b = await MasterAsync("b", a);
        // Joined through b, so that c stays connected to the cluster once a is gone.
        await using var c = await MasterAsync("c", b);
        foreach (var node in new[] { a, b, c })
        {
            StartManager(node);
        }
        // Masters connect in a star: b is the one connected to both a and c.
        var proxy = b.System.ActorOf(ClusterSingletonProxy.Props(ManagerPath, ProxySettings()), "proxy");
        var client = CreateTestProbe(b.System);
        await _singletons.ExpectStartedAsync(a.Name, Dilated(TimeSpan.FromSeconds(10)));
        proxy.Tell(new SingletonProbe.Ping(1), client.Ref);
        Assert.Equal(a.Name, (await client.ExpectMsgAsync<SingletonProbe.Pong>(timeout: Dilated(TimeSpan.FromSeconds(10)))).Node);

        await using (a)
        {
            await CoordinatedShutdown.Get(a.System).RunAsync("leaving the cluster");
        }

        await _singletons.ExpectStartedAsync(b.Name, Dilated(TimeSpan.FromSeconds(15)));
        Assert.Equal(["start@" + a.Name, "stop@" + a.Name, "start@" + b.Name], _singletons.Events.Select(e => e.ToString()));
        _singletons.AssertNoOverlap();
        proxy.Tell(new SingletonProbe.Ping(2), client.Ref);
        Assert.Equal(new SingletonProbe.Pong(b.Name, 2), await client.ExpectMsgAsync<SingletonProbe.Pong>(timeout: Dilated(TimeSpan.FromSeconds(10))));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ClusterSingletonManager_must_start_the_singleton_on_the_next_oldest_only_after_a_slowly_stopping_one_stopped_without_a_lease(bool shutDown)
    {
        var a = await MasterAsync("a", null);
        await using var b = await MasterAsync("b", a);
        // The singleton takes 2 s to stop on its termination message, far longer than a gossip interval (200 ms).
        var stopDelay = TimeSpan.FromSeconds(2);
        var settings = ManagerSettings() with { StopTimeout = Dilated(TimeSpan.FromSeconds(10)) };
        StartManager(a, settings, stopDelay);
        StartManager(b, settings, stopDelay);
        await _singletons.ExpectStartedAsync(a.Name, Dilated(TimeSpan.FromSeconds(10)));
        await AwaitAssertAsync(() => Assert.Equal(2, b.Cluster.State.Members.Count(m => m.Status == MemberStatus.Up)));

        await using (a)
        {
            // Through the coordinated shutdown (SIGTERM), or by leaving while the node goes on running.
            if (shutDown) await CoordinatedShutdown.Get(a.System).RunAsync("leaving the cluster");
            else await a.Cluster.LeaveAsync();
            await _singletons.ExpectStartedAsync(b.Name, Dilated(TimeSpan.FromSeconds(20)));
        }

        Assert.Equal(["start@" + a.Name, "stop@" + a.Name, "start@" + b.Name], _singletons.Events.Select(e => e.ToString()));
        _singletons.AssertNoOverlap();
        // b, leader once a was Exiting, removed a on a's confirmation, not on a timeout or a lost connection.
        Assert.Contains(Logs.Entries, e => e.Message == $"Leader removes Exiting member {a.Cluster.SelfUniqueAddress}: it confirmed its exit");
    }

    [Fact]
    public async Task ClusterSingletonManager_must_move_the_singleton_after_a_crashed_oldest_is_downed_and_removed()
    {
        var a = await MasterAsync("a", null);
        await using var b = await MasterAsync("b", a);
        StartManager(a);
        StartManager(b);
        await _singletons.ExpectStartedAsync(a.Name, Dilated(TimeSpan.FromSeconds(10)));
        var crashed = a.Cluster.SelfUniqueAddress;

        await a.CrashAsync();

        await _singletons.ExpectStartedAsync(b.Name, Dilated(TimeSpan.FromSeconds(20)));
        // Membership publishes its view before the events that made the manager start the singleton.
        Assert.DoesNotContain(b.Cluster.State.Members, m => m.UniqueAddress == crashed);
        _singletons.AssertNoOverlap();
    }

    private Task<SingletonTestNode> MasterAsync(string name, SingletonTestNode? seed) =>
        SingletonTestNode.StartMasterAsync(name, seed, Logs, Settings);

    private void StartManager(SingletonTestNode node, ClusterSingletonManagerSettings? settings = null, TimeSpan? stopDelay = null) =>
        node.System.ActorOf(
            ClusterSingletonManager.Props(_singletons.Props(node.Name, stopDelay), SingletonProbe.End.Instance, settings ?? ManagerSettings()),
            "manager");

    private static ClusterSingletonManagerSettings ManagerSettings() =>
        new(HandOverRetryInterval: TimeSpan.FromMilliseconds(200), LeaseRetryInterval: TimeSpan.FromMilliseconds(200));

    private static ClusterSingletonProxySettings ProxySettings() =>
        new(SingletonIdentificationInterval: TimeSpan.FromMilliseconds(200));
}
