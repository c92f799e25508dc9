using System.Globalization;
using System.Text;
using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Lava.Actors.Wire;
using Microsoft.Extensions.Logging;

namespace Lava.Actors.Cluster;

/// <summary>Addresses and paths shared by every Lava node.</summary>
public static class LavaNode
{
    /// <summary>The Akka address of the node at <paramref name="host"/>:<paramref name="port"/> (remoting over TLS).</summary>
    public static string Address(string host, int port) =>
        string.Create(CultureInfo.InvariantCulture, $"akka.ssl.tcp://{LavaRoles.SystemName}@{host}:{port}");

    /// <summary>
    /// The only paths other nodes may reach by actor selection (<c>akka.remote.untrusted-mode = on</c> drops every
    /// other selection): Akka.Cluster's gossip daemon and heartbeat receiver, which travel as selections, and
    /// Lava's identity and worker agents.
    /// </summary>
    public static IReadOnlyList<string> TrustedSelectionPaths { get; } =
    [
        "/system/cluster/core/daemon",
        "/system/cluster/heartbeatReceiver",
        NodeIdentityActor.Path,
        WorkerAgentPath,
    ];

    /// <summary>The path of the agent on a worker node.</summary>
    public const string WorkerAgentPath = "/user/worker";
}

/// <summary>Akka.Hosting wiring shared by the master and the worker hosts.</summary>
public static class LavaNodeHosting
{
    /// <summary>
    /// Remoting over TLS with mutual authentication, the cluster with Lava's roles and seed nodes, the split brain
    /// resolver, untrusted mode, Lava's serializer, logging through Microsoft.Extensions.Logging, and the node's
    /// identity actor at <see cref="NodeIdentityActor.Path"/>.
    /// </summary>
    public static AkkaConfigurationBuilder WithLavaNode(this AkkaConfigurationBuilder builder, LavaNodeSettings settings, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settings);
        var tlsLog = loggerFactory.CreateLogger("Lava.Cluster.Tls");
        var validator = NodeTls.Validator(settings.Trust, settings.AdmitInbound, (peer, reason) => LogMessages.TlsPeerRefused(tlsLog, peer, reason));
        return builder
            .ConfigureLoggers(loggers =>
            {
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
            })
            .AddHocon(Hocon(settings), HoconAddMode.Prepend)
            .WithRemoting(new RemoteOptions
            {
                HostName = settings.Hostname,
                PublicHostName = settings.Hostname,
                Port = settings.Port,
                EnableSsl = true,
                Ssl = new SslOptions
                {
                    X509Certificate = settings.Certificate,
                    SuppressValidation = false,
                    RequireMutualAuthentication = true,
                    // Peers are identified by the lab CA and, for members, by the identity proof, not by host names.
                    ValidateCertificateHostname = false,
                    CustomValidator = validator,
                },
            })
            .WithClustering(new ClusterOptions
            {
                Roles = [.. settings.Roles],
                SeedNodes = [.. settings.SeedNodes],
                // Only masters count: workers vanishing never down a master, a worker cut off from the oldest master is
                // downed (and rejoins as a new incarnation), and an oldest master left alone gives way to the others.
                SplitBrainResolver = new KeepOldestOption { Role = LavaRoles.Master, DownIfAlone = true },
            })
            .WithLavaSerialization()
            .WithActors((system, registry) =>
                registry.Register<NodeIdentityActor>(system.ActorOf(NodeIdentityActor.Props(settings.Certificate), NodeIdentityActor.Name)));
    }

    private static string Hocon(LavaNodeSettings settings)
    {
        var paths = LavaNode.TrustedSelectionPaths.Concat(settings.ExtraTrustedSelectionPaths ?? []);
        var hocon = new StringBuilder();
        // Members may not deploy actors here, send system messages such as PoisonPill by selection, or select paths
        // outside the list.
        hocon.AppendLine("akka.remote.untrusted-mode = on");
        hocon.Append("akka.remote.trusted-selection-paths = [")
            .AppendJoin(", ", paths.Select(p => "\"" + p + "\""))
            .AppendLine("]");
        return hocon.ToString();
    }
}
