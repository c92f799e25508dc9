using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;
using Lava.Actors.Security;

namespace Lava.Actors.Cluster;

/// <summary>
/// The certificate check of every TLS connection between Lava nodes. Both directions require a certificate
/// issued by the lab's CA (checked with <see cref="LabTrust"/>, since Akka's own chain validation rejects every
/// private CA). Only inbound connections (this node is the TLS server) also ask <c>admitInbound</c>, because a
/// failed outbound handshake makes Akka.Remote terminate the whole actor system: registry checks (revoked,
/// disabled, re-issued) must never run on the dialling side.
/// </summary>
public static class NodeTls
{
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    /// <summary>
    /// The callback for <c>DotNettySslSetup</c>/<c>SslOptions.CustomValidator</c>. <paramref name="admitInbound"/>
    /// answers null to admit a trusted inbound peer, or the reason it is refused; every refusal is logged.
    /// </summary>
    public static CertificateValidationCallback Validator(LabTrust trust, Func<TrustVerdict, string?>? admitInbound, Action<string, string> logRefusal)
    {
        ArgumentNullException.ThrowIfNull(trust);
        ArgumentNullException.ThrowIfNull(logRefusal);
        return (certificate, chain, remotePeer, _, _) =>
        {
            var verdict = trust.Check(certificate);
            if (!verdict.Trusted)
            {
                logRefusal(remotePeer, verdict.Reason);
                return false;
            }

            if (admitInbound is null || !IsInbound(chain)) return true;
            var refusal = admitInbound(verdict);
            if (refusal is null) return true;
            logRefusal(remotePeer, refusal);
            return false;
        };
    }

    /// <summary>
    /// The server side validates a client certificate, so its chain policy asks for client authentication; the
    /// dialling side asks for server authentication.
    /// </summary>
    private static bool IsInbound(X509Chain? chain) =>
        chain is not null && chain.ChainPolicy.ApplicationPolicy.Cast<System.Security.Cryptography.Oid>().Any(o => o.Value == ClientAuthentication);
}
