using Akka.Cluster.Hosting;
using Akka.Hosting.Coordination;
using Akka.Hosting;
using Lava.Actors.Cluster;
using Lava.Actors.Lab.Store;

namespace Lava.Actors.Jobs.ReadModels;

/// <summary>Hosts the job read models' writer.</summary>
public static class JobProjectionHosting
{
    /// <summary>The singleton's name under <c>/user</c>.</summary>
    public const string SingletonName = "jobs-projection";

    /// <summary>
    /// Runs <see cref="JobsProjection"/> as a cluster singleton on role <c>master</c>, so the lab has one writer of the
    /// job tables; with <paramref name="lease"/> (PostgreSQL), masters that cannot see each other never both write.
    /// Needs <c>WithLavaPersistence</c> (the query journal) and the migrated <paramref name="database"/>.
    /// </summary>
    public static AkkaConfigurationBuilder WithJobProjections(
        this AkkaConfigurationBuilder builder,
        LabDatabase database,
        LeaseOptionBase? lease = null,
        JobProjectionSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithSingleton<JobsProjection>(
            SingletonName,
            JobsProjection.Props(database, settings),
            new ClusterSingletonOptions { Role = LavaRoles.Master, LeaseImplementation = lease },
            createProxyToo: false);
    }
}
