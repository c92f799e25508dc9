using System.Net;
using System.Security.Cryptography.X509Certificates;
using Lava.Actors.Lab;
using Lava.Actors.Security;
using Xunit;

namespace Lava.Actors.Tests.Security;

public sealed class CertificateAuthoritySpec : IDisposable
{
    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuth = "1.3.6.1.5.5.7.3.2";

    private readonly TestLab _lab = new();

    public void Dispose() => _lab.Dispose();

    [Fact]
    public void First_start_creates_an_owner_only_key_and_a_ten_year_CA_certificate()
    {
        var keyPath = Path.Combine(_lab.DataDir, "ca.key");
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(keyPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, TestLab.ModeOf(keyPath));
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", File.ReadAllText(Path.Combine(_lab.DataDir, "ca.crt")));

        var ca = _lab.Ca.Certificate;
        Assert.Equal("CN=Lava lab CA", ca.Subject);
        Assert.False(ca.HasPrivateKey);
        var constraints = Assert.Single(ca.Extensions.OfType<X509BasicConstraintsExtension>());
        Assert.True(constraints.CertificateAuthority);
        Assert.True(constraints.HasPathLengthConstraint);
        Assert.Equal(0, constraints.PathLengthConstraint);
        Assert.Equal(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, ca.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages);
        Assert.InRange(ca.NotAfter - ca.NotBefore, TimeSpan.FromDays(3650), TimeSpan.FromDays(3660));
        Assert.Equal(NodeCertificates.Thumbprint(ca), _lab.Ca.Thumbprint);
        Assert.Empty(Directory.GetFiles(_lab.DataDir, "*.tmp"));
    }

    [Fact]
    public void Later_starts_load_the_same_CA()
    {
        var again = CertificateAuthority.LoadOrCreate(_lab.DataDir);

        Assert.Equal(_lab.Ca.Thumbprint, again.Thumbprint);
        Assert.True(_lab.Trust.Check(TestLab.Load(again.IssueWorker("w1"))).Trusted);
    }

    [Fact]
    public async Task Concurrent_first_starts_agree_on_one_CA()
    {
        var dataDir = Path.Combine(_lab.DataDir, "fresh");
        using var start = new Barrier(8);
        var thumbprints = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait(); // own threads (LongRunning): eight blocked pool threads would wait for the pool to grow
            return CertificateAuthority.LoadOrCreate(dataDir).Thumbprint;
        }, TaskCreationOptions.LongRunning)));

        Assert.Single(thumbprints.Distinct());
        Assert.Equal(thumbprints[0], CertificateAuthority.LoadOrCreate(dataDir).Thumbprint);
        Assert.Equal([".security.lock", "ca.crt", "ca.key"], Directory.GetFiles(dataDir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_CA_certificate_lost_after_a_crash_is_remade_from_the_key_and_still_trusts_what_was_issued()
    {
        var issued = _lab.Worker("w1");
        File.Delete(Path.Combine(_lab.DataDir, "ca.crt"));

        var remade = CertificateAuthority.LoadOrCreate(_lab.DataDir);

        Assert.True(new LabTrust(remade.Certificate).Check(issued).Trusted);
    }

    [Theory]
    [InlineData("ca.key")]
    [InlineData("ca.crt")]
    public void A_corrupt_file_is_an_error_naming_it(string file)
    {
        var path = Path.Combine(_lab.DataDir, file);
        File.WriteAllText(path, "-----BEGIN GARBAGE-----\nnot base64\n");

        var error = Assert.Throws<InvalidDataException>(() => CertificateAuthority.LoadOrCreate(_lab.DataDir));
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void A_certificate_that_is_not_the_keys_is_an_error_naming_it()
    {
        using var other = new TestLab();
        File.Copy(Path.Combine(other.DataDir, "ca.crt"), Path.Combine(_lab.DataDir, "ca.crt"), overwrite: true);

        var error = Assert.Throws<InvalidDataException>(() => CertificateAuthority.LoadOrCreate(_lab.DataDir));
        Assert.Contains(Path.Combine(_lab.DataDir, "ca.crt"), error.Message);
    }

    [Fact]
    public void A_worker_certificate_names_the_worker_and_chains_to_the_CA()
    {
        var issued = _lab.Ca.IssueWorker("rack1-worker");
        using var certificate = X509CertificateLoader.LoadCertificate(issued.CertificateDer);

        Assert.Equal("CN=rack1-worker, OU=lava-worker", certificate.Subject);
        Assert.Equal(_lab.Ca.Certificate.Subject, certificate.Issuer);
        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["rack1-worker"], san.EnumerateDnsNames());
        Assert.Empty(san.EnumerateIPAddresses());
        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages;
        Assert.Equal([ServerAuth, ClientAuth], usages.Cast<System.Security.Cryptography.Oid>().Select(o => o.Value));
        Assert.Equal(X509KeyUsageFlags.DigitalSignature, certificate.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages);
        Assert.False(certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.Equal(
            _lab.Ca.Certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single().SubjectKeyIdentifierBytes.ToArray(),
            certificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().Single().KeyIdentifier!.Value.ToArray());
        Assert.Single(certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>());
        Assert.Equal(16, certificate.SerialNumberBytes.Length);
        Assert.InRange(certificate.NotAfter - certificate.NotBefore, TimeSpan.FromDays(365 * 5), TimeSpan.FromDays(365 * 5 + 4));
        Assert.Equal(NodeCertificates.Thumbprint(certificate), issued.Thumbprint);
        Assert.Equal(_lab.Ca.Certificate.RawData, issued.CaCertificateDer);

        var verdict = _lab.Trust.Check(TestLab.Load(issued));
        Assert.Equal(new TrustVerdict(true, NodeKind.Worker, "rack1-worker", issued.Thumbprint, ""), verdict);
    }

    [Fact]
    public void A_worker_named_by_an_address_also_gets_an_IP_SAN()
    {
        using var certificate = X509CertificateLoader.LoadCertificate(_lab.Ca.IssueWorker("10.0.0.7").CertificateDer);

        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["10.0.0.7"], san.EnumerateDnsNames());
        Assert.Equal([IPAddress.Parse("10.0.0.7")], san.EnumerateIPAddresses());
    }

    [Fact]
    public void A_master_certificate_is_classified_as_a_master()
    {
        var issued = _lab.Ca.IssueMaster("lava-master.example.org");
        using var certificate = X509CertificateLoader.LoadCertificate(issued.CertificateDer);

        Assert.Equal("CN=lava-master.example.org, OU=lava-master", certificate.Subject);
        Assert.Equal(new TrustVerdict(true, NodeKind.Master, "lava-master.example.org", issued.Thumbprint, ""), _lab.Trust.Check(certificate));
    }

    [Fact]
    public void Reissuing_gives_a_new_key_and_thumbprint_and_both_stay_trusted()
    {
        IWorkerCertificateIssuer issuer = _lab.Ca;
        var first = issuer.Issue("w1");
        var second = issuer.Issue("w1");

        Assert.NotEqual(first.Thumbprint, second.Thumbprint);
        Assert.NotEqual(first.PrivateKeyPkcs8, second.PrivateKeyPkcs8);
        Assert.True(_lab.Trust.Check(TestLab.Load(first)).Trusted);
        Assert.True(_lab.Trust.Check(TestLab.Load(second)).Trusted);
    }

    [Theory]
    [InlineData("")]
    [InlineData("two words")]
    [InlineData("line\nbreak")]
    public void A_name_unfit_for_a_certificate_is_refused(string name) =>
        Assert.Throws<ArgumentException>(() => _lab.Ca.IssueWorker(name));

    [Fact]
    public void The_master_certificate_is_issued_once_then_reloaded()
    {
        using var first = _lab.Ca.LoadOrIssueMasterCertificate(_lab.DataDir, "m1");
        using var second = _lab.Ca.LoadOrIssueMasterCertificate(_lab.DataDir, "m1");

        Assert.True(second.HasPrivateKey);
        Assert.Equal(first.RawData, second.RawData);
        Assert.Equal(NodeKind.Master, _lab.Trust.Check(second).Kind);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, TestLab.ModeOf(Path.Combine(_lab.DataDir, "master.pfx")));
    }

    [Fact]
    public void A_master_certificate_from_another_CA_is_replaced()
    {
        using var other = new TestLab();
        other.Ca.LoadOrIssueMasterCertificate(other.DataDir, "m1").Dispose();
        File.Copy(Path.Combine(other.DataDir, "master.pfx"), Path.Combine(_lab.DataDir, "master.pfx"));

        using var certificate = _lab.Ca.LoadOrIssueMasterCertificate(_lab.DataDir, "m1");

        Assert.Equal(new TrustVerdict(true, NodeKind.Master, "m1", NodeCertificates.Thumbprint(certificate), ""), _lab.Trust.Check(certificate));
    }

    [Fact]
    public void An_expired_master_certificate_is_replaced()
    {
        using var expired = _lab.SignedByCa("m1", NodeCertificates.MasterUnit, DateTimeOffset.UtcNow.AddYears(-2), DateTimeOffset.UtcNow.AddDays(-1));
        File.WriteAllBytes(Path.Combine(_lab.DataDir, "master.pfx"), expired.Export(X509ContentType.Pkcs12));

        using var certificate = _lab.Ca.LoadOrIssueMasterCertificate(_lab.DataDir, "m1");

        Assert.NotEqual(expired.RawData, certificate.RawData);
        Assert.True(_lab.Trust.Check(certificate).Trusted);
    }
}
