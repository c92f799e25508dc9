using System.Security.Cryptography;
using System.Text;
using Lava.Actors.Lab;

namespace Lava.Actors.Tests.Lab;

/// <summary>
/// Stands in for the lab CA: each certificate gets a distinct lower-case thumbprint (the administration must store
/// it upper-case) and fake bytes; <see cref="Issued"/> lists the names it signed for.
/// </summary>
internal sealed class FakeCertificateIssuer : IWorkerCertificateIssuer
{
    public List<string> Issued { get; } = [];

    public string? NextThumbprint { get; set; }

    public IssuedCertificate Issue(string workerName)
    {
        Issued.Add(workerName);
        var der = Encoding.UTF8.GetBytes($"certificate {Issued.Count} of {workerName}");
        var thumbprint = NextThumbprint ?? Convert.ToHexStringLower(SHA256.HashData(der));
        return new IssuedCertificate(thumbprint, der, Encoding.UTF8.GetBytes("key"), Encoding.UTF8.GetBytes("ca"));
    }
}

/// <summary>Records what an observable publishes; publication is synchronous, so no waiting is needed.</summary>
internal sealed class RecordingObserver<T>(Action<T>? onNext = null) : IObserver<T>
{
    public List<T> Received { get; } = [];

    public void OnCompleted()
    {
    }

    public void OnError(Exception error) => throw error;

    public void OnNext(T value)
    {
        Received.Add(value);
        onNext?.Invoke(value);
    }
}
