using Akka.Actor;
using Lava.Actors.Jobs;
using Lava.Actors.Jobs.Logs;
using Lava.Actors.Jobs.Running;

namespace Lava.Devices.Simulation;

/// <summary>
/// Simulated devices for measuring and testing the master without boards: stands where a worker's agent stands and
/// answers the device job protocol for any device named to it. A job "runs" by writing, for each action of its
/// definition, a start line, a result in the <c>lava</c> suite and an end line, <see cref="SimulatedDeviceOptions.StepDelay"/>
/// apart, then ends with <c>pass</c>. It keeps each line and case until the master acknowledges it and sends the
/// unacknowledged ones again, as a real device side must; <see cref="StopJob"/> ends the job as canceled. Its runs
/// live in a <see cref="SimulatedRuns"/> that outlives the actor, as job runners outlive a worker's actor system, so a
/// new incarnation of the worker carries on with them. It runs no test on anything.
/// </summary>
public sealed class SimulatedDevices : ReceiveActor, IWithTimers
{
    private readonly SimulatedDeviceOptions _options;
    private readonly SimulatedRuns _book;
    private readonly Dictionary<long, SimulatedRun> _runs;

    public SimulatedDevices(SimulatedDeviceOptions options, SimulatedRuns runs)
    {
        _options = options;
        _book = runs;
        _runs = runs.Runs;
        Owned<RunJob>(OnRunJob);
        Owned<QueryJob>(OnQueryJob);
        Owned<JobProgressAck>(OnProgressAck);
        Owned<JobRunEndAck>(a => _runs.Remove(a.JobId));
        Owned<StopJob>(OnStop);
        Owned<Step>(OnStep);
        Owned<Resend>(_ => ResendAll());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>The props of simulated devices with <paramref name="options"/>, keeping their jobs in <paramref name="runs"/>.</summary>
    public static Props Props(SimulatedDeviceOptions options, SimulatedRuns runs) => Akka.Actor.Props.Create(() => new SimulatedDevices(options, runs));

    protected override void PreStart()
    {
        lock (_book)
        {
            _book.Owner = Self;
        }
        Timers.StartPeriodicTimer("resend", Resend.Instance, _options.ResendInterval);
        // Runs of an earlier incarnation: their supervisors will ask again (RunJob); the jobs go on meanwhile.
        foreach (var run in _runs.Values.Where(r => r.Ended is null))
        {
            run.Supervisor = null;
            ScheduleStep(run);
        }
    }

    /// <summary>
    /// Handles <typeparamref name="T"/> while this actor owns the runs; an actor of an earlier incarnation that is still
    /// alive stops instead of touching them.
    /// </summary>
    private void Owned<T>(Action<T> handler) => Receive<T>(message =>
    {
        lock (_book)
        {
            if (!Equals(_book.Owner, Self))
            {
                Context.Stop(Self);
                return;
            }
            handler(message);
        }
    });

    /// <summary>A supervisor asking is the job's current one: it gets the report and what it has not acknowledged.</summary>
    private void OnQueryJob(QueryJob query)
    {
        Sender.Tell(Report(query.JobId, query.Device));
        if (_runs.TryGetValue(query.JobId, out var run))
        {
            run.Supervisor = Sender;
            Send(run, fromAcknowledged: true);
        }
    }

    private void OnRunJob(RunJob run)
    {
        if (!_runs.TryGetValue(run.JobId, out var known))
        {
            known = new SimulatedRun(run.JobId, run.Device, Script(run, _options.StepDelay));
            _runs[run.JobId] = known;
            ScheduleStep(known);
        }
        // A new or restarted supervisor takes over the stream from what it has stored.
        known.Supervisor = Sender;
        Acknowledge(known, run.NextLogLine, run.NextTestCase);
        Sender.Tell(Report(run.JobId, run.Device));
        Send(known, fromAcknowledged: true);
    }

    private JobRunReport Report(long jobId, string device) => _runs.TryGetValue(jobId, out var run)
        ? new JobRunReport(jobId, device, _options.WorkerName, Running: run.Ended is null, Ended: run.Ended is not null)
        : new JobRunReport(jobId, device, _options.WorkerName, Running: false, Ended: false);

    private void OnStep(Step step)
    {
        if (!_runs.TryGetValue(step.JobId, out var run) || run.Ended is not null)
        {
            return;
        }
        var (line, testCase) = run.Script[run.Position++];
        run.Lines.Add(LogLine.Format(line));
        if (testCase is not null)
        {
            run.Cases.Add(testCase);
        }
        if (run.Position == run.Script.Count)
        {
            run.Ended = ("pass", "", "");
        }
        else
        {
            ScheduleStep(run);
        }
        Send(run, fromAcknowledged: false);
    }

    private void OnStop(StopJob stop)
    {
        if (!_runs.TryGetValue(stop.JobId, out var run))
        {
            Sender.Tell(new JobRunEnded(stop.JobId, stop.Device, "fail", "Canceled", "", 0, 0));
            return;
        }
        run.Supervisor = Sender;
        if (run.Ended is null)
        {
            run.Lines.Add(LogLine.Format(LogRecord.Text(DateTimeOffset.UtcNow, "error", $"Stopped: {stop.Reason}")));
            run.Ended = ("fail", "Canceled", stop.Reason);
        }
        Send(run, fromAcknowledged: false);
    }

    private void OnProgressAck(JobProgressAck ack)
    {
        if (_runs.TryGetValue(ack.JobId, out var run))
        {
            Acknowledge(run, ack.LogLines, ack.TestCases);
        }
    }

    /// <summary>
    /// The supervisor holds this much. Less than before means another master took the job over without the first one's
    /// stores: the stream goes back to what it holds, as a worker's device actor does.
    /// </summary>
    private static void Acknowledge(SimulatedRun run, long lines, long cases)
    {
        run.AckedLines = Math.Min(lines, run.Lines.Count);
        run.AckedCases = Math.Min(cases, run.Cases.Count);
        run.SentLines = Math.Min(run.SentLines, run.AckedLines);
        run.SentCases = Math.Min(run.SentCases, run.AckedCases);
    }

    private void ResendAll()
    {
        foreach (var run in _runs.Values)
        {
            Send(run, fromAcknowledged: true);
        }
    }

    /// <summary>Sends what was not sent yet, or, to repair losses, everything not acknowledged yet.</summary>
    private static void Send(SimulatedRun run, bool fromAcknowledged)
    {
        if (run.Supervisor is not { } supervisor)
        {
            return;
        }
        var firstLine = fromAcknowledged ? run.AckedLines : Math.Max(run.AckedLines, run.SentLines);
        if (firstLine < run.Lines.Count)
        {
            supervisor.Tell(new JobLogChunk(run.JobId, firstLine, run.Lines.Skip((int)firstLine).ToList()));
            run.SentLines = run.Lines.Count;
        }
        var firstCase = fromAcknowledged ? run.AckedCases : Math.Max(run.AckedCases, run.SentCases);
        if (firstCase < run.Cases.Count)
        {
            supervisor.Tell(new JobResultsChunk(run.JobId, firstCase, run.Cases.Skip((int)firstCase).ToList()));
            run.SentCases = run.Cases.Count;
        }
        if (run.Ended is var (result, errorType, errors))
        {
            supervisor.Tell(new JobRunEnded(run.JobId, run.Device, result, errorType, errors, run.Lines.Count, run.Cases.Count));
        }
    }

    private void ScheduleStep(SimulatedRun run)
    {
        if (_options.StepDelay <= TimeSpan.Zero)
        {
            Self.Tell(new Step(run.JobId));
        }
        else
        {
            Timers.StartSingleTimer(("step", run.JobId), new Step(run.JobId), _options.StepDelay);
        }
    }

    /// <summary>
    /// The lines and cases a job writes: for each action a start line, a <c>lava</c> suite result and an end line. The
    /// result carries the action's level and duration as the pipeline's do: the two steps from its start line to it.
    /// </summary>
    private static List<(LogRecord Line, TestCaseResult? Case)> Script(RunJob run, TimeSpan stepDelay)
    {
        var seconds = (2 * Math.Max(0, stepDelay.TotalSeconds)).ToString("F2", System.Globalization.CultureInfo.InvariantCulture);
        var now = DateTimeOffset.UtcNow;
        var steps = new List<(LogRecord, TestCaseResult?)>
        {
            (LogRecord.Text(now, "info", $"lava-dispatcher, simulated device {run.Device}, job {run.JobId}"), null),
        };
        var actions = ActionNames(run.Definition);
        for (var i = 0; i < actions.Count; i++)
        {
            var level = $"{i + 1}";
            var name = actions[i];
            steps.Add((LogRecord.Text(now, "info", $"start: {level} {name} (timeout 00:10:00) [common]"), null));
            steps.Add((LogRecord.Text(now, "target", $"simulated {name} on {run.Device}"), null));
            steps.Add((new LogRecord(now, "results", LogMap.Of(
                ("definition", new LogText("lava")), ("case", new LogText(name)), ("level", new LogText(level)), ("duration", new LogText(seconds)), ("result", new LogText("pass")))),
                new TestCaseResult("lava", name, "pass", seconds, "seconds", null, null, now,
                    new Dictionary<string, string> { ["level"] = level, ["namespace"] = "common", ["duration"] = seconds })));
            steps.Add((LogRecord.Text(now, "info", $"end: {level} {name} (duration 00:00:00) [common]"), null));
        }
        steps.Add((LogRecord.Text(now, "info", "Job finished: pass"), new TestCaseResult("lava", "job", "pass", null, null, null, null, now)));
        return steps;
    }

    /// <summary>The action names of a definition (<c>deploy</c>, <c>boot</c>, <c>test</c>, <c>command</c>), read without a YAML parser: the simulation needs no more.</summary>
    private static List<string> ActionNames(string definition)
    {
        var names = definition.Split('\n')
            .Select(l => l.TrimEnd())
            .Where(l => l.StartsWith("- deploy:", StringComparison.Ordinal) || l.StartsWith("- boot:", StringComparison.Ordinal)
                || l.StartsWith("- test:", StringComparison.Ordinal) || l.StartsWith("- command:", StringComparison.Ordinal))
            .Select(l => l[2..l.IndexOf(':', StringComparison.Ordinal)] + "-simulated")
            .ToList();
        return names.Count > 0 ? names : ["run-simulated"];
    }

    private sealed record Step(long JobId);

    private sealed record Resend
    {
        public static readonly Resend Instance = new();
    }

    internal sealed class SimulatedRun(long jobId, string device, List<(LogRecord Line, TestCaseResult? Case)> script)
    {
        public long JobId { get; } = jobId;
        public string Device { get; } = device;
        public List<(LogRecord Line, TestCaseResult? Case)> Script { get; } = script;
        public int Position { get; set; }
        public List<string> Lines { get; } = [];
        public List<TestCaseResult> Cases { get; } = [];
        public long SentLines { get; set; }
        public long SentCases { get; set; }
        public long AckedLines { get; set; }
        public long AckedCases { get; set; }
        public (string Result, string ErrorType, string Errors)? Ended { get; set; }
        public IActorRef? Supervisor { get; set; }
    }
}

/// <summary>The jobs of <see cref="SimulatedDevices"/>, kept for the life of the process; used by one actor at a time.</summary>
public sealed class SimulatedRuns
{
    internal Dictionary<long, SimulatedDevices.SimulatedRun> Runs { get; } = [];

    /// <summary>The actor that may use <see cref="Runs"/>: the latest one started.</summary>
    internal IActorRef? Owner { get; set; }
}

/// <summary>How <see cref="SimulatedDevices"/> behave.</summary>
/// <param name="WorkerName">The worker name they report.</param>
/// <param name="StepDelay">The time between two log lines of a job; zero runs a job as fast as messages go.</param>
/// <param name="ResendInterval">How often unacknowledged lines, cases and ends are sent again.</param>
public sealed record SimulatedDeviceOptions(string WorkerName, TimeSpan StepDelay, TimeSpan ResendInterval);
