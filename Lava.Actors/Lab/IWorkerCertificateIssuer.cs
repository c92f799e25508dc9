namespace Lava.Actors.Lab;

public interface IWorkerCertificateIssuer
{
    IssuedCertificate Issue(string workerName);
}

public sealed record IssuedCertificate(string Thumbprint, byte[] CertificateDer, byte[] PrivateKeyPkcs8, byte[] CaCertificateDer);
