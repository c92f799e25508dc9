using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Lava.Actors.Lab;

namespace Lava.Actors.Security;

/// <summary>
/// Everything a worker needs to join the lab, as <c>./lava workers add NAME --token-file F</c> writes it and the
/// worker reads it: its name, the master's cluster endpoint (<c>host:port</c>), its certificate and private key,
/// and the lab's CA certificate. The file is UTF-8 <c>key=value</c> lines with <c>#</c> comments; binary values
/// are base64 DER.
/// </summary>
public sealed record WorkerCredentials(string Name, string MasterAddress, byte[] CertificateDer, byte[] PrivateKeyPkcs8, byte[] CaCertificateDer)
{
    private const string NameKey = "name";
    private const string MasterKey = "master";
    private const string CertificateKey = "certificate";
    private const string PrivateKeyKey = "key";
    private const string CaKey = "ca";

    /// <summary>The credentials of worker <paramref name="name"/> from what the CA issued to it.</summary>
    public static WorkerCredentials FromIssued(string name, string masterAddress, IssuedCertificate issued)
    {
        ArgumentNullException.ThrowIfNull(issued);
        return new WorkerCredentials(name, masterAddress, issued.CertificateDer, issued.PrivateKeyPkcs8, issued.CaCertificateDer);
    }

    /// <summary>The lab's CA certificate, a new instance on each read.</summary>
    public X509Certificate2 CaCertificate => X509CertificateLoader.LoadCertificate(CaCertificateDer);

    /// <summary>The worker's certificate with its private key, ready for TLS; a new instance on each call.</summary>
    public X509Certificate2 ToCertificateWithKey() => NodeCertificates.WithPrivateKey(CertificateDer, PrivateKeyPkcs8);

    /// <summary>Writes the file owner-only (0600), replacing any file at <paramref name="path"/> in one move.</summary>
    public void Write(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var text = new StringBuilder()
            .Append("# Lava worker credentials for ").Append(Name).Append('\n')
            .Append("# It holds the worker's private key: keep it secret, readable by the worker's user only.\n")
            .Append(NameKey).Append('=').Append(Name).Append('\n')
            .Append(MasterKey).Append('=').Append(MasterAddress).Append('\n')
            .Append(CertificateKey).Append('=').Append(Convert.ToBase64String(CertificateDer)).Append('\n')
            .Append(PrivateKeyKey).Append('=').Append(Convert.ToBase64String(PrivateKeyPkcs8)).Append('\n')
            .Append(CaKey).Append('=').Append(Convert.ToBase64String(CaCertificateDer)).Append('\n')
            .ToString();
        SecretFiles.Replace(path, Encoding.UTF8.GetBytes(text));
    }

    /// <summary>
    /// Reads and checks a credentials file: every key present once, the certificate the key's and issued by the
    /// CA in the file for this name. Unknown keys are ignored, so newer files stay readable. Any problem is a
    /// <see cref="CredentialsFileException"/> naming the file and the key.
    /// </summary>
    public static WorkerCredentials Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var values = Parse(path, File.ReadAllLines(path, Encoding.UTF8));
        var name = Required(path, values, NameKey);
        var master = Required(path, values, MasterKey);
        if (!IsHostAndPort(master))
        {
            throw new CredentialsFileException(path, $"key '{MasterKey}' must be the master's cluster endpoint as host:port, found '{master}'");
        }

        var credentials = new WorkerCredentials(
            name, master, Base64(path, values, CertificateKey), Base64(path, values, PrivateKeyKey), Base64(path, values, CaKey));
        credentials.Check(path);
        return credentials;
    }

    /// <inheritdoc/>
    public override string ToString() => $"WorkerCredentials {{ Name = {Name}, MasterAddress = {MasterAddress} }}"; // never the key

    private void Check(string path)
    {
        using var ca = Certificate(path, CaKey, CaCertificateDer);
        using var certificate = Certificate(path, CertificateKey, CertificateDer);
        try
        {
            using var key = ECDsa.Create();
            key.ImportPkcs8PrivateKey(PrivateKeyPkcs8, out _);
            using var publicKey = certificate.GetECDsaPublicKey();
            if (publicKey is null || !publicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()))
            {
                throw new CredentialsFileException(path, $"key '{PrivateKeyKey}' is not the private key of the certificate in key '{CertificateKey}'");
            }
        }
        catch (CryptographicException e)
        {
            throw new CredentialsFileException(path, $"key '{PrivateKeyKey}' is not a PKCS#8 ECDSA private key", e);
        }

        var verdict = new LabTrust(ca).Check(certificate);
        if (!verdict.Trusted)
        {
            throw new CredentialsFileException(path, $"the certificate in key '{CertificateKey}' is refused by the CA in key '{CaKey}': {verdict.Reason}");
        }

        if (verdict.Kind != NodeKind.Worker || verdict.Name != Name)
        {
            throw new CredentialsFileException(path, $"the certificate in key '{CertificateKey}' is for {verdict.Kind} '{verdict.Name}', not worker '{Name}' of key '{NameKey}'");
        }
    }

    private static Dictionary<string, string> Parse(string path, string[] lines)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new CredentialsFileException(path, $"line {i + 1} is not key=value");
            }

            var key = line[..equals].Trim();
            if (!values.TryAdd(key, line[(equals + 1)..].Trim()))
            {
                throw new CredentialsFileException(path, $"key '{key}' appears twice (line {i + 1})");
            }
        }

        return values;
    }

    private static string Required(string path, Dictionary<string, string> values, string key) =>
        !values.TryGetValue(key, out var value) ? throw new CredentialsFileException(path, $"missing key '{key}'")
        : value.Length == 0 ? throw new CredentialsFileException(path, $"key '{key}' is empty")
        : value;

    private static byte[] Base64(string path, Dictionary<string, string> values, string key)
    {
        try
        {
            return Convert.FromBase64String(Required(path, values, key));
        }
        catch (FormatException e)
        {
            throw new CredentialsFileException(path, $"key '{key}' is not base64", e);
        }
    }

    private static X509Certificate2 Certificate(string path, string key, byte[] der)
    {
        try
        {
            return X509CertificateLoader.LoadCertificate(der);
        }
        catch (CryptographicException e)
        {
            throw new CredentialsFileException(path, $"key '{key}' is not a DER X.509 certificate", e);
        }
    }

    private static bool IsHostAndPort(string endpoint)
    {
        var colon = endpoint.LastIndexOf(':');
        return colon > 0
            && ushort.TryParse(endpoint.AsSpan(colon + 1), out var port) && port > 0
            && !endpoint.AsSpan(0, colon).ContainsAny(" \t/");
    }
}
