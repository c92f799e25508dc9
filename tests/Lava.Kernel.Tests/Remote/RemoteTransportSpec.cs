using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using Lava.Kernel.Remote;
using Xunit;

namespace Lava.Kernel.Tests.Remote;

public sealed class RemoteTransportSpec : RemoteSpecBase
{
    public sealed record Blob(byte[] Data);

    public sealed record ControlPing(int Number) : IRemoteControlMessage;

    private sealed class RefuseAll(string reason) : IAdmissionPolicy
    {
        public AdmissionRequest? Seen { get; private set; }

        public ValueTask<AdmissionDecision> AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken)
        {
            Seen = request;
            return ValueTask.FromResult(AdmissionDecision.Refuse(reason));
        }
    }

    [Fact]
    public async Task Large_message_must_arrive_intact_and_let_a_control_message_pass_between_its_chunks()
    {
        foreach (var system in new[] { Sys, ClientSystem })
        {
            system.Serialization.Register<Blob>("test.blob.v1");
            system.Serialization.Register<ControlPing>("test.control-ping.v1");
        }
        var probe = CreateTestProbe(Sys);
        Sys.ActorOf(Props.Create(() => new Forwarder(probe.Ref)), "sink");
        var sink = await ResolveOnServerAsync("/user/sink");
        var data = new byte[1024 * 1024];
        Random.Shared.NextBytes(data);
        var trace = new ConcurrentQueue<(FrameKind Kind, bool ControlLane)>();
        var firstFragmentSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Client.SetFrameTrace((kind, control) => trace.Enqueue((kind, control)));
        Client.SetAfterSend(async () =>
        {
            // Hold the writer after its first fragment, so that the control message is queued mid-transfer.
            if (trace.Any(t => t.Kind == FrameKind.Fragment) && firstFragmentSent.TrySetResult()) await release.Task;
        });

        sink.Tell(new Blob(data));
        await firstFragmentSent.Task.WaitAsync(TimeSpan.FromSeconds(5));
        sink.Tell(new ControlPing(1));
        release.SetResult();

        Assert.Equal(new ControlPing(1), await probe.ExpectMsgAsync<ControlPing>(hint: "control before the blob"));
        Assert.Equal(data, (await probe.ExpectMsgAsync<Blob>(timeout: TimeSpan.FromSeconds(10))).Data);
        var frames = trace.ToList();
        var firstFragment = frames.FindIndex(f => f.Kind == FrameKind.Fragment);
        var control = frames.FindIndex(f => f.ControlLane);
        var lastFragment = frames.FindIndex(f => f.Kind == FrameKind.LastFragment);
        Assert.True(firstFragment < control && control < lastFragment, $"frames: {string.Join(", ", frames)}");
        Assert.True(frames.Count(f => f.Kind == FrameKind.Fragment) >= 16, "a 1 MB payload is cut in 64 KB fragments");
    }

    [Fact]
    public async Task Wrong_pinned_fingerprint_must_fail_the_connection()
    {
        await using var other = ActorSystem.Create("intruder", new ActorSystemSetup { LoggerFactory = Logs });
        var transport = RemoteTransport.StartClient(other, TestSettings);

        var failure = await Assert.ThrowsAsync<RemoteConnectionException>(() =>
            transport.ConnectAsync("127.0.0.1", Server.Address.Port!.Value, new string('A', 64)));

        Assert.Contains("cannot connect", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(transport.UniqueAddress, Server.ConnectedNodes);
    }

    [Fact]
    public async Task Plain_tcp_client_must_get_no_handshake()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", Server.Address.Port!.Value);
        var stream = tcp.GetStream();
        var upgrade = "GET /lava/remote HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(upgrade));

        var received = new MemoryStream();
        var buffer = new byte[4096];
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, deadline.Token)) > 0) received.Write(buffer, 0, read);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // Silence until the deadline, or a reset, is as good as a close.
        }

        Assert.DoesNotContain("101", Encoding.ASCII.GetString(received.ToArray()), StringComparison.Ordinal);
        Assert.Single(Server.ConnectedNodes);
    }

    [Fact]
    public async Task Admission_refusal_must_close_the_connection_with_the_reason()
    {
        var policy = new RefuseAll("worker 'w9' is not registered");
        await using var master = ActorSystem.Create("master", new ActorSystemSetup { LoggerFactory = Logs });
        var server = await RemoteTransport.StartServerAsync(master, TestSettings, Certificate, policy);
        await using var worker = ActorSystem.Create("worker", new ActorSystemSetup { LoggerFactory = Logs });
        var client = RemoteTransport.StartClient(worker, TestSettings with { Roles = ["worker"] });

        var refused = await Assert.ThrowsAsync<RemoteAdmissionRefusedException>(() =>
            client.ConnectAsync("127.0.0.1", server.Address.Port!.Value, Fingerprint, Encoding.UTF8.GetBytes("w9:secret")));

        Assert.Equal("worker 'w9' is not registered", refused.Reason);
        Assert.Equal(client.UniqueAddress, policy.Seen!.Node);
        Assert.Equal(["worker"], policy.Seen.Roles);
        Assert.Equal("w9:secret", Encoding.UTF8.GetString(policy.Seen.Credential.Span));
        Assert.Empty(server.ConnectedNodes);
        Assert.Empty(client.ConnectedNodes);
    }

    [Fact]
    public async Task Client_must_reconnect_after_the_server_restarts()
    {
        var events = CreateTestProbe(ClientSystem);
        ClientSystem.EventStream.Subscribe(events.Ref, typeof(IRemoteLifecycleEvent));
        var first = ActorSystem.Create("master", new ActorSystemSetup { LoggerFactory = Logs });
        var firstServer = await RemoteTransport.StartServerAsync(first, TestSettings, Certificate);
        var port = firstServer.Address.Port!.Value;
        Assert.Equal(firstServer.UniqueAddress, await Client.ConnectAsync("127.0.0.1", port, Fingerprint));
        await events.FishForMessageAsync<RemoteNodeConnected>(e => e.Node.Equals(firstServer.UniqueAddress));

        await first.Terminate();
        await firstServer.WhenStopped.WaitAsync(TimeSpan.FromSeconds(10));
        await events.FishForMessageAsync<RemoteNodeRemoved>(e => e.Node.Equals(firstServer.UniqueAddress));
        await using var second = ActorSystem.Create("master", new ActorSystemSetup { LoggerFactory = Logs });
        var secondServer = await RemoteTransport.StartServerAsync(second, TestSettings with { Port = port }, Certificate);
        second.Serialization.Register<Ping>("test.ping.v1");
        second.ActorOf(Props.Create(() => new Echo()), "echo");

        var reconnected = await events.FishForMessageAsync<RemoteNodeConnected>(e => e.Node.Address.Equals(secondServer.Address), TimeSpan.FromSeconds(10));
        Assert.Equal(secondServer.UniqueAddress, reconnected.Node);
        Assert.NotEqual(firstServer.UniqueAddress, reconnected.Node);
        var echo = await ClientSystem.ActorSelection(secondServer.Address + "/user/echo").ResolveOne(TimeSpan.FromSeconds(5));
        Assert.Equal(new Ping(9), await echo.Ask<Ping>(new Ping(9), TimeSpan.FromSeconds(5)));
    }
}
