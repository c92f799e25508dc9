namespace Lava.Actors.Lab;

/// <summary>
/// Issues a worker its client and server certificate, signed by the lab's certificate authority (CN and DNS SAN =
/// the worker name, OU=lava-worker). <see cref="WorkerAdministration"/> calls it when an admin adds a worker or
/// asks for a new certificate; only the thumbprint is stored, the key is handed to the admin once.
/// </summary>
public interface IWorkerCertificateIssuer
{
    /// <summary>A new certificate and private key for <paramref name="workerName"/>; throws when the CA cannot sign.</summary>
    IssuedCertificate Issue(string workerName);
}

/// <summary>A certificate just issued to a worker, with what the worker needs to present it and to trust the masters.</summary>
/// <param name="Thumbprint">Upper-case hex SHA-256 of <paramref name="CertificateDer"/>: what admission compares.</param>
/// <param name="CertificateDer">The worker's certificate, DER-encoded.</param>
/// <param name="PrivateKeyPkcs8">The certificate's private key, PKCS#8; never stored by the master.</param>
/// <param name="CaCertificateDer">The lab CA's certificate, DER-encoded, which the worker trusts for masters.</param>
public sealed record IssuedCertificate(string Thumbprint, byte[] CertificateDer, byte[] PrivateKeyPkcs8, byte[] CaCertificateDer);
