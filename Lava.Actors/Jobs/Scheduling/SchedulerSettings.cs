using Akka.Configuration;

namespace Lava.Actors.Jobs.Scheduling;

/// <summary>How the scheduler singleton runs; bound from <c>lava.scheduler</c> by <see cref="FromConfig"/>.</summary>
/// <param name="SweepInterval">
/// How often the scheduler rereads the lab and the queue and schedules everything, as a safety net under the events it
/// reacts to at once (LAVA's loop runs every 20 s). <value>10 s by default.</value>
/// </param>
/// <param name="SnapshotEvery">Journaled events between two snapshots, so that recovery replays at most this many. <value>500 by default.</value></param>
public sealed record SchedulerSettings(TimeSpan SweepInterval, int SnapshotEvery)
{
    /// <summary>The configuration section read by <see cref="FromConfig"/>.</summary>
    public const string ConfigPath = "lava.scheduler";

    /// <summary>The defaults of reference.conf.</summary>
    public static SchedulerSettings Default { get; } = new(TimeSpan.FromSeconds(10), 500);

    /// <summary>Reads <c>lava.scheduler.sweep-interval</c> and <c>snapshot-every</c>, with the defaults for missing keys.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is not positive.</exception>
    public static SchedulerSettings FromConfig(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var section = config.GetConfig(ConfigPath) ?? Config.Empty;
        var settings = new SchedulerSettings(
            section.GetTimeSpan("sweep-interval", Default.SweepInterval),
            section.GetInt("snapshot-every", Default.SnapshotEvery));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(settings.SweepInterval, TimeSpan.Zero, "lava.scheduler.sweep-interval");
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.SnapshotEvery, 1, "lava.scheduler.snapshot-every");
        return settings;
    }
}
