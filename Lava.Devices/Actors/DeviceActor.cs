using Akka.Actor;
using Akka.Event;
using Lava.Actors.Jobs.Logs;
using Lava.Actors.Jobs.Running;
using Lava.Devices.Runs;

namespace Lava.Devices.Actors;

/// <summary>
/// The only owner of one device on the worker, running one job at a time in a job runner process (see
/// <see cref="RunnerProcess"/>) and streaming what the runner spools to the job's supervisor. Answers
/// <see cref="RunJob"/> and <see cref="QueryJob"/> with <see cref="JobRunReport"/> and then streams
/// <see cref="JobLogChunk"/> and <see cref="JobResultsChunk"/> from the acknowledged position to the asker; keeps every
/// line and case until <see cref="JobProgressAck"/> and sends the rest again every resend interval; once the runner
/// ended and everything was sent, sends <see cref="JobRunEnded"/> until <see cref="JobRunEndAck"/>, then deletes the job's
/// directory. <see cref="StopJob"/> stops the runner (SIGTERM, SIGKILL after the grace, then the device's power-off).
/// Created by <see cref="DeviceActors"/>, which also hands it the jobs a restarted worker finds (<see cref="AdoptJob"/>).
/// </summary>
public sealed partial class DeviceActor : ReceiveActor, IWithTimers
{
    private const string PollTimer = "poll";
    private const string ResendTimer = "resend";
    private const string KillTimer = "kill";
    private static readonly TimeSpan MinPollInterval = TimeSpan.FromMilliseconds(5);

    private readonly string _device;
    private readonly DeviceActorOptions _options;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly SpareRunnerPool? _spares;
    private JobRun? _run;

    public DeviceActor(string device, DeviceActorOptions options, SpareRunnerPool? spares = null)
    {
        _device = device;
        _options = options;
        _spares = spares;
        Receive<RunJob>(OnRunJob);
        Receive<QueryJob>(OnQueryJob);
        Receive<StopJob>(OnStopJob);
        Receive<JobProgressAck>(OnProgressAck);
        Receive<JobRunEndAck>(OnEndAck);
        Receive<AdoptJob>(OnAdopt);
        Receive<Poll>(p => OnPoll(p.JobId));
        Receive<Resend>(_ => ResendUnacknowledged());
        Receive<RunnerExited>(e => { if (_run?.JobId == e.JobId) OnRunnerGone(); });
        Receive<KillRunner>(k => { if (_run?.JobId == k.JobId && _run.End is null) _run.Runner?.Signal(RunnerProcess.SigKill); });
        Receive<PoweredOff>(OnPoweredOff);
        Receive<MultinodeAnswer>(OnMultinodeAnswer);
        Receive<RunnerStartQueued>(OnStartQueued);
        Receive<RunnerStartGranted>(OnStartGranted);
        Receive<StartWindowOver>(o => { if (_run?.JobId == o.JobId && _run.Start == RunnerStart.Starting) StartDone(_run); });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>The props of the actor of <paramref name="device"/>.</summary>
    public static Props Props(string device, DeviceActorOptions options) => Props(device, options, null);

    /// <summary>The props of the actor of <paramref name="device"/>, starting its jobs in the worker's warm <paramref name="spares"/> when one is ready.</summary>
    public static Props Props(string device, DeviceActorOptions options, SpareRunnerPool? spares) =>
        Akka.Actor.Props.Create(() => new DeviceActor(device, options, spares));

    protected override void PostStop()
    {
        // The runner goes on without us; a new incarnation adopts it from the job's directory.
        if (_run is { } run)
        {
            StartDone(run);
            PersistAcked(run);
            run.Dispose();
        }
    }

    protected override void PostRestart(Exception reason)
    {
        base.PostRestart(reason);
        // A crash lost the job in memory, not its runner: take it up again from its directory.
        var root = JobDirectory.JobsRoot(_options.DataDir);
        if (!Directory.Exists(root)) return;
        foreach (var path in Directory.EnumerateDirectories(root))
        {
            var directory = new JobDirectory(path);
            if (!File.Exists(directory.EndedFile) && directory.ReadRun() is { } run && run.Device == _device)
                Self.Tell(new AdoptJob(run.JobId));
        }
    }

    private JobRunReport Report(long jobId) => new(jobId, _device, _options.WorkerName,
        Running: _run?.JobId == jobId && _run.End is null, Ended: _run?.JobId == jobId && _run.End is not null);

    private void OnRunJob(RunJob run)
    {
        if (_run is null)
        {
            Start(run);
        }
        else if (_run.JobId != run.JobId)
        {
            Sender.Tell(new JobRunReport(run.JobId, _device, _options.WorkerName, Running: false, Ended: false));
            return;
        }
        // A new or restarted supervisor takes the stream over from what it has stored.
        _run!.Supervisor = Sender;
        Acknowledge(_run, run.NextLogLine, run.NextTestCase);
        Sender.Tell(Report(run.JobId));
        ResendUnacknowledged();
    }

    private void OnQueryJob(QueryJob query)
    {
        Sender.Tell(Report(query.JobId));
        if (_run?.JobId != query.JobId) return;
        _run.Supervisor = Sender;
        ResendUnacknowledged();
    }

    private void OnStopJob(StopJob stop)
    {
        if (_run?.JobId != stop.JobId)
        {
            Sender.Tell(new JobRunEnded(stop.JobId, _device, "fail", "Canceled", "", 0, 0));
            return;
        }
        _run.Supervisor = Sender;
        if (_run.End is not null || _run.StopReason is not null)
        {
            ResendUnacknowledged();
            return;
        }
        _log.Info("Stopping job {JobId} on {DeviceId}: {Reason}", stop.JobId, _device, stop.Reason);
        _run.StopReason = stop.Reason;
        if (_run.Start == RunnerStart.Asked)
        {
            CancelWaiting(_run);
            return;
        }
        if (_run.Runner is { } runner && runner.IsAlive())
        {
            runner.Signal(RunnerProcess.SigTerm);
            Timers.StartSingleTimer(KillTimer, new KillRunner(stop.JobId), _options.StopGrace);
        }
        else
        {
            OnRunnerGone();
        }
    }

    private void OnProgressAck(JobProgressAck ack)
    {
        if (_run?.JobId != ack.JobId) return;
        Acknowledge(_run, ack.LogLines, ack.TestCases);
        // What the runner wrote since the last poll goes at once: a fast console then streams at the pace of the
        // acknowledgements, not of the polls.
        _run.Log.Scan();
        _run.Results.Scan();
        SendNew(_run);
    }

    private void OnEndAck(JobRunEndAck ack)
    {
        if (_run?.JobId != ack.JobId || _run.End is null) return;
        var run = _run;
        _run = null;
        Timers.CancelAll();
        run.Dispose();
        File.WriteAllText(run.Directory.EndedFile, "");
        try
        {
            Directory.Delete(run.Directory.Path, recursive: true);
        }
        catch (IOException e)
        {
            _log.Warning("Could not delete {Directory} of job {JobId}: {Error}", run.Directory.Path, run.JobId, e.Message);
        }
    }

    private void Start(RunJob job)
    {
        var directory = JobDirectory.For(_options.DataDir, job.JobId);
        // A directory left by an earlier run of this id that no device adopted holds nothing worth keeping.
        if (Directory.Exists(directory.Path)) Directory.Delete(directory.Path, recursive: true);
        var files = _options.FileServer is { } server ? new Uri(server, $"jobs/{job.JobId.ToString(System.Globalization.CultureInfo.InvariantCulture)}/").ToString() : null;
        var multinode = job.Group is { } group ? new RunMultinode(job.JobId, group.GetValueOrDefault(job.JobId, ""), group) : null;
        directory.Prepare(new RunInfo(job.JobId, _device, _options.WorkerName, (long)job.JobTimeout.TotalSeconds, files, multinode), job.Definition, job.DeviceConfiguration);
        _run = new JobRun(job.JobId, directory);
        if (_spares?.TryHand(directory) is { } spare)
        {
            Launched(_run, spare, "was a spare");
            Context.Parent.Tell(SpareUsed.Instance);
            return;
        }
        AskForStart(_run);
    }

    private void Launched(JobRun run, RunnerProcess runner, string how)
    {
        run.Runner = runner;
        _log.Info("Job {JobId} on {DeviceId}: runner {Pid} {How}", run.JobId, _device, runner.Pid, how);
        Watch(run);
    }

    private void OnAdopt(AdoptJob adopt)
    {
        if (_run is not null)
        {
            _log.Warning("Device {DeviceId} runs job {JobId}; job {Other} found in its directory is left alone", _device, _run.JobId, adopt.JobId);
            return;
        }
        var directory = JobDirectory.For(_options.DataDir, adopt.JobId);
        var run = new JobRun(adopt.JobId, directory) { Runner = RunnerProcess.Adopt(directory) };
        _run = run;
        var acked = directory.ReadAcked();
        run.Log.Scan();
        run.Results.Scan();
        Acknowledge(run, acked.LogLines, acked.TestCases);
        ReadAnswered(run);
        if (directory.ReadEnd() is { } end)
        {
            run.End = end;
        }
        else if (!File.Exists(directory.PidFile))
        {
            // runner.pid is written as the runner starts: this job was waiting for its turn to start one when the
            // worker stopped, and waits again.
            _log.Info("Job {JobId} on {DeviceId}: its runner had not started; it asks for its turn again", adopt.JobId, _device);
            AskForStart(run);
            return;
        }
        else if (run.Runner is null || !run.Runner.IsAlive())
        {
            Died(run, run.Runner is null ? "no runner.pid" : run.Runner.ExitDescription());
            return;
        }
        _log.Info("Job {JobId} on {DeviceId}: adopted runner {Pid}, acknowledged {Lines} lines", adopt.JobId, _device, run.Runner?.Pid, acked.LogLines);
        Watch(run);
    }

    /// <summary>Starts looking at the runner's spool and waiting for its end.</summary>
    private void Watch(JobRun run)
    {
        var jobId = run.JobId;
        run.PollInterval = MinPollInterval;
        Timers.StartSingleTimer(PollTimer, new Poll(jobId), MinPollInterval);
        Timers.StartPeriodicTimer(ResendTimer, Resend.Instance, _options.ResendInterval);
        if (run.End is null && run.Runner is { IsChild: true } runner)
            runner.WaitForExitAsync(run.Stopping.Token).PipeTo(Self, success: () => new RunnerExited(jobId), failure: _ => new RunnerExited(-1));
    }

    private void OnPoll(long jobId)
    {
        if (_run?.JobId != jobId) return;
        var run = _run;
        var before = (run.Log.Lines, run.Results.Lines);
        run.Log.Scan();
        run.Results.Scan();
        var grew = (run.Log.Lines, run.Results.Lines) != before | ScanMultinode(run);
        if (run.Start == RunnerStart.Starting && run.Log.Lines > run.LinesAtLaunch) StartDone(run);
        SendNew(run);
        if (run.End is null && run.Runner is { IsChild: false } adopted && !adopted.IsAlive())
        {
            OnRunnerGone();
        }
        if (run.End is not null || run.PoweringOff) return;
        // Fast while the runner writes, backing off while it is quiet.
        run.PollInterval = grew ? MinPollInterval : TimeSpan.FromTicks(Math.Min(run.PollInterval.Ticks * 2, _options.MaxPollInterval.Ticks));
        Timers.StartSingleTimer(PollTimer, new Poll(jobId), run.PollInterval);
    }

    /// <summary>The runner process ended: its end.json ends the job, or the job ends as canceled or as a runner death.</summary>
    private void OnRunnerGone()
    {
        var run = _run!;
        StartDone(run);
        if (run.End is not null || run.PoweringOff) return;
        Timers.Cancel(KillTimer);
        Timers.Cancel(PollTimer);
        run.Log.Scan();
        run.Results.Scan();
        if (run.Directory.ReadEnd() is { } end)
        {
            Ended(run, end);
        }
        else if (run.StopReason is not null)
        {
            run.PoweringOff = true;
            var jobId = run.JobId;
            var commands = PowerOff.Commands(File.ReadAllText(run.Directory.DeviceFile));
            PowerOff.RunAsync(commands, _options.PowerOffTimeout)
                .PipeTo(Self, success: records => new PoweredOff(jobId, records), failure: e => new PoweredOff(jobId, [LogRecord.Text(DateTimeOffset.UtcNow, "error", $"power-off failed: {e.Message}")]));
        }
        else
        {
            Died(run, run.Runner?.ExitDescription() ?? "exit status unknown");
        }
    }

    private void OnPoweredOff(PoweredOff done)
    {
        if (_run?.JobId != done.JobId || _run.End is not null) return;
        var run = _run;
        var reason = run.StopReason ?? "";
        run.Directory.AppendLog(run.Log.CompleteBytes, [.. done.Records, LogRecord.Text(DateTimeOffset.UtcNow, "error", $"Job canceled: {reason}")]);
        Finish(run, RunEnd.Fail("Canceled", reason));
    }

    private void Died(JobRun run, string how)
    {
        var errors = $"the job runner died ({how})";
        _log.Warning("Job {JobId} on {DeviceId}: {Error}", run.JobId, _device, errors);
        run.Directory.AppendLog(run.Log.CompleteBytes, [LogRecord.Text(DateTimeOffset.UtcNow, "error", errors)]);
        Finish(run, RunEnd.Fail("Infrastructure", errors));
    }

    /// <summary>Writes the end the runner could not write, so a restarted worker finds the same one.</summary>
    private void Finish(JobRun run, RunEnd end)
    {
        run.Directory.WriteEnd(end);
        run.Log.Scan();
        Ended(run, end);
    }

    private void Ended(JobRun run, RunEnd end)
    {
        run.End = end;
        _log.Info("Job {JobId} on {DeviceId} ended: {Result} {ErrorType} {Errors}", run.JobId, _device, end.Result, end.ErrorType, end.Errors);
        if (!Timers.IsTimerActive(ResendTimer)) Timers.StartPeriodicTimer(ResendTimer, Resend.Instance, _options.ResendInterval);
        SendNew(run);
    }

    private sealed record Poll(long JobId);

    private sealed record RunnerExited(long JobId);

    private sealed record KillRunner(long JobId);

    private sealed record PoweredOff(long JobId, IReadOnlyList<LogRecord> Records);

    private sealed record Resend
    {
        public static readonly Resend Instance = new();
    }
}

/// <summary>Sent by a device actor to <see cref="DeviceActors"/> when a spare runner took its job: time to start another.</summary>
public sealed record SpareUsed
{
    public static readonly SpareUsed Instance = new();
}

/// <summary>Sent by <see cref="DeviceActors"/> to a device's actor for a job a restarted worker found in its data directory.</summary>
public sealed record AdoptJob(long JobId);
