using Xunit;

namespace Lava.Kernel.Tests.Remote;

public sealed class RemoteMessagingSpec : RemoteSpecBase
{
    private sealed record Unknown(string Text);

    private sealed class Silent : ReceiveActor
    {
        public Silent() => ReceiveAny(_ => { });
    }

    private sealed class Failing : ReceiveActor
    {
        public Failing() => ReceiveAny(_ => Sender.Tell(new Status.Failure(new InvalidOperationException("no such device"))));
    }

    [Fact]
    public async Task Remote_address_must_name_host_and_port_and_differ_per_incarnation()
    {
        Assert.Equal(new Address(Sys.Name, "127.0.0.1", Server.Address.Port), Sys.Address);
        Assert.NotEqual(0, Server.Address.Port);
        Assert.Equal(new Address(ClientSystem.Name, "127.0.0.1", 0), ClientSystem.Address);
        Assert.NotEqual(0, Client.UniqueAddress.Uid);
        await AwaitAssertAsync(() => Assert.Contains(Client.UniqueAddress, Server.ConnectedNodes));
        Assert.Contains(Server.UniqueAddress, Client.ConnectedNodes);
    }

    [Fact]
    public async Task Remote_tell_must_keep_the_sender()
    {
        var echo = Sys.ActorOf(Props.Create(() => new Echo()), "echo");
        var probe = CreateTestProbe(ClientSystem);
        var remoteEcho = await ResolveOnServerAsync("/user/echo");

        probe.Send(remoteEcho, new Ping(1));

        Assert.Equal(new Ping(1), await probe.ExpectMsgAsync<Ping>());
        Assert.Equal(remoteEcho, probe.LastSender);
        Assert.Equal(echo.Path.Uid, probe.LastSender.Path.Uid);
        Assert.Equal(Server.Address, probe.LastSender.Path.Address);
    }

    [Fact]
    public async Task Remote_tell_must_carry_actor_refs_inside_messages()
    {
        Sys.ActorOf(Props.Create(() => new Echo()), "echo");
        var replyTo = CreateTestProbe(ClientSystem);
        var remoteEcho = await ResolveOnServerAsync("/user/echo");

        remoteEcho.Tell(new Envelope(replyTo.Ref, "via field"));

        Assert.Equal("via field", await replyTo.ExpectMsgAsync<string>());
    }

    [Fact]
    public async Task Remote_ask_must_complete_with_the_reply()
    {
        Sys.ActorOf(Props.Create(() => new Echo()), "echo");
        var remoteEcho = await ResolveOnServerAsync("/user/echo");

        var reply = await remoteEcho.Ask<Ping>(new Ping(7), TimeSpan.FromSeconds(5));

        Assert.Equal(new Ping(7), reply);
        Assert.Equal(0, ClientSystem.PendingAsks);
    }

    [Fact]
    public async Task Remote_ask_must_time_out_without_a_reply()
    {
        Sys.ActorOf(Props.Create(() => new Silent()), "silent");
        var remote = await ResolveOnServerAsync("/user/silent");

        await Assert.ThrowsAsync<AskTimeoutException>(() => remote.Ask<Ping>(new Ping(1), TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task Remote_ask_must_fail_with_the_remote_failure()
    {
        Sys.ActorOf(Props.Create(() => new Failing()), "failing");
        var remote = await ResolveOnServerAsync("/user/failing");

        var failure = await Assert.ThrowsAsync<RemoteFailureException>(() => remote.Ask<Ping>(new Ping(1), TimeSpan.FromSeconds(5)));

        Assert.Equal("no such device", failure.Message);
        Assert.Equal(typeof(InvalidOperationException).FullName, failure.OriginalType);
    }

    [Fact]
    public async Task Remote_tell_must_keep_the_order_of_10000_messages()
    {
        var probe = CreateTestProbe(Sys);
        Sys.ActorOf(Props.Create(() => new Forwarder(probe.Ref)), "sink");
        var remote = await ResolveOnServerAsync("/user/sink");

        for (var i = 0; i < 10_000; i++) remote.Tell(new Ping(i));

        for (var i = 0; i < 10_000; i++) Assert.Equal(i, (await probe.ExpectMsgAsync<Ping>(hint: $"message {i}")).Number);
        await probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Remote_forward_must_keep_the_original_sender()
    {
        var echo = ClientSystem.ActorOf(Props.Create(() => new Echo()), "echo");
        var echoFromServer = await Sys.ActorSelection(ClientSystem.Address + "/user/echo").ResolveOne(TimeSpan.FromSeconds(5));
        Sys.ActorOf(Props.Create(() => new Forwarder(echoFromServer)), "forwarder");
        var probe = CreateTestProbe(ClientSystem);
        var forwarder = await ResolveOnServerAsync("/user/forwarder");

        probe.Send(forwarder, new Ping(3));

        Assert.Equal(new Ping(3), await probe.ExpectMsgAsync<Ping>());
        Assert.Equal(echo, probe.LastSender);
    }

    [Fact]
    public async Task Actor_selection_must_resolve_remote_and_local_paths()
    {
        var echo = Sys.ActorOf(Props.Create(() => new Echo()), "echo");

        var remote = await ResolveOnServerAsync("/user/echo");
        Assert.Equal(echo.Path.ToStringWithoutAddress(), remote.Path.ToStringWithoutAddress());
        Assert.Equal(echo.Path.Uid, remote.Path.Uid);
        Assert.Equal(echo, await Sys.ActorSelection("/user/echo").ResolveOne(TimeSpan.FromSeconds(1)));
        Assert.Equal(echo, await Sys.ActorSelection(OnServer("/user/echo")).ResolveOne(TimeSpan.FromSeconds(1)));
        await Assert.ThrowsAsync<ActorNotFoundException>(() => ResolveOnServerAsync("/user/nobody"));
        await Assert.ThrowsAsync<ActorNotFoundException>(() => Sys.ActorSelection("/user/nobody").ResolveOne(TimeSpan.FromSeconds(1)));

        var probe = CreateTestProbe(ClientSystem);
        ClientSystem.ActorSelection(OnServer("/user/echo")).Tell(new Ping(5), probe.Ref);
        Assert.Equal(new Ping(5), await probe.ExpectMsgAsync<Ping>());
    }

    [Fact]
    public async Task Unknown_manifest_must_be_dropped_and_the_link_must_keep_working()
    {
        ClientSystem.Serialization.Register<Unknown>("test.unknown.v1");
        Sys.ActorOf(Props.Create(() => new Echo()), "echo");
        var probe = CreateTestProbe(ClientSystem);
        var remoteEcho = await ResolveOnServerAsync("/user/echo");

        probe.Send(remoteEcho, new Unknown("lost"));
        probe.Send(remoteEcho, new Ping(2));

        Assert.Equal(new Ping(2), await probe.ExpectMsgAsync<Ping>());
        await AwaitAssertAsync(() => Assert.Contains(Logs.Entries, e => e.Message.Contains("test.unknown.v1", StringComparison.Ordinal)));
        await probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
    }
}
