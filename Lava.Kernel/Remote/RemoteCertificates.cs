using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Lava.Kernel;

/// <summary>
/// The certificate of a listening node. Nodes do not trust a CA: the dialing side pins the SHA-256
/// fingerprint of this certificate, so a self-signed one is the normal case.
/// </summary>
public static class RemoteCertificates
{
    /// <summary>
    /// Makes a self-signed ECDSA P-256 certificate for TLS servers, valid from now for
    /// <paramref name="validity"/> (10 years by default), with subject alternative names 127.0.0.1, ::1,
    /// localhost, this machine's host name and <paramref name="hostname"/> when given.
    /// </summary>
    public static X509Certificate2 CreateSelfSigned(string? hostname = null, TimeSpan? validity = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subjectName = hostname ?? Dns.GetHostName();
        var request = new CertificateRequest($"CN={subjectName}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        foreach (var name in new[] { "localhost", Dns.GetHostName(), hostname }.OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (IPAddress.TryParse(name, out var ip)) san.AddIpAddress(ip);
            else san.AddDnsName(name);
        }
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = DateTimeOffset.UtcNow;
        using var created = request.CreateSelfSigned(now.AddMinutes(-5), now.Add(validity ?? TimeSpan.FromDays(3650)));
        // Re-imported from PKCS#12 so that the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>Writes certificate and private key as a PKCS#12 (PFX) file.</summary>
    public static void SavePfx(X509Certificate2 certificate, string path, string? password = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, password));
    }

    /// <summary>Writes certificate and PKCS#8 private key as one PEM file.</summary>
    public static void SavePem(X509Certificate2 certificate, string path)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        AsymmetricAlgorithm key = (AsymmetricAlgorithm?)certificate.GetECDsaPrivateKey() ?? certificate.GetRSAPrivateKey()
            ?? throw new ArgumentException("the certificate has no ECDSA or RSA private key", nameof(certificate));
        using (key)
        {
            File.WriteAllText(path, certificate.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem() + "\n");
        }
    }

    /// <summary>Loads a certificate with its private key from a PEM file (certificate and key blocks) or a PFX file.</summary>
    public static X509Certificate2 Load(string path, string? password = null)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.AsSpan().StartsWith("-----BEGIN"u8))
        {
            var pem = File.ReadAllText(path);
            using var fromPem = X509Certificate2.CreateFromPem(pem, pem);
            return X509CertificateLoader.LoadPkcs12(fromPem.Export(X509ContentType.Pkcs12), null);
        }
        return X509CertificateLoader.LoadPkcs12(bytes, password);
    }

    /// <summary>The SHA-256 fingerprint of <paramref name="certificate"/>: 64 upper-case hex digits, no separators.</summary>
    public static string Sha256Fingerprint(X509Certificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Convert.ToHexString(certificate.GetCertHash(HashAlgorithmName.SHA256));
    }

    /// <summary>A fingerprint as <see cref="Sha256Fingerprint"/> writes it: separators (':' or spaces) removed, upper case.</summary>
    public static string NormalizeFingerprint(string fingerprint) =>
        new([.. fingerprint.Where(char.IsAsciiHexDigit).Select(char.ToUpperInvariant)]);
}
