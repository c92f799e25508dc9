using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Lava.Actors.Security;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Lava.Actors.Tests.Security;

public sealed class LabTrustSpec : IDisposable
{
    private readonly TestLab _lab = new();

    public void Dispose() => _lab.Dispose();

    [Fact]
    public void Workers_and_masters_of_this_lab_are_trusted_and_classified()
    {
        using var worker = _lab.Worker("w1");
        using var master = _lab.Master("m1");

        Assert.Equal(new TrustVerdict(true, NodeKind.Worker, "w1", NodeCertificates.Thumbprint(worker), ""), _lab.Trust.Check(worker));
        Assert.Equal(new TrustVerdict(true, NodeKind.Master, "m1", NodeCertificates.Thumbprint(master), ""), _lab.Trust.Check(master));
    }

    [Fact]
    public void A_certificate_from_another_lab_CA_with_the_same_names_is_refused()
    {
        using var other = new TestLab(); // same CA subject, same node names: only the key differs
        using var impostor = other.Worker("w1");

        var verdict = _lab.Trust.Check(impostor);

        Assert.False(verdict.Trusted);
        Assert.Equal(NodeKind.Unknown, verdict.Kind);
        Assert.Equal("certificate not issued by this lab's CA", verdict.Reason);
        Assert.Equal("w1", verdict.Name);
        Assert.Equal(NodeCertificates.Thumbprint(impostor), verdict.Thumbprint);
    }

    [Fact]
    public void A_self_signed_certificate_is_refused()
    {
        using var selfSigned = TestLab.SelfSigned("w1", NodeCertificates.WorkerUnit);

        Assert.Equal("certificate not issued by this lab's CA", _lab.Trust.Check(selfSigned).Reason);
    }

    [Fact]
    public void A_copy_of_the_CA_certificate_with_another_key_is_refused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Lava lab CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        using var fakeCa = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));

        Assert.False(_lab.Trust.Check(fakeCa).Trusted);
    }

    [Fact]
    public void No_certificate_is_refused()
    {
        var verdict = _lab.Trust.Check(null);

        Assert.False(verdict.Trusted);
        Assert.Equal("no certificate presented", verdict.Reason);
    }

    [Fact]
    public void A_certificate_expired_by_the_clock_is_refused()
    {
        using var worker = _lab.Worker("w1");
        var sixYearsOn = new FakeTimeProvider(DateTimeOffset.UtcNow.AddYears(6));

        var verdict = new LabTrust(_lab.Ca.Certificate, sixYearsOn).Check(worker);

        Assert.False(verdict.Trusted);
        Assert.StartsWith("certificate expired on ", verdict.Reason);
    }

    [Fact]
    public void A_certificate_the_CA_signed_with_a_past_validity_is_refused_as_expired()
    {
        using var expired = _lab.SignedByCa("w1", NodeCertificates.WorkerUnit, DateTimeOffset.UtcNow.AddYears(-1), DateTimeOffset.UtcNow.AddHours(-1));

        Assert.StartsWith("certificate expired on ", _lab.Trust.Check(expired).Reason);
    }

    [Fact]
    public void A_certificate_of_this_CA_without_a_lava_role_is_refused()
    {
        using var stranger = _lab.SignedByCa("w1", "accounting", DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        var verdict = _lab.Trust.Check(stranger);

        Assert.False(verdict.Trusted);
        Assert.StartsWith("certificate names no lava role", verdict.Reason);
    }

    [Fact]
    public void The_CA_certificate_itself_is_no_node()
    {
        Assert.StartsWith("certificate names no lava role", _lab.Trust.Check(_lab.Ca.Certificate).Reason);
    }

    [Fact]
    public void The_trust_outlives_the_callers_CA_certificate_instance()
    {
        using var worker = _lab.Worker("w1");
        using var ca = X509CertificateLoader.LoadCertificate(_lab.Ca.Certificate.RawData);
        var trust = new LabTrust(ca);
        ca.Dispose();

        Assert.True(trust.Check(worker).Trusted);
    }
}
