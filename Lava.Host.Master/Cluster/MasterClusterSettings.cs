using Lava.Kernel.Configuration;

namespace Lava.Host.Master.Cluster;

/// <summary>How this master takes part in the cluster, from <c>lava.cluster.*</c> (hocon/reference.conf documents each key).</summary>
/// <param name="MasterSecret">The secret masters present to each other; empty: no other master may join this one.</param>
/// <param name="SeedNodes">HOST:PORT of masters to join; empty: this master starts the cluster alone.</param>
/// <param name="SeedFingerprint">SHA-256 fingerprint of the seed masters' cluster certificate.</param>
/// <param name="JoinRetryInterval">Pause between rounds of join attempts while no seed answers.</param>
internal sealed record MasterClusterSettings(string MasterSecret, IReadOnlyList<(string Host, int Port)> SeedNodes, string SeedFingerprint, TimeSpan JoinRetryInterval)
{
    public static MasterClusterSettings Create(Config config)
    {
        var seeds = config.GetStringList("lava.cluster.seed-nodes", []).Select(ParseSeed).ToList();
        var fingerprint = config.GetString("lava.cluster.seed-fingerprint", "");
        if (seeds.Count > 0 && fingerprint.Length == 0)
            throw new MasterUsageException("lava.cluster.seed-nodes is set but lava.cluster.seed-fingerprint is empty: the seeds' certificate must be pinned");
        var secret = config.GetString("lava.cluster.master-secret", "");
        if (seeds.Count > 0 && secret.Length == 0)
            throw new MasterUsageException("lava.cluster.seed-nodes is set but lava.cluster.master-secret is empty: masters join each other with it");
        return new MasterClusterSettings(secret, seeds, fingerprint, config.GetTimeSpan("lava.cluster.join-retry-interval", TimeSpan.FromSeconds(2)));
    }

    private static (string Host, int Port) ParseSeed(string seed)
    {
        var colon = seed.LastIndexOf(':');
        return colon > 0 && ushort.TryParse(seed.AsSpan(colon + 1), out var port) && port > 0
            ? (seed[..colon], port)
            : throw new MasterUsageException($"lava.cluster.seed-nodes: '{seed}' is not HOST:PORT");
    }
}
