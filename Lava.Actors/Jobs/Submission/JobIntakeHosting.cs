using Akka.Hosting;
using Lava.Actors.Jobs.Scheduling;

namespace Lava.Actors.Jobs.Submission;

/// <summary>Akka.Hosting wiring of the <see cref="JobIntake"/>.</summary>
public static class JobIntakeHosting
{
    /// <summary>The intake's actor name: it runs at <c>/user/job-intake</c> on each master.</summary>
    public const string Name = "job-intake";

    /// <summary>
    /// Starts this master's <see cref="JobIntake"/> and registers it under its own type. The scheduler is looked up as
    /// <see cref="SchedulerProxy"/> when the first jobs are journaled, so its builder may come later.
    /// </summary>
    public static AkkaConfigurationBuilder WithJobIntake(this AkkaConfigurationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithActors((system, registry) =>
            registry.Register<JobIntake>(system.ActorOf(JobIntake.Props(() => registry.Get<SchedulerProxy>()), Name)));
    }
}
