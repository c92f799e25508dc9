using System.Security.Cryptography.X509Certificates;
using Xunit;

namespace Lava.Kernel.Tests.Remote;

/// <summary>
/// Two nodes over the real TLS WebSocket transport on 127.0.0.1: <see cref="TestKit.TestKit.Sys"/> listens
/// (the master's side) and <see cref="ClientSystem"/> dials out to it (a worker's side).
/// </summary>
public abstract class RemoteSpecBase : TestKit.TestKit
{
    private static readonly Lazy<X509Certificate2> SharedCertificate = new(() => RemoteCertificates.CreateSelfSigned());
    private static int s_clients;

    protected RemoteSpecBase() : base(realTime: true)
    {
        ClientSystem = ActorSystem.Create($"client-{Interlocked.Increment(ref s_clients)}", new ActorSystemSetup { LoggerFactory = Logs });
        Sys.Serialization.Register<Ping>("test.ping.v1");
        ClientSystem.Serialization.Register<Ping>("test.ping.v1");
        Sys.Serialization.Register<Envelope>("test.envelope.v1");
        ClientSystem.Serialization.Register<Envelope>("test.envelope.v1");
    }

    protected static X509Certificate2 Certificate => SharedCertificate.Value;

    protected static string Fingerprint => RemoteCertificates.Sha256Fingerprint(Certificate);

    protected ActorSystem ClientSystem { get; }

    protected RemoteTransport Server { get; private set; } = null!;

    protected RemoteTransport Client { get; private set; } = null!;

    /// <summary>Settings with short backoffs, so that reconnection tests run quickly.</summary>
    protected static RemoteSettings TestSettings { get; } = new()
    {
        ReconnectMinBackoff = TimeSpan.FromMilliseconds(50),
        ReconnectMaxBackoff = TimeSpan.FromMilliseconds(500),
    };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Server = await RemoteTransport.StartServerAsync(Sys, TestSettings, Certificate);
        Client = RemoteTransport.StartClient(ClientSystem, TestSettings);
        await ConnectClientAsync();
    }

    public override async Task DisposeAsync()
    {
        await ClientSystem.Terminate();
        await Client.WhenStopped.WaitAsync(TimeSpan.FromSeconds(10));
        await base.DisposeAsync();
        await Server.WhenStopped.WaitAsync(TimeSpan.FromSeconds(10));
    }

    protected Task<UniqueAddress> ConnectClientAsync() =>
        Client.ConnectAsync("127.0.0.1", Server.Address.Port!.Value, Fingerprint);

    /// <summary>The full path of <paramref name="path"/> (<c>/user/a</c>) on the listening node.</summary>
    protected string OnServer(string path) => Server.Address + path;

    /// <summary>A reference usable on the client node to the server actor at <paramref name="path"/>.</summary>
    protected Task<IActorRef> ResolveOnServerAsync(string path) =>
        ClientSystem.ActorSelection(OnServer(path)).ResolveOne(TimeSpan.FromSeconds(5));

    public sealed record Ping(int Number);

    public sealed record Envelope(IActorRef ReplyTo, string Text);

    /// <summary>Answers every message to its sender; an <see cref="Envelope"/> to its ReplyTo.</summary>
    protected sealed class Echo : ReceiveActor
    {
        public Echo()
        {
            Receive<Envelope>(e => e.ReplyTo.Tell(e.Text, Self));
            ReceiveAny(m => Sender.Tell(m, Self));
        }
    }

    /// <summary>Sends everything it gets to <paramref name="target"/>, keeping the sender.</summary>
    protected sealed class Forwarder : ReceiveActor
    {
        public Forwarder(IActorRef target) => ReceiveAny(m => target.Forward(m));
    }
}
