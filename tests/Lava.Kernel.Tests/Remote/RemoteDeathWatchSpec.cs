using Xunit;

namespace Lava.Kernel.Tests.Remote;

public sealed class RemoteDeathWatchSpec : RemoteSpecBase
{
    private sealed class Idle : ReceiveActor
    {
        public Idle() => ReceiveAny(_ => { });
    }

    [Fact]
    public async Task Remote_watch_must_deliver_Terminated_when_the_remote_actor_stops()
    {
        var target = Sys.ActorOf(Props.Create(() => new Idle()), "target");
        var remote = await ResolveOnServerAsync("/user/target");
        var watcher = CreateTestProbe(ClientSystem);
        watcher.Watch(remote);
        await AwaitWatchedAsync(target);

        Sys.Stop(target);

        var terminated = await watcher.ExpectTerminatedAsync(remote);
        Assert.True(terminated.ExistenceConfirmed);
        Assert.False(terminated.AddressTerminated);
        await watcher.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Remote_poison_pill_must_stop_the_actor_after_the_messages_before_it()
    {
        var probe = CreateTestProbe(Sys);
        var target = Sys.ActorOf(Props.Create(() => new Forwarder(probe.Ref)), "target");
        var remote = await ResolveOnServerAsync("/user/target");
        var watcher = CreateTestProbe(ClientSystem);
        watcher.Watch(remote);
        await AwaitWatchedAsync(target);

        remote.Tell(new Ping(1));
        remote.Tell(PoisonPill.Instance);

        Assert.Equal(new Ping(1), await probe.ExpectMsgAsync<Ping>());
        Assert.True((await watcher.ExpectTerminatedAsync(remote)).ExistenceConfirmed);
    }

    [Fact]
    public async Task Remote_unwatch_must_suppress_Terminated()
    {
        var target = Sys.ActorOf(Props.Create(() => new Idle()), "target");
        var remote = await ResolveOnServerAsync("/user/target");
        var watcher = CreateTestProbe(ClientSystem);
        watcher.Watch(remote);
        await AwaitWatchedAsync(target);
        watcher.Unwatch(remote);
        await AwaitAssertAsync(() => Assert.Empty(Server.InboundWatchesForTest));

        Sys.Stop(target);

        await watcher.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task Remote_watch_of_a_dead_actor_must_deliver_Terminated_at_once()
    {
        var target = Sys.ActorOf(Props.Create(() => new Idle()), "target");
        var remote = await ResolveOnServerAsync("/user/target");
        Watch(target);
        Sys.Stop(target);
        await ExpectTerminatedAsync(target);
        var watcher = CreateTestProbe(ClientSystem);

        watcher.Watch(remote);

        var terminated = await watcher.ExpectTerminatedAsync(remote);
        Assert.False(terminated.ExistenceConfirmed);
        Assert.False(terminated.AddressTerminated);
    }

    [Fact]
    public async Task Remote_watch_must_deliver_Terminated_when_the_watched_node_terminates()
    {
        ClientSystem.ActorOf(Props.Create(() => new Idle()), "worker-actor");
        var remote = await Sys.ActorSelection(ClientSystem.Address + "/user/worker-actor").ResolveOne(TimeSpan.FromSeconds(5));
        var events = CreateTestProbe(Sys);
        Sys.EventStream.Subscribe(events.Ref, typeof(RemoteNodeRemoved));
        Watch(remote);
        await AwaitAssertAsync(() => Assert.NotEmpty(Client.InboundWatchesForTest));

        await ClientSystem.Terminate();

        await ExpectTerminatedAsync(remote);
        Assert.Equal(Client.UniqueAddress, (await events.ExpectMsgAsync<RemoteNodeRemoved>()).Node);
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Remote_watch_must_deliver_AddressTerminated_when_the_link_drops_and_the_node_is_removed()
    {
        ClientSystem.ActorOf(Props.Create(() => new Idle()), "worker-actor");
        Sys.ActorOf(Props.Create(() => new Idle()), "master-actor");
        var workerActor = await Sys.ActorSelection(ClientSystem.Address + "/user/worker-actor").ResolveOne(TimeSpan.FromSeconds(5));
        var masterActor = await ResolveOnServerAsync("/user/master-actor");
        var clientWatcher = CreateTestProbe(ClientSystem);
        Watch(workerActor);
        clientWatcher.Watch(masterActor);
        await AwaitAssertAsync(() => Assert.NotEmpty(Client.InboundWatchesForTest));
        await AwaitAssertAsync(() => Assert.NotEmpty(Server.InboundWatchesForTest));
        var events = CreateTestProbe(Sys);
        Sys.EventStream.Subscribe(events.Ref, typeof(IRemoteLifecycleEvent));

        Server.AbortConnection(Client.UniqueAddress);
        Assert.Equal(Client.UniqueAddress, (await events.ExpectMsgAsync<RemoteNodeDisconnected>()).Node);
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
        Server.NodeRemoved(Client.UniqueAddress);

        var terminated = await ExpectTerminatedAsync(workerActor);
        Assert.False(terminated.ExistenceConfirmed);
        Assert.True(terminated.AddressTerminated);
        await events.FishForMessageAsync<RemoteNodeRemoved>(r => r.Node.Equals(Client.UniqueAddress));
        // The removed incarnation is refused when it redials, so the client removes the server in turn.
        var clientSide = await clientWatcher.ExpectTerminatedAsync(masterActor, TimeSpan.FromSeconds(10));
        Assert.True(clientSide.AddressTerminated);
        Assert.Empty(Server.InboundWatchesForTest);
    }

    private Task AwaitWatchedAsync(IActorRef target) =>
        AwaitAssertAsync(() => Assert.Contains(Server.InboundWatchesForTest, w => w.Watchee.Equals(target)));
}
