using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lava.Actors.Lab;

/// <summary>
/// What a node presents in its cluster handshake, as UTF-8 JSON <c>{"role":…,"name":…,"secret":…}</c>.
/// A worker presents role <c>worker</c>, its name and its token; a master presents role <c>master</c>, its
/// cluster endpoint as name and the cluster's shared <c>lava.cluster.master-secret</c>.
/// </summary>
public sealed record ClusterCredential(
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("secret")] string Secret)
{
    /// <summary>The role of a worker node.</summary>
    public const string WorkerRole = "worker";

    /// <summary>The role of a master node.</summary>
    public const string MasterRole = "master";

    /// <summary>A worker's credential: its name and token.</summary>
    public static ClusterCredential ForWorker(string name, string token) => new(WorkerRole, name, token);

    /// <summary>A master's credential: its endpoint and the shared master secret.</summary>
    public static ClusterCredential ForMaster(string endpoint, string masterSecret) => new(MasterRole, endpoint, masterSecret);

    /// <summary>The credential as the handshake carries it.</summary>
    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this);

    /// <summary>Reads a handshake credential; null when it is empty or not such a JSON object.</summary>
    public static ClusterCredential? TryParse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) return null;
        try
        {
            var credential = JsonSerializer.Deserialize<ClusterCredential>(bytes);
            return credential is { Role: not null, Name: not null } ? credential with { Secret = credential.Secret ?? "" } : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
