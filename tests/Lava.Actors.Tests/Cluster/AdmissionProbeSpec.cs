using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Lava.Actors.Cluster;
using Lava.Actors.Security;
using Xunit;

namespace Lava.Actors.Tests.Cluster;

/// <summary>The worker's probe against a real TLS server on loopback that plays the master's cluster port.</summary>
public sealed class AdmissionProbeSpec : IDisposable
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);
    private readonly string _dir = Directory.CreateTempSubdirectory("lava-probe-").FullName;
    private readonly CertificateAuthority _authority;
    private readonly X509Certificate2 _worker;

    public AdmissionProbeSpec()
    {
        _authority = CertificateAuthority.LoadOrCreate(Path.Combine(_dir, "ca"));
        var issued = _authority.IssueWorker("w1");
        _worker = NodeCertificates.WithPrivateKey(issued.CertificateDer, issued.PrivateKeyPkcs8);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private LabTrust Trust => new(_authority.Certificate);

    /// <summary>
    /// Accepts one TLS connection with <paramref name="server"/>'s certificate and asks for the client's; <paramref name="admit"/>
    /// decides. An admitted client's connection is held open without a byte, as Akka's server waits for an association.
    /// </summary>
    private static (int Port, Task Served) Serve(X509Certificate2 server, Func<X509Certificate?, bool> admit, CancellationToken stop)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var served = Task.Run(async () =>
        {
            try
            {
                using var client = await listener.AcceptTcpClientAsync(stop);
                await using var tls = new SslStream(client.GetStream(), false, (_, certificate, _, _) => admit(certificate));
                try
                {
                    await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = server, ClientCertificateRequired = true }, stop);
                    _ = await tls.ReadAsync(new byte[1], stop);
                }
                catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
                {
                    // The refusal itself, or the end of the test.
                }
            }
            finally
            {
                listener.Stop();
            }
        }, stop);
        return (port, served);
    }

    private X509Certificate2 MasterCertificate(CertificateAuthority authority)
    {
        var issued = authority.IssueMaster("127.0.0.1");
        return NodeCertificates.WithPrivateKey(issued.CertificateDer, issued.PrivateKeyPkcs8);
    }

    [Fact]
    public async Task A_master_that_keeps_the_connection_admits_the_worker()
    {
        using var stop = new CancellationTokenSource();
        var (port, served) = Serve(MasterCertificate(_authority), _ => true, stop.Token);

        var result = await AdmissionProbe.ProbeAsync("127.0.0.1", port, _worker, Trust, Settle, CancellationToken.None);

        Assert.Equal(ProbeOutcome.Admitted, result.Outcome);
        await stop.CancelAsync();
        await served;
    }

    [Fact]
    public async Task A_master_that_refuses_the_certificate_refuses_the_worker()
    {
        using var stop = new CancellationTokenSource();
        var (port, served) = Serve(MasterCertificate(_authority), _ => false, stop.Token);

        var result = await AdmissionProbe.ProbeAsync("127.0.0.1", port, _worker, Trust, Settle, CancellationToken.None);

        Assert.Equal(ProbeOutcome.Refused, result.Outcome);
        Assert.Contains("refused this node's certificate", result.Reason, StringComparison.Ordinal);
        await stop.CancelAsync();
        await served;
    }

    [Fact]
    public async Task A_master_of_another_lab_is_refused_by_the_worker()
    {
        using var stop = new CancellationTokenSource();
        var other = CertificateAuthority.LoadOrCreate(Path.Combine(_dir, "other"));
        var (port, served) = Serve(MasterCertificate(other), _ => true, stop.Token);

        var result = await AdmissionProbe.ProbeAsync("127.0.0.1", port, _worker, Trust, Settle, CancellationToken.None);

        Assert.Equal(ProbeOutcome.Refused, result.Outcome);
        Assert.Contains("not of this lab", result.Reason, StringComparison.Ordinal);
        await stop.CancelAsync();
        await served;
    }

    [Fact]
    public async Task A_closed_port_is_unreachable()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var result = await AdmissionProbe.ProbeAsync("127.0.0.1", port, _worker, Trust, Settle, CancellationToken.None);

        Assert.Equal(ProbeOutcome.Unreachable, result.Outcome);
    }
}
