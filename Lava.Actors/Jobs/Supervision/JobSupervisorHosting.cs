using System.Globalization;
using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Lava.Actors.Cluster;
using Lava.Actors.Jobs.Scheduling;

namespace Lava.Actors.Jobs.Supervision;

/// <summary>Akka.Hosting wiring of the job supervisors: a shard region on the masters, one <see cref="JobSupervisor"/> per job.</summary>
public static class JobSupervisorHosting
{
    /// <summary>The shard region's type name.</summary>
    public const string TypeName = "job";

    /// <summary>How many shards the jobs spread over: ten times the masters a lab would run.</summary>
    public const int Shards = 100;

    /// <summary>
    /// Starts the region of <see cref="JobSupervisor"/>s on role <c>master</c> and registers it as
    /// <see cref="JobSupervisorRegion"/>. <paramref name="services"/> runs once, when the region starts. The scheduler is
    /// looked up as <see cref="SchedulerProxy"/> when a supervisor first needs it, so its builder may come later.
    /// Entities are not remembered, and a submitted job's supervisor starts only when the job is first addressed (the
    /// intake journals its submission): after a restart the scheduler wakes the jobs it booked a device for (it sends
    /// <see cref="AssignDevice"/> again) and finds the Submitted ones in the read models; finished jobs passivate.
    /// </summary>
    public static AkkaConfigurationBuilder WithJobSupervisors(
        this AkkaConfigurationBuilder builder,
        JobSupervisorSettings settings,
        Func<ActorSystem, IActorRegistry, JobSupervisorServices> services)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(services);
        return builder.WithShardRegion<JobSupervisorRegion>(
            TypeName,
            (system, registry) =>
            {
                var shared = services(system, registry);
                return entityId => JobSupervisor.Props(
                    long.Parse(entityId, CultureInfo.InvariantCulture),
                    settings,
                    shared,
                    () => registry.Get<SchedulerProxy>(),
                    () => registry.Get<JobSupervisorRegion>());
            },
            new JobMessageExtractor(),
            new ShardOptions
            {
                Role = LavaRoles.Master,
                RememberEntities = false,
                StateStoreMode = StateStoreMode.DData,
                // A running job may be quiet for hours, and its worker talks to the supervisor itself, not through the region.
                ShouldPassivateIdleEntities = false,
                HandOffStopMessage = JobSupervisor.StopSupervisor.Instance,
            });
    }

    /// <summary>Routes every <see cref="IJobCommand"/> by its job id.</summary>
    internal sealed class JobMessageExtractor() : HashCodeMessageExtractor(Shards)
    {
        public override string? EntityId(object message) =>
            message is IJobCommand command ? command.JobId.ToString(CultureInfo.InvariantCulture) : null;
    }
}
