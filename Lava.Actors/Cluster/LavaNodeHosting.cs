using System.Globalization;
using Akka.Cluster.Hosting;
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

    /// <summary>The path of the agent on a worker node.</summary>
    public const string WorkerAgentPath = "/user/worker";
}

/// <summary>Akka.Hosting wiring shared by the master and the worker hosts.</summary>
public static class LavaNodeHosting
{
    /// <summary>
    /// The node's configuration (reference.conf beneath it: untrusted mode, the split brain resolver), remoting over
    /// TLS with mutual authentication, the cluster with the node's roles and seed nodes, Lava's serializer, logging through Microsoft.Extensions.Logging, and the node's
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
            .AddHocon(settings.Config, HoconAddMode.Append)
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
            })
            .WithLavaSerialization()
            .WithActors((system, registry) =>
                registry.Register<NodeIdentityActor>(system.ActorOf(
                    settings.ClaimedName is null ? NodeIdentityActor.Props(settings.Certificate) : NodeIdentityActor.Props(settings.Certificate, settings.ClaimedName),
                    NodeIdentityActor.Name)));
    }
}
