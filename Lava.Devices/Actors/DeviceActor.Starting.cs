using System.Globalization;
using Akka.Actor;
using Akka.Event;
using Lava.Actors.Jobs.Logs;
using Lava.Devices.Runs;

namespace Lava.Devices.Actors;

/// <summary>
/// A job no spare took waits for its turn to start a runner (<see cref="DeviceActors"/> bounds how many start at once),
/// says so in its log, and gives its turn back once its runner is up (its first log line), gone, or the job canceled.
/// </summary>
public sealed partial class DeviceActor
{
    private const string StartTimer = "start";

    /// <summary>
    /// A runner that wrote no line by then counts as started anyway: a slow or silent runner command must not hold up
    /// every other job's start on the worker.
    /// </summary>
    private static readonly TimeSpan StartWindow = TimeSpan.FromSeconds(30);

    /// <summary>Asks <see cref="DeviceActors"/> for the job's turn to start a runner.</summary>
    private void AskForStart(JobRun run)
    {
        run.Start = RunnerStart.Asked;
        run.AskedAt = DateTimeOffset.UtcNow;
        Context.Parent.Tell(new StartRunner(run.JobId));
    }

    private void OnStartQueued(RunnerStartQueued queued)
    {
        if (_run?.JobId != queued.JobId || _run.Start != RunnerStart.Asked) return;
        // The user sees why nothing happens yet; the runner appends its own lines after this one.
        AppendLog(_run, string.Create(CultureInfo.InvariantCulture,
            $"Waiting for a job runner: {queued.Starting} job runners are starting on worker {_options.WorkerName} (at most {queued.Max} at once: lava.worker.max-starting-runners) and {queued.Ahead} jobs wait before this one"));
        _log.Info("Job {JobId} on {DeviceId}: waits to start its runner behind {Ahead} jobs", queued.JobId, _device, queued.Ahead);
        if (!Timers.IsTimerActive(ResendTimer)) Timers.StartPeriodicTimer(ResendTimer, Resend.Instance, _options.ResendInterval);
    }

    private void OnStartGranted(RunnerStartGranted granted)
    {
        if (_run?.JobId != granted.JobId || _run.Start != RunnerStart.Asked)
        {
            // Canceled after the turn was given: pass it on.
            Context.Parent.Tell(new RunnerStartDone(granted.JobId));
            return;
        }
        var run = _run;
        if (run.Log.Lines > 0)
        {
            var waited = DateTimeOffset.UtcNow - run.AskedAt;
            AppendLog(run, string.Create(CultureInfo.InvariantCulture, $"Starting the job runner after waiting {waited.TotalSeconds:F1} s for its turn"));
        }
        RunnerProcess runner;
        try
        {
            runner = RunnerProcess.Start(_options.RunnerCommand, run.Directory);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
        {
            StartDone(run);
            _log.Error("Could not start the job runner of job {JobId} on {DeviceId}: {Error}", run.JobId, _device, e.Message);
            Died(run, $"could not start the job runner: {e.Message}");
            return;
        }
        run.Start = RunnerStart.Starting;
        run.LinesAtLaunch = run.Log.Lines;
        Timers.StartSingleTimer(StartTimer, new StartWindowOver(run.JobId), StartWindow);
        Launched(run, runner, "started");
    }

    /// <summary>Gives the job's turn back (or its place in the queue) when it holds one.</summary>
    private void StartDone(JobRun run)
    {
        if (run.Start == RunnerStart.None) return;
        run.Start = RunnerStart.None;
        Timers.Cancel(StartTimer);
        Context.Parent.Tell(new RunnerStartDone(run.JobId));
    }

    /// <summary>A job canceled before its runner started: it never starts, and nothing touched the device.</summary>
    private void CancelWaiting(JobRun run)
    {
        StartDone(run);
        var reason = run.StopReason ?? "";
        run.Directory.AppendLog(run.Log.CompleteBytes, [LogRecord.Text(DateTimeOffset.UtcNow, "error", $"Job canceled before its job runner started: {reason}")]);
        Finish(run, RunEnd.Fail("Canceled", reason));
    }

    private void AppendLog(JobRun run, string message)
    {
        run.Directory.AppendLog(run.Log.CompleteBytes, [LogRecord.Text(DateTimeOffset.UtcNow, "info", message)]);
        run.Log.Scan();
        SendNew(run);
    }

    private sealed record StartWindowOver(long JobId);

    /// <summary>Where a job stands with its runner's start.</summary>
    private enum RunnerStart
    {
        /// <summary>Its runner was a spare, or has come up, or was adopted: no turn held.</summary>
        None,

        /// <summary>Asked <see cref="DeviceActors"/> for its turn, waiting.</summary>
        Asked,

        /// <summary>Its runner was started and has not written its first line yet.</summary>
        Starting,
    }
}
