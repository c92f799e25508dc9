using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Lava.Actors.Security;
using Xunit;

namespace Lava.Actors.Tests.Security;

/// <summary>
/// Mutual TLS over loopback with plain <c>SslStream</c>s, as Akka's DotNetty transport uses them: shows that the
/// certificates the lab's CA issues work for both sides on this OS, and that <see cref="LabTrust"/> in the
/// validation callback lets lab nodes in and keeps others out.
/// </summary>
public sealed class MutualTlsSpec : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly TestLab _lab = new();

    public void Dispose() => _lab.Dispose();

    [Fact]
    public async Task A_worker_of_this_lab_and_the_master_accept_each_other()
    {
        using var master = _lab.Master("m1");
        using var worker = _lab.Worker("w1");

        var (server, client) = await HandshakeAsync(master, worker);

        Assert.Null(server.Failure);
        Assert.Null(client.Failure);
        Assert.Equal((true, NodeKind.Worker, "w1"), (server.Verdict!.Trusted, server.Verdict.Kind, server.Verdict.Name));
        Assert.Equal((true, NodeKind.Master, "m1"), (client.Verdict!.Trusted, client.Verdict.Kind, client.Verdict.Name));
        Assert.Equal(42, server.Received);
    }

    [Fact]
    public async Task A_client_with_a_certificate_from_another_CA_is_refused()
    {
        using var other = new TestLab();
        using var master = _lab.Master("m1");
        using var impostor = other.Worker("w1");

        var (server, client) = await HandshakeAsync(master, impostor);

        Assert.Equal("certificate not issued by this lab's CA", server.Verdict!.Reason);
        Assert.IsType<AuthenticationException>(server.Failure);
        Assert.Null(server.Received); // the client's byte never reaches the master
        Assert.True(client.Verdict!.Trusted); // the client had accepted the master: the refusal is the master's alone
    }

    [Fact]
    public async Task A_client_without_a_certificate_is_refused()
    {
        using var master = _lab.Master("m1");

        var (server, _) = await HandshakeAsync(master, clientCertificate: null);

        Assert.Equal("no certificate presented", server.Verdict!.Reason);
        Assert.IsType<AuthenticationException>(server.Failure);
    }

    private sealed record Side(TrustVerdict? Verdict, Exception? Failure, int? Received);

    /// <summary>Connects a client presenting <paramref name="clientCertificate"/> to a server presenting <paramref name="serverCertificate"/>; the client sends one byte.</summary>
    private async Task<(Side Server, Side Client)> HandshakeAsync(X509Certificate2 serverCertificate, X509Certificate2? clientCertificate)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var serverTask = ServeAsync(listener, serverCertificate, deadline.Token);
            var clientTask = ConnectAsync(((IPEndPoint)listener.LocalEndpoint).Port, clientCertificate, deadline.Token);
            return (await serverTask, await clientTask);
        }
        finally
        {
            listener.Stop();
        }
    }

    private async Task<Side> ServeAsync(TcpListener listener, X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        TrustVerdict? verdict = null;
        using var tcp = await listener.AcceptTcpClientAsync(cancellationToken);
        await using var tls = new SslStream(tcp.GetStream());
        try
        {
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificate = certificate,
                ClientCertificateRequired = true,
                RemoteCertificateValidationCallback = (_, peer, _, _) => (verdict = _lab.Trust.Check(peer as X509Certificate2)).Trusted,
            }, cancellationToken);
            var buffer = new byte[1];
            var read = await tls.ReadAsync(buffer, cancellationToken);
            return new Side(verdict, null, read == 1 ? buffer[0] : null);
        }
        catch (AuthenticationException e)
        {
            return new Side(verdict, e, null);
        }
    }

    private async Task<Side> ConnectAsync(int port, X509Certificate2? certificate, CancellationToken cancellationToken)
    {
        TrustVerdict? verdict = null;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
        await using var tls = new SslStream(tcp.GetStream());
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "m1",
                ClientCertificates = certificate is null ? null : [certificate],
                RemoteCertificateValidationCallback = (_, peer, _, _) => (verdict = _lab.Trust.Check(peer as X509Certificate2)).Trusted,
            }, cancellationToken);
            await tls.WriteAsync(new byte[] { 42 }, cancellationToken);
            await tls.FlushAsync(cancellationToken);
            var buffer = new byte[1];
            var read = await tls.ReadAsync(buffer, cancellationToken); // the server closes; a TLS 1.3 client learns of a refusal only here
            return new Side(verdict, read == 0 ? null : new InvalidOperationException("unexpected data from the server"), null);
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            return new Side(verdict, e, null);
        }
    }
}
