using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Lava.Actors.Security;

/// <summary>Which kind of lab node a certificate was issued to.</summary>
public enum NodeKind
{
    /// <summary>Not a lab node: the verdict refused the certificate.</summary>
    Unknown,

    /// <summary>OU=lava-worker.</summary>
    Worker,

    /// <summary>OU=lava-master.</summary>
    Master,
}

/// <summary>
/// What <see cref="LabTrust.Check"/> concluded about a peer's certificate: when <see cref="Trusted"/>, the node's kind
/// and name (its CN); otherwise <see cref="Reason"/> says in plain words why it was refused. A refusal still carries
/// the certificate's claimed CN and its <see cref="Thumbprint"/>, where there was a certificate, for the log line.
/// </summary>
public sealed record TrustVerdict(bool Trusted, NodeKind Kind, string Name, string Thumbprint, string Reason);

/// <summary>
/// Decides whether a TLS peer is a node of this lab: its certificate must chain to the lab's CA alone (no OS trust
/// store), be within its validity, be fit for TLS client and server use, and name one lava role and a node.
/// Call it from the TLS validation callback on both sides of a connection; it is thread-safe.
/// </summary>
public sealed class LabTrust
{
    private static readonly Oid ServerAuth = Oid.FromOidValue("1.3.6.1.5.5.7.3.1", OidGroup.EnhancedKeyUsage);
    private static readonly Oid ClientAuth = Oid.FromOidValue("1.3.6.1.5.5.7.3.2", OidGroup.EnhancedKeyUsage);

    private readonly X509Certificate2 _ca;
    private readonly TimeProvider _clock;

    /// <summary>Trusts what <paramref name="caCertificate"/> issued, judging validity at <paramref name="clock"/>'s now.</summary>
    public LabTrust(X509Certificate2 caCertificate, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(caCertificate);
        _ca = X509CertificateLoader.LoadCertificate(caCertificate.RawData); // our own copy: the caller may dispose theirs
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>Judges <paramref name="peer"/>; never throws for a bad certificate, it refuses it.</summary>
    public TrustVerdict Check(X509Certificate2? peer)
    {
        if (peer is null)
        {
            return Refuse("", "", "no certificate presented");
        }

        var thumbprint = NodeCertificates.Thumbprint(peer);
        var (commonName, units) = NodeCertificates.ReadSubject(peer);
        if (ChainProblem(peer) is { } problem)
        {
            return Refuse(commonName, thumbprint, problem);
        }

        var roles = units.Where(u => u is NodeCertificates.WorkerUnit or NodeCertificates.MasterUnit).Distinct().ToList();
        if (roles.Count == 0)
        {
            return Refuse(commonName, thumbprint, $"certificate names no lava role (OU={NodeCertificates.WorkerUnit} or OU={NodeCertificates.MasterUnit})");
        }

        if (roles.Count > 1)
        {
            return Refuse(commonName, thumbprint, "certificate names more than one lava role");
        }

        if (string.IsNullOrEmpty(commonName))
        {
            return Refuse(commonName, thumbprint, "certificate names no node (no single, non-empty CN)");
        }

        var kind = roles[0] == NodeCertificates.WorkerUnit ? NodeKind.Worker : NodeKind.Master;
        return new TrustVerdict(true, kind, commonName, thumbprint, "");
    }

    private string? ChainProblem(X509Certificate2 peer)
    {
        // Akka's CertificateValidation helpers judge by SslPolicyErrors, which always report a private CA as a
        // partial chain; so the chain is built here, anchored at the lab's CA only.
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck; // the CA publishes no CRL: the registry revokes
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationTime = _clock.GetUtcNow().UtcDateTime;
        chain.ChainPolicy.ApplicationPolicy.Add(ServerAuth);
        chain.ChainPolicy.ApplicationPolicy.Add(ClientAuth);

        var built = chain.Build(peer);
        var status = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
        var anchoredHere = chain.ChainElements.Count > 0 && chain.ChainElements[^1].Certificate.RawData.AsSpan().SequenceEqual(_ca.RawData);
        if (!anchoredHere || (status & ~(X509ChainStatusFlags.NotTimeValid | X509ChainStatusFlags.NotValidForUsage)) != 0)
        {
            return "certificate not issued by this lab's CA";
        }

        var now = _clock.GetUtcNow();
        if (now > peer.NotAfter.ToUniversalTime())
        {
            return $"certificate expired on {peer.NotAfter.ToUniversalTime():u}";
        }

        if (now < peer.NotBefore.ToUniversalTime())
        {
            return $"certificate not valid before {peer.NotBefore.ToUniversalTime():u}";
        }

        if ((status & X509ChainStatusFlags.NotTimeValid) != 0)
        {
            return "the lab's CA certificate is expired or not yet valid";
        }

        if ((status & X509ChainStatusFlags.NotValidForUsage) != 0)
        {
            return "certificate not valid for both TLS server and client use";
        }

        return built ? null : "certificate not issued by this lab's CA";
    }

    private static TrustVerdict Refuse(string? name, string thumbprint, string reason) => new(false, NodeKind.Unknown, name ?? "", thumbprint, reason);
}
