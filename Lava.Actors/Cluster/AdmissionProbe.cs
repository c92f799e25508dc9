using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Lava.Actors.Security;

namespace Lava.Actors.Cluster;

/// <summary>How <see cref="AdmissionProbe.ProbeAsync"/> ended.</summary>
public enum ProbeOutcome
{
    /// <summary>The master accepted this node's certificate.</summary>
    Admitted,

    /// <summary>The master refused this node's certificate, or its own is not of this lab.</summary>
    Refused,

    /// <summary>The master could not be reached; try again later.</summary>
    Unreachable,
}

/// <summary>The outcome of a probe and the reason, in plain words, when it was not admitted.</summary>
public sealed record ProbeResult(ProbeOutcome Outcome, string Reason);

/// <summary>
/// A worker's check, before it starts an actor system, that the master admits its certificate. Akka.Remote never
/// tells a refused node why (with TLS 1.3 the refusal comes after the client's side of the handshake, so the node
/// just retries its join forever), and an outbound handshake it fails terminates its actor system. So the worker
/// opens a TLS connection of its own to the master's cluster port: a master that refuses the certificate closes
/// the connection at once; one that admits it waits for Akka's association, which never comes, and the probe hangs
/// up after <c>settle</c>.
/// </summary>
public static class AdmissionProbe
{
    /// <summary>Probes the master at <paramref name="host"/>:<paramref name="port"/> with <paramref name="certificate"/>.</summary>
    public static async Task<ProbeResult> ProbeAsync(string host, int port, X509Certificate2 certificate, LabTrust trust, TimeSpan settle, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            return new ProbeResult(ProbeOutcome.Unreachable, $"cannot connect to {host}:{port}: {e.Message}");
        }

        string? masterRefusal = null;
        await using var tls = new SslStream(client.GetStream(), leaveInnerStreamOpen: false, (_, presented, _, _) =>
        {
            var verdict = trust.Check(presented is null ? null : new X509Certificate2(presented));
            masterRefusal = !verdict.Trusted ? $"the master's certificate is not of this lab: {verdict.Reason}"
                : verdict.Kind != NodeKind.Master ? $"{host}:{port} presented the certificate of worker '{verdict.Name}', not of a master"
                : null;
            return masterRefusal is null;
        });
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = host,
                ClientCertificates = [certificate],
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            return new ProbeResult(ProbeOutcome.Refused, masterRefusal ?? $"the master refused this node's certificate during the TLS handshake ({e.Message})");
        }

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(settle);
        try
        {
            var read = await tls.ReadAsync(new byte[1], wait.Token).ConfigureAwait(false);
            return read == 0
                ? new ProbeResult(ProbeOutcome.Refused, "the master closed the connection right after the TLS handshake: it refused this node's certificate (its log says why)")
                : new ProbeResult(ProbeOutcome.Admitted, "");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ProbeResult(ProbeOutcome.Admitted, "");
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            return new ProbeResult(ProbeOutcome.Refused, $"the master refused this node's certificate ({e.GetBaseException().Message})");
        }
    }
}
