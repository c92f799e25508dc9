namespace Lava.Devices.Actors;

/// <summary>How a worker's device actors run jobs.</summary>
/// <param name="WorkerName">The worker's name, reported in <c>JobRunReport</c> and written to <c>run.json</c>.</param>
/// <param name="DataDir">The worker's data directory; jobs live in its <c>jobs/</c>.</param>
/// <param name="RunnerCommand">The job runner's command; the job directory is appended as its last argument (<c>lava.worker.runner-command</c>).</param>
/// <param name="StopGrace">How long a runner has after SIGTERM before its process group is SIGKILLed (<c>lava.worker.runner-stop-grace</c>).</param>
/// <param name="ResendInterval">How often unacknowledged lines, cases and ends are sent again (<c>lava.worker.resend-interval</c>).</param>
public sealed record DeviceActorOptions(
    string WorkerName,
    string DataDir,
    IReadOnlyList<string> RunnerCommand,
    TimeSpan StopGrace,
    TimeSpan ResendInterval)
{
    /// <summary>How long the device's power-off command may run when the device actor runs it itself.</summary>
    public TimeSpan PowerOffTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Where devices fetch job N's files: the worker's file server, <c>FileServer + "jobs/N/"</c> (run.json's
    /// <c>fileServer</c>); null when the worker serves none.
    /// </summary>
    public Uri? FileServer { get; init; }

    /// <summary>
    /// How many warm job runners the worker keeps waiting for a job (<c>lava.worker.spare-runners</c>; see
    /// <see cref="Runs.SpareRunnerPool"/>): the runner command must then take <c>--spare DIR</c> too. 0: a runner is started for each job.
    /// </summary>
    public int SpareRunners { get; init; }

    /// <summary>
    /// How many job runners may start at once (<c>lava.worker.max-starting-runners</c>); the other jobs wait their turn
    /// in order, each saying so in its log. A runner counts as starting from its process's start to its first log line.
    /// The machine's core count by default: a runner's start is about half a second of one core.
    /// </summary>
    public int MaxStartingRunners
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            field = value;
        }
    } = Environment.ProcessorCount;

    /// <summary>
    /// How long new log lines may wait on the worker for more behind them (<c>lava.worker.log-linger</c>) when they do
    /// not fill a chunk: a slow console then goes to the master in a few chunks a second instead of one per look at the
    /// spool. A full chunk, and everything at the job's end, goes at once. Zero: as soon as nothing is in flight.
    /// </summary>
    public TimeSpan LogLinger { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest pause between two looks at a running job's spool when it does not grow.</summary>
    public TimeSpan MaxPollInterval { get; init; } = TimeSpan.FromMilliseconds(50);
}
