using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Pattern;
using Akka.Hosting;
using Lava.Actors.Cluster;
using Lava.Actors.Coordination;
using Lava.Actors.Jobs.ReadModels;
using Lava.Actors.Lab;

namespace Lava.Actors.Jobs.Scheduling;

/// <summary>Akka.Hosting wiring of the <see cref="SchedulerSingleton"/>.</summary>
public static class SchedulerHosting
{
    private static readonly TimeSpan RestartMinBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RestartMaxBackoff = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Runs the scheduler as the cluster singleton of role <c>master</c> (manager at <c>/user/scheduler</c>, the
    /// scheduler under a backoff supervisor that starts it again after a failed journal write) and
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
        // A journal write that fails (a database outage, or a machine too loaded to commit within the journal's
        // timeout) stops a persistent actor, and a singleton manager never starts a stopped singleton again: the
        // scheduler would be gone until the master restarts. Under a backoff supervisor it starts again and recovers
        // its bookings from the journal; StopScheduling (a hand-over) still stops it for good.
        return builder.WithSingleton<SchedulerProxy>(
            SchedulerSingleton.SingletonName,
            Supervised(SchedulerSingleton.Props(settings, devices, workers, queuedJobs, jobIds, time ?? TimeProvider.System)),
            new ClusterSingletonOptions
            {
                Role = LavaRoles.Master,
                TerminationMessage = SchedulerSingleton.StopScheduling.Instance,
                LeaseImplementation = lease,
            },
            createProxyToo: true);
    }

    /// <summary><paramref name="scheduler"/> under a backoff supervisor that starts it again whenever it stops, except after <see cref="SchedulerSingleton.StopScheduling"/>.</summary>
    internal static Props Supervised(Props scheduler) => BackoffSupervisor.Props(
        Backoff.OnStop(scheduler, SchedulerSingleton.SingletonName, RestartMinBackoff, RestartMaxBackoff, 0.2, maxNrOfRetries: -1)
            .WithFinalStopMessage(m => m is SchedulerSingleton.StopScheduling));
}
