using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Lava.Actors.Security;

namespace Lava.Actors.Tests.Security;

/// <summary>A lab CA in a temporary directory of its own, deleted afterwards, and certificates no lab CA would issue.</summary>
internal sealed class TestLab : IDisposable
{
    public TestLab()
    {
        DataDir = Path.Combine(Path.GetTempPath(), "lava-security-" + Guid.NewGuid().ToString("N"));
        Ca = CertificateAuthority.LoadOrCreate(DataDir);
        Trust = new LabTrust(Ca.Certificate);
    }

    public string DataDir { get; }

    public CertificateAuthority Ca { get; }

    public LabTrust Trust { get; }

    public X509Certificate2 Worker(string name) => Load(Ca.IssueWorker(name));

    public X509Certificate2 Master(string name) => Load(Ca.IssueMaster(name));

    public static X509Certificate2 Load(Lava.Actors.Lab.IssuedCertificate issued) =>
        NodeCertificates.WithPrivateKey(issued.CertificateDer, issued.PrivateKeyPkcs8);

    /// <summary>A certificate shaped like a lab node's, but signed by its own key.</summary>
    public static X509Certificate2 SelfSigned(string name, string unit)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = NodeRequest(name, unit, key);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    /// <summary>A node certificate signed with this lab's CA key (read from ca.key) for any validity period.</summary>
    public X509Certificate2 SignedByCa(string name, string unit, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var caKey = ECDsa.Create();
        caKey.ImportFromPem(File.ReadAllText(Path.Combine(DataDir, "ca.key")));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = NodeRequest(name, unit, key);
        using var signed = request.Create(Ca.Certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), notBefore, notAfter, [0x42, 0x17]);
        return signed.CopyWithPrivateKey(key);
    }

    public void Dispose() => Directory.Delete(DataDir, recursive: true);

    /// <summary>The file's Unix mode; Windows has none (ACLs are the operator's), so it reads as owner-only there.</summary>
    public static UnixFileMode ModeOf(string path) =>
        OperatingSystem.IsWindows() ? UnixFileMode.UserRead | UnixFileMode.UserWrite : File.GetUnixFileMode(path);

    private static CertificateRequest NodeRequest(string name, string unit, ECDsa key)
    {
        var request = new CertificateRequest($"CN={name}, OU={unit}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        return request;
    }
}
