using System.Security.Cryptography.X509Certificates;
using Akka.Configuration;
using Lava.Actors.Security;

namespace Lava.Actors.Cluster;

/// <summary>How one Lava node takes part in the cluster; <see cref="LavaNodeHosting.WithLavaNode"/> turns it into Akka configuration.</summary>
/// <param name="Hostname">The address this node binds and advertises: other members dial it, so it must be reachable from every node.</param>
/// <param name="Port">The cluster port; 0 picks a free one (a worker's default).</param>
/// <param name="Certificate">This node's certificate, issued by the lab CA, with its private key.</param>
/// <param name="Trust">The lab CA that every peer's certificate must chain to.</param>
/// <param name="Roles">This node's cluster roles.</param>
/// <param name="SeedNodes">The masters to join, as Akka addresses (<see cref="LavaNode.Address"/>); the first master lists itself.</param>
/// <param name="AdmitInbound">Checks a trusted peer on inbound connections: null admits, a text refuses with that reason. Null: admit every trusted peer.</param>
/// <param name="Config">The node's configuration with reference.conf beneath it (<see cref="Configuration.LavaConfig.Load"/>).</param>
/// <param name="ClaimedName">The name this node's identity actor claims. Null: the certificate's own name; tests set another to play an impostor.</param>
public sealed record LavaNodeSettings(
    string Hostname,
    int Port,
    X509Certificate2 Certificate,
    LabTrust Trust,
    IReadOnlyList<string> Roles,
    IReadOnlyList<string> SeedNodes,
    Config Config,
    Func<TrustVerdict, string?>? AdmitInbound = null,
    string? ClaimedName = null);
