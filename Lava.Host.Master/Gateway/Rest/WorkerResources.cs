using System.Text.Json.Serialization;
using Lava.Actors.Lab;

namespace Lava.Host.Master.Gateway.Rest;

/// <summary>
/// A worker as <c>/api/v0.2/workers/</c> shows it: LAVA's field names, display strings for state and health.
/// <c>revoked</c> is ours: LAVA has no certificates to revoke.
/// </summary>
internal record WorkerResource(
    string Hostname,
    string Description,
    string State,
    string Health,
    DateTimeOffset? LastPing,
    int JobLimit,
    bool Enabled,
    bool Revoked)
{
    public static WorkerResource From(Worker worker) => new(
        worker.Hostname,
        worker.Description,
        worker.State.ToString(),
        worker.Health.ToString(),
        worker.LastPing,
        worker.JobLimit,
        worker.Enabled,
        worker.Revoked);
}

/// <summary>
/// The answer to creating a worker or issuing it a new certificate: the worker's fields and, shown this once and never
/// stored, its credentials (what `lava workers add --token-file` writes for the worker).
/// </summary>
internal sealed record WorkerCredentialsResource : WorkerResource
{
    private WorkerCredentialsResource(WorkerResource worker, CredentialsResource credentials)
        : base(worker) => Credentials = credentials;

    // After the worker's fields: the serializer would put a derived record's own properties first.
    [JsonPropertyOrder(1)]
    public CredentialsResource Credentials { get; }

    public static WorkerCredentialsResource From(IssuedWorkerCredentials issued, MasterClusterAddress cluster) =>
        new(WorkerResource.From(issued.Worker), new CredentialsResource(
            issued.Worker.Hostname,
            cluster.HostPort,
            Convert.ToBase64String(issued.Certificate.CertificateDer),
            Convert.ToBase64String(issued.Certificate.PrivateKeyPkcs8),
            Convert.ToBase64String(issued.Certificate.CaCertificateDer)));
}

/// <summary>A worker's credentials: its name, the master's cluster address, its certificate (base64 DER), key (base64 PKCS#8) and the lab CA (base64 DER).</summary>
internal sealed record CredentialsResource(string Name, string Master, string Certificate, string Key, string Ca);

/// <summary>Body of <c>POST /api/v0.2/workers/</c>; health is ACTIVE, MAINTENANCE or RETIRED (any case), <c>disabled</c> means RETIRED as in LAVA.</summary>
internal sealed record CreateWorkerRequest(string? Hostname, string? Description, string? Health, bool? Disabled);

/// <summary>Body of <c>PATCH /api/v0.2/workers/HOST/</c>; absent fields are unchanged.</summary>
internal sealed record UpdateWorkerRequest(string? Description, string? Health);

/// <summary>LAVA's (Django REST framework's) page of a list.</summary>
internal sealed record Page<T>(int Count, string? Next, string? Previous, IReadOnlyList<T> Results);
