using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Lava.Host.Master.Cluster;

/// <summary>
/// The TLS identity of the master's cluster port: a certificate with its private key, and the SHA-256 fingerprint
/// that workers pin (they get it in their token file, so a self-signed certificate is enough).
/// </summary>
internal sealed class ClusterIdentity : IDisposable
{
    private const string CertificateFileName = "cluster.pfx";

    private ClusterIdentity(X509Certificate2 certificate, string path, string endpoint)
    {
        Certificate = certificate;
        Path = path;
        Endpoint = endpoint;
        Fingerprint = FormatFingerprint(certificate);
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>The file the certificate was loaded from.</summary>
    public string Path { get; }

    /// <summary>HOST:PORT of the cluster port: as configured, with the bound port once the port is open when port 0 was asked for.</summary>
    public string Endpoint { get; private set; }

    /// <summary>SHA-256 of the certificate's DER bytes as openssl prints it: upper-case hex pairs joined by ':'.</summary>
    public string Fingerprint { get; }

    /// <summary>
    /// Loads the configured certificate, or <c>&lt;data-dir&gt;/cluster.pfx</c>, making and saving that one (mode 0600)
    /// when it does not exist yet. A file once made is never replaced, so the fingerprint workers pinned stays valid.
    /// </summary>
    public static ClusterIdentity LoadOrCreate(MasterOptions options, ILogger logger)
    {
        if (options.CertificatePath is { } configured)
        {
            return new ClusterIdentity(Load(configured, options.CertificatePassword), configured, options.ClusterEndpoint);
        }

        var path = System.IO.Path.Combine(options.DataDir, CertificateFileName);
        if (!File.Exists(path))
        {
            Save(path, CreateSelfSigned());
            LogMessages.ClusterCertificateCreated(logger, path);
        }

        return new ClusterIdentity(Load(path, password: null), path, options.ClusterEndpoint);
    }

    /// <summary>Records the port the cluster port was bound to, for a configured port 0.</summary>
    public void Bound(int port)
    {
        var colon = Endpoint.LastIndexOf(':');
        Endpoint = $"{Endpoint[..colon]}:{port}";
    }

    public void Dispose() => Certificate.Dispose();

    private static X509Certificate2 Load(string path, string? password)
    {
        try
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, string.IsNullOrEmpty(password) ? null : password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new MasterUsageException($"cluster certificate {path}: {e.Message}");
        }
    }

    private static byte[] CreateSelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=lava-master", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        var machine = Dns.GetHostName();
        if (Uri.CheckHostName(machine) == UriHostNameType.Dns && machine != "localhost")
        {
            names.AddDnsName(machine);
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));
        return certificate.Export(X509ContentType.Pfx);
    }

    private static void Save(string path, byte[] pfx)
    {
        // Written aside and moved without overwrite: a crash leaves no half file, and a concurrent first start keeps the winner's.
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllBytes(temporary, []);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.WriteAllBytes(temporary, pfx);
        try
        {
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
        }
    }

    private static string FormatFingerprint(X509Certificate2 certificate) =>
        string.Join(':', Convert.ToHexString(SHA256.HashData(certificate.RawData)).Chunk(2).Select(pair => new string(pair)));
}
