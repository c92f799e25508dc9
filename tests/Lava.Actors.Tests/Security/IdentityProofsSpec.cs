using Lava.Actors.Security;
using Xunit;

namespace Lava.Actors.Tests.Security;

public sealed class IdentityProofsSpec : IDisposable
{
    private const string Address = "akka.ssl.tcp://lava@10.0.0.7:4053";
    private static readonly string[] WorkerRoles = ["worker"];
    private static readonly string[] MasterRoles = ["master"];

    private readonly TestLab _lab = new();
    private readonly byte[] _nonce = IdentityProofs.NewNonce();

    public void Dispose() => _lab.Dispose();

    [Fact]
    public void Nonces_are_32_fresh_bytes()
    {
        Assert.Equal(32, _nonce.Length);
        Assert.NotEqual(_nonce, IdentityProofs.NewNonce());
    }

    [Fact]
    public void A_worker_proving_its_own_name_and_role_is_accepted()
    {
        using var worker = _lab.Worker("w1");
        var proof = IdentityProofs.Sign(worker, _nonce, Address, "w1", WorkerRoles);

        var verdict = IdentityProofs.Verify(_lab.Trust, proof, _nonce, Address, "w1", WorkerRoles);

        Assert.Equal(new ProofVerdict(true, NodeKind.Worker, "w1", NodeCertificates.Thumbprint(worker), ""), verdict);
    }

    [Fact]
    public void A_master_proving_the_master_role_is_accepted()
    {
        using var master = _lab.Master("m1");
        var proof = IdentityProofs.Sign(master, _nonce, Address, "m1", MasterRoles);

        var verdict = IdentityProofs.Verify(_lab.Trust, proof, _nonce, Address, "m1", MasterRoles);

        Assert.True(verdict.Valid, verdict.Reason);
        Assert.Equal(NodeKind.Master, verdict.Kind);
    }

    [Fact]
    public void Roles_are_compared_as_a_set()
    {
        using var worker = _lab.Worker("w1");
        var proof = IdentityProofs.Sign(worker, _nonce, Address, "w1", ["worker", "arm64", "worker"]);

        Assert.True(IdentityProofs.Verify(_lab.Trust, proof, _nonce, Address, "w1", ["arm64", "worker"]).Valid);
    }

    [Fact]
    public void A_proof_for_another_nonce_is_refused()
    {
        using var worker = _lab.Worker("w1");
        var replayed = IdentityProofs.Sign(worker, IdentityProofs.NewNonce(), Address, "w1", WorkerRoles);

        AssertRefused(IdentityProofs.Verify(_lab.Trust, replayed, _nonce, Address, "w1", WorkerRoles), "the signature does not cover");
    }

    [Fact]
    public void A_proof_for_another_address_is_refused()
    {
        using var worker = _lab.Worker("w1");
        var proof = IdentityProofs.Sign(worker, _nonce, Address, "w1", WorkerRoles);

        AssertRefused(IdentityProofs.Verify(_lab.Trust, proof, _nonce, "akka.ssl.tcp://lava@10.0.0.8:4053", "w1", WorkerRoles), "the signature does not cover");
    }

    [Fact]
    public void A_proof_for_other_roles_is_refused()
    {
        using var worker = _lab.Worker("w1");
        var proof = IdentityProofs.Sign(worker, _nonce, Address, "w1", WorkerRoles);

        AssertRefused(IdentityProofs.Verify(_lab.Trust, proof, _nonce, Address, "w1", ["worker", "extra"]), "the signature does not cover");
    }

    [Fact]
    public void A_worker_claiming_another_workers_name_is_refused()
    {
        using var worker = _lab.Worker("w1");
        var proof = IdentityProofs.Sign(worker, _nonce, Address, "w2", WorkerRoles);

        AssertRefused(IdentityProofs.Verify(_lab.Trust, proof, _nonce, Address, "w2", WorkerRoles), "the certificate is worker 'w1' but the member claims the name 'w2'");
    }

    [Fact]
    public void A_proof_moved_to_another_name_is_refused()
    {
        using var worker = _lab.Worker("w1");
        var proof = IdentityProofs.Sign(worker, _nonce, Address, "w1", WorkerRoles);

        AssertRefused(IdentityProofs.Verify(_lab.Trust, proof, _nonce, Address, "w2", WorkerRoles), "the signature does not cover");
    }

    [Fact]
    public void A_worker_certificate_never_makes_a_master()
    {
        using var worker = _lab.Worker("w1");
        var proof = IdentityProofs.Sign(worker, _nonce, Address, "w1", ["master", "worker"]);

        AssertRefused(IdentityProofs.Verify(_lab.Trust, proof, _nonce, Address, "w1", ["master", "worker"]), "a worker certificate never makes a master");
    }

    [Fact]
    public void A_worker_certificate_must_claim_the_worker_role()
    {
        using var worker = _lab.Worker("w1");
        var proof = IdentityProofs.Sign(worker, _nonce, Address, "w1", []);

        AssertRefused(IdentityProofs.Verify(_lab.Trust, proof, _nonce, Address, "w1", []), "does not claim the role 'worker'");
    }

    [Fact]
    public void A_master_certificate_cannot_claim_the_worker_role()
    {
        using var master = _lab.Master("m1");
        var proof = IdentityProofs.Sign(master, _nonce, Address, "w1", WorkerRoles);

        AssertRefused(IdentityProofs.Verify(_lab.Trust, proof, _nonce, Address, "w1", WorkerRoles), "which needs a worker certificate");
    }

    [Fact]
    public void A_certificate_from_another_CA_is_refused()
    {
        using var other = new TestLab();
        using var impostor = other.Master("m1");
        var proof = IdentityProofs.Sign(impostor, _nonce, Address, "m1", MasterRoles);

        AssertRefused(IdentityProofs.Verify(_lab.Trust, proof, _nonce, Address, "m1", MasterRoles), "certificate not issued by this lab's CA");
    }

    [Fact]
    public void A_tampered_signature_is_refused()
    {
        using var worker = _lab.Worker("w1");
        var proof = IdentityProofs.Sign(worker, _nonce, Address, "w1", WorkerRoles);
        var tampered = (byte[])proof.Signature.Clone();
        tampered[^1] ^= 1;

        AssertRefused(IdentityProofs.Verify(_lab.Trust, proof with { Signature = tampered }, _nonce, Address, "w1", WorkerRoles), "the signature does not cover");
    }

    [Fact]
    public void A_signature_by_one_worker_under_another_workers_certificate_is_refused()
    {
        using var w1 = _lab.Worker("w1");
        using var w2 = _lab.Worker("w2");
        var signedByW1 = IdentityProofs.Sign(w1, _nonce, Address, "w2", WorkerRoles);

        AssertRefused(
            IdentityProofs.Verify(_lab.Trust, signedByW1 with { CertificateDer = w2.RawData }, _nonce, Address, "w2", WorkerRoles),
            "the signature does not cover");
    }

    [Fact]
    public void Garbage_instead_of_a_certificate_is_refused()
    {
        var proof = new IdentityProof([1, 2, 3], [4, 5, 6]);

        AssertRefused(IdentityProofs.Verify(_lab.Trust, proof, _nonce, Address, "w1", WorkerRoles), "is not a DER X.509 certificate");
    }

    private static void AssertRefused(ProofVerdict verdict, string reason)
    {
        Assert.False(verdict.Valid);
        Assert.Equal(NodeKind.Unknown, verdict.Kind);
        Assert.Contains(reason, verdict.Reason);
    }
}
