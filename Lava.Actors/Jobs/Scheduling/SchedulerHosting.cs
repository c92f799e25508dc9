using Akka.Cluster.Hosting;
using Akka.Hosting;
using Lava.Actors.Cluster;
using Lava.Actors.Coordination;
using Lava.Actors.Jobs.ReadModels;
using Lava.Actors.Lab;

namespace Lava.Actors.Jobs.Scheduling;

/// <summary>Akka.Hosting wiring of the <see cref="SchedulerSingleton"/>.</summary>
public static class SchedulerHosting
{
    /// <summary>
    /// Runs the scheduler as the cluster singleton of role <c>master</c> (manager at <c>/user/scheduler</c>) and
    /// registers its proxy under <see cref="SchedulerProxy"/>. With <paramref name="lease"/>, the singleton runs only
    /// while it holds that lease, so two masters that cannot see each other never both schedule. The job supervisors'
    /// region is looked up in the registry under <see cref="Supervision.JobSupervisorRegion"/> when the scheduler starts.
    /// </summary>
    public static AkkaConfigurationBuilder WithScheduler(
        this AkkaConfigurationBuilder builder,
        SchedulerSettings settings,
        IDeviceRegistry devices,
        IWorkerRegistry workers,
        IQueuedJobs queuedJobs,
        IJobIds jobIds,
        TimeProvider? time = null,
        PostgreSqlLeaseOption? lease = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Akka.Cluster.Hosting only points use-lease at the lease's section; the section itself is written here.
        if (lease is not null) builder.WithPostgreSqlLease(lease);
        return builder.WithSingleton<SchedulerProxy>(
            SchedulerSingleton.SingletonName,
            SchedulerSingleton.Props(settings, devices, workers, queuedJobs, jobIds, time ?? TimeProvider.System),
            new ClusterSingletonOptions
            {
                Role = LavaRoles.Master,
                TerminationMessage = SchedulerSingleton.StopScheduling.Instance,
                LeaseImplementation = lease,
            },
            createProxyToo: true);
    }
}
