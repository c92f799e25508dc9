using System.Collections.Concurrent;
using Lava.Kernel.Remote;
using Xunit;

namespace Lava.Kernel.Tests.Remote;

/// <summary>The listening side's hooks over connected nodes: the inbound authorizer and <see cref="RemoteTransport.Disconnect"/>.</summary>
public sealed class RemoteAuthorizationSpec : TestKit.TestKit
{
    private static readonly System.Security.Cryptography.X509Certificates.X509Certificate2 Certificate = RemoteCertificates.CreateSelfSigned();
    private static readonly RemoteSettings ShortBackoff = new()
    {
        ReconnectMinBackoff = TimeSpan.FromMilliseconds(50),
        ReconnectMaxBackoff = TimeSpan.FromMilliseconds(200),
    };

    public RemoteAuthorizationSpec() : base(realTime: true)
    {
    }

    /// <summary>Lets through paths under /user/open and /temp; remembers what it was asked.</summary>
    private sealed class OpenOnly : IInboundAuthorizer
    {
        public ConcurrentQueue<(UniqueAddress From, IReadOnlyList<string> Roles, string Path)> Calls { get; } = new();

        public bool Authorize(UniqueAddress from, IReadOnlyList<string> roles, string recipientPath)
        {
            Calls.Enqueue((from, roles, recipientPath));
            return recipientPath.StartsWith("/user/open", StringComparison.Ordinal) || recipientPath.StartsWith("/temp/", StringComparison.Ordinal);
        }
    }

    private sealed class CountingAdmission : IAdmissionPolicy
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public ValueTask<AdmissionDecision> AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _count);
            return ValueTask.FromResult(AdmissionDecision.Accept);
        }
    }

    private sealed class Forwarder : ReceiveActor
    {
        public Forwarder(IActorRef target) => ReceiveAny(m => target.Forward(m));
    }

    [Fact]
    public async Task Inbound_authorizer_must_drop_refused_messages_and_watches_and_log_each_path_once()
    {
        var authorizer = new OpenOnly();
        var server = await RemoteTransport.StartServerAsync(Sys, ShortBackoff, Certificate, null, authorizer);
        var openProbe = CreateTestProbe();
        var closedProbe = CreateTestProbe();
        Sys.ActorOf(Props.Create(() => new Forwarder(openProbe.Ref)), "open");
        var closed = Sys.ActorOf(Props.Create(() => new Forwarder(closedProbe.Ref)), "closed");
        await using var worker = ActorSystem.Create("worker", new ActorSystemSetup { LoggerFactory = Logs });
        Sys.Serialization.Register<ClosedRef>("test.closed-ref.v1");
        worker.Serialization.Register<ClosedRef>("test.closed-ref.v1");
        var client = RemoteTransport.StartClient(worker, ShortBackoff with { Hostname = "w1", Roles = ["worker"] });
        await client.ConnectAsync("127.0.0.1", server.Address.Port!.Value, RemoteCertificates.Sha256Fingerprint(Certificate));

        var sender = CreateTestProbe(worker);
        worker.ActorSelection(server.Address + "/user/closed").Tell("first", sender.Ref);
        worker.ActorSelection(server.Address + "/user/closed").Tell(new Identify(7), sender.Ref);
        worker.ActorSelection(server.Address + "/user/open").Tell("through", sender.Ref);

        // Frames of one connection are dispatched in order: once "through" arrived, both earlier frames were judged.
        await openProbe.ExpectMsgAsync("through");
        Assert.Equal(2, server.UnauthorizedFrames);
        await closedProbe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
        await sender.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
        Assert.Contains(authorizer.Calls, c => c.From.Equals(client.UniqueAddress) && c.Roles.SequenceEqual(["worker"]) && c.Path == "/user/closed");
        Assert.Single(Logs.Entries, e => e.Message.Contains("not authorized", StringComparison.Ordinal) && e.Message.Contains("/user/closed", StringComparison.Ordinal));

        // An ask's reply path (/temp) is let through.
        var open = await worker.ActorSelection(server.Address + "/user/open").ResolveOne(TimeSpan.FromSeconds(5));
        open.Tell("ping", sender.Ref);
        await openProbe.ExpectMsgAsync("ping");
        openProbe.Reply("pong");
        await sender.ExpectMsgAsync("pong");

        // A watch on a refused path is dropped too: the watcher never learns of the actor's end.
        var inbox = CreateTestProbe(worker);
        worker.ActorOf(Props.Create(() => new Forwarder(inbox.Ref)), "inbox");
        Sys.ActorSelection(client.Address + "/user/inbox").Tell(new ClosedRef(closed));
        var remoteClosed = (await inbox.ExpectMsgAsync<ClosedRef>()).Actor;
        inbox.Watch(remoteClosed);
        await AwaitAssertAsync(() => Assert.Equal(3, server.UnauthorizedFrames));
        Assert.Single(Logs.Entries, e => e.Message.Contains("not authorized", StringComparison.Ordinal));
    }

    public sealed record ClosedRef(IActorRef Actor);

    [Fact]
    public async Task Listening_side_must_drop_frames_whose_sender_is_not_an_actor_of_the_connected_node()
    {
        // No authorizer: the sender check holds on the listening side whatever may be addressed.
        var server = await RemoteTransport.StartServerAsync(Sys, ShortBackoff, Certificate, null, null);
        var probe = CreateTestProbe();
        var victim = CreateTestProbe();
        Sys.ActorOf(Props.Create(() => new Forwarder(probe.Ref)), "open");
        await using var worker = ActorSystem.Create("worker", new ActorSystemSetup { LoggerFactory = Logs });
        var client = RemoteTransport.StartClient(worker, ShortBackoff with { Hostname = "w1", Roles = ["worker"] });
        await client.ConnectAsync("127.0.0.1", server.Address.Port!.Value, RemoteCertificates.Sha256Fingerprint(Certificate));
        var link = client.AssociationOf(server.Address)!;
        var masterActor = server.Address + ActorRefCodec.WirePath(victim.Ref.Path);
        var otherWorkerActor = "lava://worker@w2:0/user/agent#5";
        var ownActor = client.Address + "/user/agent#3";

        // Frames crafted as a tampered node would write them; one connection's frames are dispatched in order.
        link.EnqueueData(new Outbound(FrameKind.Message, "/user/open", null, "as-the-master", SenderPath: masterActor));
        link.EnqueueData(new Outbound(FrameKind.Message, "/user/open", null, "as-another-worker", SenderPath: otherWorkerActor));
        link.EnqueueData(new Outbound(FrameKind.Message, "/user/open", null, "as-another-system-on-this-host", SenderPath: "lava://other@w1:0/user/agent#3"));
        link.EnqueueData(new Outbound(FrameKind.Watch, "/user/open", null, null, SenderPath: otherWorkerActor));
        link.EnqueueData(new Outbound(FrameKind.DeathWatchNotification, ActorRefCodec.WirePath(victim.Ref.Path), null, null, SenderPath: otherWorkerActor));
        link.EnqueueData(new Outbound(FrameKind.Message, "/user/open", null, "as-itself", SenderPath: ownActor));
        link.EnqueueData(new Outbound(FrameKind.Message, "/user/open", null, "anonymous", SenderPath: ""));
        link.EnqueueData(new Outbound(FrameKind.Message, "/user/open", null, "as-dead-letters", SenderPath: server.Address + "/deadLetters"));
        link.EnqueueData(new Outbound(FrameKind.Message, "/user/open", null, "as-another-workers-dead-letters", SenderPath: "lava://worker@w2:0/deadLetters"));

        Assert.Equal("as-itself", await probe.ExpectMsgAsync<string>());
        Assert.Equal(client.Address, probe.LastSender.Path.Address);
        Assert.Equal("anonymous", await probe.ExpectMsgAsync<string>());
        Assert.Equal("as-dead-letters", await probe.ExpectMsgAsync<string>());
        // Dead letters are no sender, whichever node they name: they cannot pass for an actor of that node.
        Assert.Equal("as-another-workers-dead-letters", await probe.ExpectMsgAsync<string>());
        Assert.Same(Sys.DeadLetters, probe.LastSender);
        Assert.Equal(5, server.UnauthorizedFrames);
        Assert.Empty(server.InboundWatchesForTest);
        await victim.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
        Assert.Single(Logs.Entries, e => e.Message.Contains("is not one of its actors", StringComparison.Ordinal) && e.Message.Contains(masterActor[..masterActor.LastIndexOf('#')], StringComparison.Ordinal));
        // Once per (node, sender): the Message, Watch and DeathWatchNotification naming the other worker's actor log one line.
        Assert.Equal(3, Logs.Entries.Count(e => e.Message.Contains("is not one of its actors", StringComparison.Ordinal)));

        // The same forgery again is dropped and counted, but not logged again.
        link.EnqueueData(new Outbound(FrameKind.Message, "/user/open", null, "as-the-master", SenderPath: masterActor));
        link.EnqueueData(new Outbound(FrameKind.Message, "/user/open", null, "marker", SenderPath: ownActor));
        Assert.Equal("marker", await probe.ExpectMsgAsync<string>());
        Assert.Equal(6, server.UnauthorizedFrames);
        Assert.Equal(3, Logs.Entries.Count(e => e.Message.Contains("is not one of its actors", StringComparison.Ordinal)));

        // The dialing side does not check: a master may pass on a message with the sender it came with.
        var relay = CreateTestProbe(worker);
        worker.ActorOf(Props.Create(() => new Forwarder(relay.Ref)), "relay");
        var onWorker = server.AssociationOf(client.Address)!;
        onWorker.EnqueueData(new Outbound(FrameKind.Message, "/user/relay", null, "relayed", SenderPath: otherWorkerActor));
        Assert.Equal("relayed", await relay.ExpectMsgAsync<string>());
        Assert.Equal(0, client.UnauthorizedFrames);
    }

    [Fact]
    public async Task Disconnect_must_remove_the_node_tell_it_why_and_refuse_it_afterwards()
    {
        var admission = new CountingAdmission();
        var server = await RemoteTransport.StartServerAsync(Sys, ShortBackoff, Certificate, admission, null);
        var serverEvents = CreateTestProbe();
        Sys.EventStream.Subscribe(serverEvents.Ref, typeof(IRemoteLifecycleEvent));
        await using var worker = ActorSystem.Create("worker", new ActorSystemSetup { LoggerFactory = Logs });
        var workerEvents = CreateTestProbe(worker);
        worker.EventStream.Subscribe(workerEvents.Ref, typeof(IRemoteLifecycleEvent));
        var client = RemoteTransport.StartClient(worker, ShortBackoff with { Hostname = "w1" });
        var port = server.Address.Port!.Value;
        var fingerprint = RemoteCertificates.Sha256Fingerprint(Certificate);
        await client.ConnectAsync("127.0.0.1", port, fingerprint);
        await serverEvents.FishForMessageAsync<RemoteNodeConnected>(e => e.Node.Equals(client.UniqueAddress));

        server.Disconnect(client.UniqueAddress, "worker w1 was revoked");

        var refused = await workerEvents.FishForMessageAsync<RemoteConnectionRefused>(_ => true);
        Assert.Equal(server.UniqueAddress, refused.Node);
        Assert.Equal("worker w1 was revoked", refused.Reason);
        await workerEvents.FishForMessageAsync<RemoteNodeRemoved>(e => e.Node.Equals(server.UniqueAddress));
        await serverEvents.FishForMessageAsync<RemoteNodeRemoved>(e => e.Node.Equals(client.UniqueAddress));
        Assert.Empty(server.ConnectedNodes);
        Assert.Empty(client.ConnectedNodes);

        // The refused side does not redial on its own, and this incarnation is refused when it tries.
        await workerEvents.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(500));
        Assert.Equal(1, admission.Count);
        var again = await Assert.ThrowsAsync<RemoteAdmissionRefusedException>(() => client.ConnectAsync("127.0.0.1", port, fingerprint));
        Assert.Equal("worker w1 was revoked", again.Reason);
    }

    [Fact]
    public async Task Disconnect_followed_at_once_by_NodeRemoved_must_still_tell_the_node_why()
    {
        var server = await RemoteTransport.StartServerAsync(Sys, ShortBackoff, Certificate, null, null);
        await using var worker = ActorSystem.Create("worker", new ActorSystemSetup { LoggerFactory = Logs });
        var workerEvents = CreateTestProbe(worker);
        worker.EventStream.Subscribe(workerEvents.Ref, typeof(RemoteConnectionRefused));
        var client = RemoteTransport.StartClient(worker, ShortBackoff with { Hostname = "w1" });
        await client.ConnectAsync("127.0.0.1", server.Address.Port!.Value, RemoteCertificates.Sha256Fingerprint(Certificate));

        // Membership may remove the node right after the admin's disconnect, cutting the link before the frame is out.
        server.Disconnect(client.UniqueAddress, "worker w1 was revoked");
        server.NodeRemoved(client.UniqueAddress);

        var refused = await workerEvents.ExpectMsgAsync<RemoteConnectionRefused>(timeout: TimeSpan.FromSeconds(10));
        Assert.Equal("worker w1 was revoked", refused.Reason);
    }

    [Fact]
    public async Task Disconnect_of_a_node_without_a_connection_must_still_refuse_it()
    {
        var server = await RemoteTransport.StartServerAsync(Sys, ShortBackoff, Certificate, null, null);
        await using var worker = ActorSystem.Create("worker", new ActorSystemSetup { LoggerFactory = Logs });
        var client = RemoteTransport.StartClient(worker, ShortBackoff with { Hostname = "w1" });

        server.Disconnect(client.UniqueAddress, "worker w1 was disabled");

        var refused = await Assert.ThrowsAsync<RemoteAdmissionRefusedException>(() =>
            client.ConnectAsync("127.0.0.1", server.Address.Port!.Value, RemoteCertificates.Sha256Fingerprint(Certificate)));
        Assert.Equal("worker w1 was disabled", refused.Reason);
    }
}
