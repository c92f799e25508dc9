using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Lava.Actors.Lab;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lava.Actors.Security;

/// <summary>
/// The lab's certificate authority: an ECDSA P-256 key in <c>ca.key</c> and its self-signed certificate in
/// <c>ca.crt</c>, both in the master's data directory. It issues the certificates that workers and masters present
/// in mutual TLS; <see cref="LabTrust"/> accepts exactly the certificates it issued.
/// </summary>
public sealed class CertificateAuthority : IWorkerCertificateIssuer
{
    /// <summary>The CA certificate's subject.</summary>
    public const string SubjectName = "CN=Lava lab CA";

    private static readonly TimeSpan CaLifetime = TimeSpan.FromDays(3653);
    private static readonly TimeSpan NodeLifetime = TimeSpan.FromDays(1826);
    private static readonly TimeSpan ClockSkew = TimeSpan.FromDays(1); // a node whose clock lags still accepts a new certificate

    private readonly ECDsa _key;
    private readonly X509AuthorityKeyIdentifierExtension _authorityKeyId;

    private CertificateAuthority(ECDsa key, X509Certificate2 certificate)
    {
        _key = key;
        Certificate = certificate;
        Thumbprint = NodeCertificates.Thumbprint(certificate);
        _authorityKeyId = X509AuthorityKeyIdentifierExtension.CreateFromCertificate(certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false);
    }

    /// <summary>The CA certificate, without its private key: what every node trusts.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The CA certificate's <see cref="NodeCertificates.Thumbprint(X509Certificate2)"/>.</summary>
    public string Thumbprint { get; }

    /// <summary>
    /// Loads the CA from <paramref name="dataDir"/>, creating it on first start. Concurrent first starts agree on
    /// one CA (they take turns under a lock file; each file is moved into place complete and only if absent), and a
    /// start that crashed between the key and the certificate is completed from the key. A file that cannot be
    /// parsed, or a certificate that is not the key's, is an <see cref="InvalidDataException"/> naming the file.
    /// </summary>
    public static CertificateAuthority LoadOrCreate(string dataDir, ILogger? log = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDir);
        log ??= NullLogger.Instance;
        using var exclusive = SecretFiles.Exclusive(dataDir);
        var keyPath = Path.Combine(dataDir, "ca.key");
        var certificatePath = Path.Combine(dataDir, "ca.crt");

        if (!File.Exists(keyPath))
        {
            using var fresh = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            if (SecretFiles.TryCreate(keyPath, PemEncoding.WriteUtf8("PRIVATE KEY"u8, fresh.ExportPkcs8PrivateKey())))
            {
                SecurityLog.CaKeyCreated(log, keyPath);
            }
        }
        else if (SecretFiles.IsExposed(keyPath))
        {
            SecurityLog.CaKeyExposed(log, keyPath);
        }

        var key = ReadKey(keyPath);
        try
        {
            if (!File.Exists(certificatePath))
            {
                using var created = CreateCaCertificate(key);
                SecretFiles.TryCreate(certificatePath, PemEncoding.WriteUtf8("CERTIFICATE"u8, created.RawData));
            }

            var certificate = ReadCertificate(certificatePath, key);
            var authority = new CertificateAuthority(key, certificate);
            SecurityLog.CaLoaded(log, authority.Thumbprint, dataDir, certificate.NotAfter);
            return authority;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>A new certificate and key for worker <paramref name="workerName"/> (CN and DNS SAN = the name, OU=lava-worker).</summary>
    public IssuedCertificate IssueWorker(string workerName) => Issue(workerName, NodeCertificates.WorkerUnit);

    /// <summary>A new certificate and key for master <paramref name="masterName"/> (CN and DNS SAN = the name, OU=lava-master).</summary>
    public IssuedCertificate IssueMaster(string masterName) => Issue(masterName, NodeCertificates.MasterUnit);

    IssuedCertificate IWorkerCertificateIssuer.Issue(string workerName) => IssueWorker(workerName);

    /// <summary>
    /// The master's own TLS certificate from <c>master.pfx</c> in <paramref name="dataDir"/>: issued by this CA on
    /// first use, reloaded afterwards, and re-issued when the file holds a certificate this CA does not trust for
    /// <paramref name="masterName"/> (another CA's, expired, or for another name).
    /// </summary>
    public X509Certificate2 LoadOrIssueMasterCertificate(string dataDir, string masterName)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDir);
        NodeCertificates.ThrowIfUnfitName(masterName, nameof(masterName));
        var path = Path.Combine(dataDir, "master.pfx");
        using var exclusive = SecretFiles.Exclusive(dataDir);
        if (File.Exists(path))
        {
            var existing = LoadMasterPfx(path);
            if (new LabTrust(Certificate).Check(existing) is { Trusted: true, Kind: NodeKind.Master } verdict && verdict.Name == masterName)
            {
                return existing;
            }

            existing.Dispose();
            SecretFiles.Replace(path, IssueMasterPfx(masterName));
            return NodeCertificates.LoadPkcs12File(path);
        }

        SecretFiles.TryCreate(path, IssueMasterPfx(masterName));
        return NodeCertificates.LoadPkcs12File(path);
    }

    private static X509Certificate2 LoadMasterPfx(string path)
    {
        try
        {
            return NodeCertificates.LoadPkcs12File(path);
        }
        catch (CryptographicException e)
        {
            throw new InvalidDataException($"{path}: not a PKCS#12 file without password ({e.Message})", e);
        }
    }

    private byte[] IssueMasterPfx(string masterName)
    {
        var issued = IssueMaster(masterName);
        using var certificate = NodeCertificates.WithPrivateKey(issued.CertificateDer, issued.PrivateKeyPkcs8);
        return certificate.Export(X509ContentType.Pkcs12);
    }

    private IssuedCertificate Issue(string name, string unit)
    {
        NodeCertificates.ThrowIfUnfitName(name, nameof(name));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(NodeCertificates.Subject(name, unit), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [Oid.FromOidValue("1.3.6.1.5.5.7.3.1", OidGroup.EnhancedKeyUsage), Oid.FromOidValue("1.3.6.1.5.5.7.3.2", OidGroup.EnhancedKeyUsage)],
            critical: false)); // every node is both TLS server and client: members dial each other
        request.CertificateExtensions.Add(NodeCertificates.SubjectAlternativeName(name));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(_authorityKeyId);

        var now = DateTimeOffset.UtcNow;
        var notAfter = Min(now + NodeLifetime, Certificate.NotAfter.ToUniversalTime()); // never outlive the CA
        using var certificate = request.Create(
            Certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(_key), now - ClockSkew, notAfter, NewSerialNumber());
        return new IssuedCertificate(NodeCertificates.Thumbprint(certificate), certificate.RawData, key.ExportPkcs8PrivateKey(), Certificate.RawData);
    }

    private static byte[] NewSerialNumber()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x40); // DER INTEGER: positive and minimal, so every parser reads the same 16 bytes
        return serial;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static X509Certificate2 CreateCaCertificate(ECDsa key)
    {
        var request = new CertificateRequest(SubjectName, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true)); // pathlen 0: it signs nodes, never other CAs
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now - ClockSkew, now + CaLifetime);
    }

    private static ECDsa ReadKey(string path)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(path));
            if (key.KeySize != 256)
            {
                throw new InvalidDataException($"{path}: the lab CA key must be ECDSA P-256, found a {key.KeySize}-bit key");
            }

            return key;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new InvalidDataException($"{path}: not a PEM PKCS#8 ECDSA private key ({e.Message})", e);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    private static X509Certificate2 ReadCertificate(string path, ECDsa key)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPem(File.ReadAllText(path));
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            throw new InvalidDataException($"{path}: not a PEM certificate ({e.Message})", e);
        }

        using var publicKey = certificate.GetECDsaPublicKey();
        if (publicKey is null || !publicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()))
        {
            certificate.Dispose();
            throw new InvalidDataException($"{path}: this certificate is not the one of the CA key beside it");
        }

        return certificate;
    }
}
