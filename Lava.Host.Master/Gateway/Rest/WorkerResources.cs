using System.Text.Json.Serialization;
using Lava.Actors.Lab;
using Lava.Host.Master.Cluster;

namespace Lava.Host.Master.Gateway.Rest;

/// <summary>A worker as <c>/api/v0.2/workers/</c> shows it: LAVA's field names, display strings for state and health.</summary>
internal record WorkerResource(
    string Hostname,
    string Description,
    string State,
    string Health,
    DateTimeOffset? LastPing,
    int JobLimit,
    bool Enabled,
    bool TokenRevoked)
{
    public static WorkerResource From(Worker worker) => new(
        worker.Hostname,
        worker.Description,
        worker.State.ToString(),
        worker.Health.ToString(),
        worker.LastPing,
        worker.JobLimit,
        worker.Enabled,
        worker.TokenRevoked);
}

/// <summary>
/// The answer to creating a worker or issuing it a token: the worker's fields, its token (shown this once), and
/// what the worker needs to reach and trust the master's cluster port.
/// </summary>
internal sealed record WorkerTokenResource : WorkerResource
{
    private WorkerTokenResource(WorkerResource worker, string token, ClusterIdentity cluster)
        : base(worker)
    {
        Token = token;
        ClusterEndpoint = cluster.Endpoint;
        CertificateFingerprint = cluster.Fingerprint;
    }

    // After the worker's fields: the serializer would put a derived record's own properties first.
    [JsonPropertyOrder(1)]
    public string Token { get; }

    [JsonPropertyOrder(1)]
    public string ClusterEndpoint { get; }

    [JsonPropertyOrder(1)]
    public string CertificateFingerprint { get; }

    public static WorkerTokenResource From(IssuedWorkerToken issued, ClusterIdentity cluster) =>
        new(WorkerResource.From(issued.Worker), issued.Token, cluster);
}

/// <summary>Body of <c>POST /api/v0.2/workers/</c>; health is ACTIVE, MAINTENANCE or RETIRED (any case), <c>disabled</c> means RETIRED as in LAVA.</summary>
internal sealed record CreateWorkerRequest(string? Hostname, string? Description, string? Health, bool? Disabled);

/// <summary>Body of <c>PATCH /api/v0.2/workers/HOST/</c>; absent fields are unchanged.</summary>
internal sealed record UpdateWorkerRequest(string? Description, string? Health);

/// <summary>LAVA's (Django REST framework's) page of a list.</summary>
internal sealed record Page<T>(int Count, string? Next, string? Previous, IReadOnlyList<T> Results);
