using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Lava.Actors.Security;
using Xunit;

namespace Lava.Actors.Tests.Security;

public sealed class WorkerCredentialsSpec : IDisposable
{
    private readonly TestLab _lab = new();
    private readonly string _path;

    public WorkerCredentialsSpec() => _path = Path.Combine(_lab.DataDir, "w1.credentials");

    public void Dispose() => _lab.Dispose();

    private WorkerCredentials Issued(string name = "w1") =>
        WorkerCredentials.FromIssued(name, "master.lab:4053", _lab.Ca.IssueWorker(name));

    [Fact]
    public void Credentials_survive_a_write_and_read_in_an_owner_only_file()
    {
        var written = Issued();
        written.Write(_path);

        var read = WorkerCredentials.Read(_path);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, TestLab.ModeOf(_path));
        Assert.Equal(("w1", "master.lab:4053"), (read.Name, read.MasterAddress));
        Assert.Equal(written.CertificateDer, read.CertificateDer);
        Assert.Equal(written.PrivateKeyPkcs8, read.PrivateKeyPkcs8);
        Assert.Equal(written.CaCertificateDer, read.CaCertificateDer);
        Assert.Equal(_lab.Ca.Thumbprint, NodeCertificates.Thumbprint(read.CaCertificate));
        Assert.DoesNotContain(Convert.ToBase64String(written.PrivateKeyPkcs8), read.ToString());
    }

    [Fact]
    public void The_certificate_with_key_signs_and_is_trusted()
    {
        Issued().Write(_path);

        using var certificate = WorkerCredentials.Read(_path).ToCertificateWithKey();

        Assert.True(certificate.HasPrivateKey);
        using var key = certificate.GetECDsaPrivateKey()!;
        using var publicKey = certificate.GetECDsaPublicKey()!;
        Assert.True(publicKey.VerifyData("x"u8, key.SignData("x"u8, HashAlgorithmName.SHA256), HashAlgorithmName.SHA256));
        Assert.Equal(NodeKind.Worker, new LabTrust(WorkerCredentials.Read(_path).CaCertificate).Check(certificate).Kind);
    }

    [Fact]
    public void Comments_blank_lines_spaces_and_unknown_keys_are_ignored()
    {
        Issued().Write(_path);
        File.WriteAllText(_path, "# header\n\n  future-key = 1 \n" + File.ReadAllText(_path).Replace("name=w1", " name = w1 "));

        Assert.Equal("w1", WorkerCredentials.Read(_path).Name);
    }

    [Theory]
    [InlineData("name")]
    [InlineData("master")]
    [InlineData("certificate")]
    [InlineData("key")]
    [InlineData("ca")]
    public void A_missing_key_is_named_with_the_file(string key)
    {
        Issued().Write(_path);
        File.WriteAllLines(_path, File.ReadAllLines(_path).Where(l => !l.StartsWith(key + "=", StringComparison.Ordinal)));

        var error = Assert.Throws<CredentialsFileException>(() => WorkerCredentials.Read(_path));

        Assert.Equal($"{_path}: missing key '{key}'", error.Message);
    }

    [Theory]
    [InlineData("certificate", "is not base64")]
    [InlineData("key", "is not base64")]
    [InlineData("ca", "is not base64")]
    [InlineData("name", "is empty")]
    public void A_bad_value_is_named_with_the_file(string key, string problem)
    {
        Issued().Write(_path);
        Replace(key, key == "name" ? "" : "@@not base64@@");

        var error = Assert.Throws<CredentialsFileException>(() => WorkerCredentials.Read(_path));

        Assert.Equal($"{_path}: key '{key}' {problem}", error.Message);
    }

    [Theory]
    [InlineData("master.lab")]
    [InlineData("master.lab:0")]
    [InlineData("master.lab:70000")]
    [InlineData(":4053")]
    public void A_master_that_is_not_host_and_port_is_refused(string master)
    {
        Issued().Write(_path);
        Replace("master", master);

        Assert.Contains("key 'master' must be the master's cluster endpoint as host:port", Assert.Throws<CredentialsFileException>(() => WorkerCredentials.Read(_path)).Message);
    }

    [Fact]
    public void An_IPv6_master_endpoint_is_accepted()
    {
        (Issued() with { MasterAddress = "[::1]:4053" }).Write(_path);

        Assert.Equal("[::1]:4053", WorkerCredentials.Read(_path).MasterAddress);
    }

    [Fact]
    public void Bytes_that_are_no_certificate_are_named()
    {
        Issued().Write(_path);
        Replace("certificate", Convert.ToBase64String("hello"u8));

        Assert.EndsWith("key 'certificate' is not a DER X.509 certificate", Assert.Throws<CredentialsFileException>(() => WorkerCredentials.Read(_path)).Message);
    }

    [Fact]
    public void A_private_key_of_another_certificate_is_refused()
    {
        (Issued() with { PrivateKeyPkcs8 = _lab.Ca.IssueWorker("w1").PrivateKeyPkcs8 }).Write(_path);

        Assert.EndsWith("key 'key' is not the private key of the certificate in key 'certificate'", Assert.Throws<CredentialsFileException>(() => WorkerCredentials.Read(_path)).Message);
    }

    [Fact]
    public void A_certificate_for_another_worker_is_refused()
    {
        (Issued("w2") with { Name = "w1" }).Write(_path);

        Assert.EndsWith("is for Worker 'w2', not worker 'w1' of key 'name'", Assert.Throws<CredentialsFileException>(() => WorkerCredentials.Read(_path)).Message);
    }

    [Fact]
    public void A_certificate_from_another_CA_is_refused()
    {
        using var other = new TestLab();
        (Issued() with { CaCertificateDer = other.Ca.Certificate.RawData }).Write(_path);

        Assert.EndsWith("is refused by the CA in key 'ca': certificate not issued by this lab's CA", Assert.Throws<CredentialsFileException>(() => WorkerCredentials.Read(_path)).Message);
    }

    [Fact]
    public void A_line_without_equals_and_a_repeated_key_are_refused()
    {
        Issued().Write(_path);
        var original = File.ReadAllText(_path);

        File.WriteAllText(_path, original + "garbage\n");
        Assert.Contains("is not key=value", Assert.Throws<CredentialsFileException>(() => WorkerCredentials.Read(_path)).Message);

        File.WriteAllText(_path, original + "name=w2\n");
        Assert.Contains("key 'name' appears twice", Assert.Throws<CredentialsFileException>(() => WorkerCredentials.Read(_path)).Message);
    }

    private void Replace(string key, string value) =>
        File.WriteAllLines(_path, File.ReadAllLines(_path, Encoding.UTF8).Select(l => l.StartsWith(key + "=", StringComparison.Ordinal) ? $"{key}={value}" : l));
}
