using Akka.Configuration;

namespace Lava.Actors.Jobs.Supervision;

/// <summary>The job supervisors' timings, bound from <c>lava.jobs</c>.</summary>
public sealed record JobSupervisorSettings
{
    /// <summary>The HOCON path of these settings.</summary>
    public const string ConfigPath = "lava.jobs";

    /// <summary>
    /// After a master restart, how long a Running job's supervisor waits for its worker to report the job still runs
    /// before it finishes the job Incomplete ("worker lost").
    /// </summary>
    /// <value>60 seconds by default.</value>
    public TimeSpan WorkerReportWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The first pause before <c>RunJob</c> is sent again when the worker has not reported; doubled each time.</summary>
    /// <value>2 seconds by default.</value>
    public TimeSpan RunJobRetry { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest pause between two sends of <c>RunJob</c>.</summary>
    /// <value>30 seconds by default.</value>
    public TimeSpan RunJobRetryMax { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often <c>StopJob</c> is sent again until the worker reports the job ended.</summary>
    /// <value>5 seconds by default.</value>
    public TimeSpan StopRetry { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a waiting MultiNode call asks the group members that have not answered it yet.</summary>
    /// <value>2 seconds by default.</value>
    public TimeSpan MultinodeRetry { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The master's margin over a job's own timeout before it stops the job, and again before it gives up waiting for
    /// the worker and finishes the job Incomplete with error type <c>LAVATimeout</c>.
    /// </summary>
    /// <value>30 seconds by default.</value>
    public TimeSpan TimeoutGrace { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Reads <c>lava.jobs</c> from <paramref name="config"/>; a missing key keeps its default.</summary>
    public static JobSupervisorSettings FromConfig(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var defaults = new JobSupervisorSettings();
        var jobs = config.GetConfig(ConfigPath);
        if (jobs is null || jobs.IsEmpty) return defaults;
        return new JobSupervisorSettings
        {
            WorkerReportWindow = jobs.GetTimeSpan("worker-report-window", defaults.WorkerReportWindow, allowInfinite: false),
            RunJobRetry = jobs.GetTimeSpan("run-job-retry", defaults.RunJobRetry, allowInfinite: false),
            RunJobRetryMax = jobs.GetTimeSpan("run-job-retry-max", defaults.RunJobRetryMax, allowInfinite: false),
            StopRetry = jobs.GetTimeSpan("stop-retry", defaults.StopRetry, allowInfinite: false),
            TimeoutGrace = jobs.GetTimeSpan("timeout-grace", defaults.TimeoutGrace, allowInfinite: false),
            MultinodeRetry = jobs.GetTimeSpan("multinode-retry", defaults.MultinodeRetry, allowInfinite: false),
        };
    }
}
