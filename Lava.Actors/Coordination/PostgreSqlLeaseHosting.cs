using Akka.Hosting;

namespace Lava.Actors.Coordination;

/// <summary>Akka.Hosting wiring of <see cref="PostgreSqlLease"/>.</summary>
public static class PostgreSqlLeaseHosting
{
    /// <summary>
    /// Writes the lease's section. Akka.Cluster.Hosting's <c>ClusterSingletonOptions.LeaseImplementation</c> only
    /// points <c>use-lease</c> at <see cref="PostgreSqlLeaseOption.ConfigPath"/> and never applies the option, so a
    /// host calls this with the same option it gives the singleton.
    /// </summary>
    public static AkkaConfigurationBuilder WithPostgreSqlLease(this AkkaConfigurationBuilder builder, PostgreSqlLeaseOption lease)
    {
        ArgumentNullException.ThrowIfNull(lease);
        lease.Apply(builder);
        return builder;
    }
}
