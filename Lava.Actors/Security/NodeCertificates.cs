using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Lava.Actors.Security;

/// <summary>
/// The shapes of the certificates the lab's CA issues to its nodes, and how a node's certificate and key become
/// one <see cref="X509Certificate2"/> that <c>SslStream</c> (under Akka's DotNetty TLS) can present.
/// </summary>
public static class NodeCertificates
{
    /// <summary>The subject OU of a worker's certificate.</summary>
    public const string WorkerUnit = "lava-worker";

    /// <summary>The subject OU of a master's certificate.</summary>
    public const string MasterUnit = "lava-master";

    /// <summary>How Lava names a certificate: SHA-256 of its DER, upper-case hex without separators.</summary>
    public static string Thumbprint(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Thumbprint(certificate.RawData);
    }

    /// <summary>How Lava names a certificate: SHA-256 of its DER, upper-case hex without separators.</summary>
    public static string Thumbprint(byte[] certificateDer)
    {
        ArgumentNullException.ThrowIfNull(certificateDer);
        return Convert.ToHexString(SHA256.HashData(certificateDer));
    }

    /// <summary>
    /// The certificate with its ECDSA private key, ready for TLS. On Linux <c>SslStream</c> needs a key that went
    /// through PKCS#12, so the pair is exported and re-imported with an ephemeral key set (no OS key store).
    /// </summary>
    public static X509Certificate2 WithPrivateKey(byte[] certificateDer, byte[] privateKeyPkcs8)
    {
        ArgumentNullException.ThrowIfNull(certificateDer);
        ArgumentNullException.ThrowIfNull(privateKeyPkcs8);
        using var certificate = X509CertificateLoader.LoadCertificate(certificateDer);
        using var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(privateKeyPkcs8, out _);
        using var paired = certificate.CopyWithPrivateKey(key); // throws when the key is not the certificate's
        return LoadPkcs12(paired.Export(X509ContentType.Pkcs12));
    }

    internal static X509Certificate2 LoadPkcs12(byte[] pfx) =>
        X509CertificateLoader.LoadPkcs12(pfx, password: null, X509KeyStorageFlags.EphemeralKeySet);

    internal static X509Certificate2 LoadPkcs12File(string path) =>
        X509CertificateLoader.LoadPkcs12FromFile(path, password: null, X509KeyStorageFlags.EphemeralKeySet);

    /// <summary>Whether <paramref name="name"/> can be a certificate's CN and DNS name: non-empty, no spaces or control characters.</summary>
    internal static void ThrowIfUnfitName(string name, string paramName)
    {
        ArgumentException.ThrowIfNullOrEmpty(name, paramName);
        if (name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new ArgumentException($"'{name}' cannot name a certificate: it contains spaces or control characters", paramName);
        }
    }

    internal static X500DistinguishedName Subject(string commonName, string unit)
    {
        var builder = new X500DistinguishedNameBuilder();
        builder.AddCommonName(commonName); // in this order the subject reads "CN=name, OU=unit"
        builder.AddOrganizationalUnitName(unit);
        return builder.Build();
    }

    internal static X509Extension SubjectAlternativeName(string name)
    {
        var builder = new SubjectAlternativeNameBuilder();
        builder.AddDnsName(name);
        if (IPAddress.TryParse(name, out var address))
        {
            builder.AddIpAddress(address); // a worker reached by address: hostname validation, if ever turned on, sees it
        }

        return builder.Build();
    }

    /// <summary>The subject's single CN and OU values, null where absent; multi-valued RDNs count as absent.</summary>
    internal static (string? CommonName, IReadOnlyList<string> Units) ReadSubject(X509Certificate2 certificate)
    {
        string? commonName = null;
        var units = new List<string>();
        foreach (var rdn in certificate.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            if (rdn.HasMultipleElements) continue;
            switch (rdn.GetSingleElementType().Value)
            {
                case "2.5.4.3":
                    commonName = commonName is null ? rdn.GetSingleElementValue() : ""; // two CNs: ambiguous, treated as none
                    break;
                case "2.5.4.11":
                    units.Add(rdn.GetSingleElementValue() ?? "");
                    break;
            }
        }

        return (commonName, units);
    }
}
