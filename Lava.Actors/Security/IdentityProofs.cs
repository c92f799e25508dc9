using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Lava.Actors.Security;

/// <summary>
/// A member's answer to the master's identity challenge: its certificate and an ECDSA SHA-256 signature, made with
/// that certificate's key, over the challenge nonce, the member's address, its claimed name and its claimed roles.
/// </summary>
public sealed record IdentityProof(byte[] CertificateDer, byte[] Signature);

/// <summary>
/// What <see cref="IdentityProofs.Verify"/> concluded. When <see cref="Valid"/>, the claims are bound to the
/// certificate named by <see cref="Thumbprint"/> (the caller still checks it is the node's current certificate);
/// otherwise <see cref="Reason"/> says in plain words why the proof was refused.
/// </summary>
public sealed record ProofVerdict(bool Valid, NodeKind Kind, string Name, string Thumbprint, string Reason);

/// <summary>
/// Binds a cluster member's claimed address, name and roles to its lab certificate. Akka.NET does not tie what a
/// member claims to the TLS certificate it connected with, so the master sends each new member a nonce from
/// <see cref="NewNonce"/>, the member answers with <see cref="Sign"/>, and the master checks the answer with
/// <see cref="Verify"/>: a worker certificate can only be the worker it names, and never a master.
/// </summary>
public static class IdentityProofs
{
    /// <summary>The cluster role of the masters; only a lava-master certificate may claim it.</summary>
    public const string MasterRole = "master";

    /// <summary>The cluster role of the workers; only a lava-worker certificate may claim it.</summary>
    public const string WorkerRole = "worker";

    // Signed first, so a signature made for anything else with the same key can never pass as an identity proof.
    private static readonly byte[] Context = "lava-member-identity-v1"u8.ToArray();

    /// <summary>A fresh 32-byte challenge; use each one for a single proof.</summary>
    public static byte[] NewNonce() => RandomNumberGenerator.GetBytes(32);

    /// <summary>The proof that the holder of <paramref name="certificateWithKey"/> makes these claims in answer to <paramref name="nonce"/>.</summary>
    public static IdentityProof Sign(
        X509Certificate2 certificateWithKey, byte[] nonce, string memberAddress, string claimedName, IReadOnlyCollection<string> claimedRoles)
    {
        ArgumentNullException.ThrowIfNull(certificateWithKey);
        using var key = certificateWithKey.GetECDsaPrivateKey()
            ?? throw new ArgumentException("the certificate carries no ECDSA private key", nameof(certificateWithKey));
        var signature = key.SignData(Payload(nonce, memberAddress, claimedName, claimedRoles), HashAlgorithmName.SHA256);
        return new IdentityProof(certificateWithKey.RawData, signature);
    }

    /// <summary>
    /// Accepts <paramref name="proof"/> only when its certificate is trusted by <paramref name="trust"/>, its
    /// signature covers exactly this nonce, address, name and roles, the role <c>master</c> comes with a lava-master
    /// certificate and the role <c>worker</c> with a lava-worker one, and a worker claims its certificate's name.
    /// </summary>
    public static ProofVerdict Verify(
        LabTrust trust, IdentityProof proof, byte[] nonce, string memberAddress, string claimedName, IReadOnlyCollection<string> claimedRoles)
    {
        ArgumentNullException.ThrowIfNull(trust);
        ArgumentNullException.ThrowIfNull(proof);
        var payload = Payload(nonce, memberAddress, claimedName, claimedRoles);
        if (proof.CertificateDer is null || proof.Signature is null)
        {
            return Refuse("", "", "the proof lacks its certificate or signature");
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(proof.CertificateDer);
        }
        catch (CryptographicException)
        {
            return Refuse("", "", "the proof's certificate is not a DER X.509 certificate");
        }

        using (certificate)
        {
            var verdict = trust.Check(certificate);
            if (!verdict.Trusted)
            {
                return Refuse(verdict.Name, verdict.Thumbprint, verdict.Reason);
            }

            using var key = certificate.GetECDsaPublicKey();
            if (key is null || !key.VerifyData(payload, proof.Signature, HashAlgorithmName.SHA256))
            {
                return Refuse(verdict.Name, verdict.Thumbprint, "the signature does not cover this challenge, address, name and roles");
            }

            return ClaimProblem(verdict, claimedName, claimedRoles) is { } problem
                ? Refuse(verdict.Name, verdict.Thumbprint, problem)
                : new ProofVerdict(true, verdict.Kind, verdict.Name, verdict.Thumbprint, "");
        }
    }

    private static string? ClaimProblem(TrustVerdict certificate, string claimedName, IReadOnlyCollection<string> claimedRoles)
    {
        var claimsMaster = claimedRoles.Contains(MasterRole);
        var claimsWorker = claimedRoles.Contains(WorkerRole);
        return certificate.Kind switch
        {
            NodeKind.Worker when claimsMaster => $"worker '{certificate.Name}' claims the role '{MasterRole}': a worker certificate never makes a master",
            NodeKind.Worker when !claimsWorker => $"worker '{certificate.Name}' does not claim the role '{WorkerRole}'",
            NodeKind.Worker when claimedName != certificate.Name => $"the certificate is worker '{certificate.Name}' but the member claims the name '{claimedName}'",
            NodeKind.Master when claimsWorker => $"master '{certificate.Name}' claims the role '{WorkerRole}', which needs a worker certificate",
            NodeKind.Master when !claimsMaster => $"master '{certificate.Name}' does not claim the role '{MasterRole}'",
            _ => null,
        };
    }

    /// <summary>
    /// The signed bytes: each field as a 4-byte big-endian length and its bytes, roles de-duplicated and sorted
    /// ordinally and preceded by their count, so no two different claims encode the same.
    /// </summary>
    private static byte[] Payload(byte[] nonce, string memberAddress, string claimedName, IReadOnlyCollection<string> claimedRoles)
    {
        ArgumentNullException.ThrowIfNull(nonce);
        ArgumentNullException.ThrowIfNull(memberAddress);
        ArgumentNullException.ThrowIfNull(claimedName);
        ArgumentNullException.ThrowIfNull(claimedRoles);
        var roles = claimedRoles.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

        using var buffer = new MemoryStream();
        WriteField(buffer, Context);
        WriteField(buffer, nonce);
        WriteField(buffer, Encoding.UTF8.GetBytes(memberAddress));
        WriteField(buffer, Encoding.UTF8.GetBytes(claimedName));
        WriteLength(buffer, roles.Count);
        foreach (var role in roles)
        {
            WriteField(buffer, Encoding.UTF8.GetBytes(role));
        }

        return buffer.ToArray();
    }

    private static void WriteField(MemoryStream buffer, byte[] field)
    {
        WriteLength(buffer, field.Length);
        buffer.Write(field);
    }

    private static void WriteLength(MemoryStream buffer, int length)
    {
        Span<byte> prefix = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(prefix, length);
        buffer.Write(prefix);
    }

    private static ProofVerdict Refuse(string name, string thumbprint, string reason) => new(false, NodeKind.Unknown, name, thumbprint, reason);
}
