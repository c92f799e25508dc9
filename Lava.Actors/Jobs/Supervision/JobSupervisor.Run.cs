using Akka.Actor;
using Akka.Event;
using Lava.Actors.Jobs.Running;
using Lava.Actors.Lab;
using Lava.Actors.Lab.Devices;
using YamlDotNet.Core;

namespace Lava.Actors.Jobs.Supervision;

/// <summary>Starting the job on its device, the worker's reports, stopping it, the job timeout, and resuming after a restart.</summary>
public sealed partial class JobSupervisor
{
    private const string RenderKey = "render";
    private const string RunKey = "run";
    private const string QueryKey = "query";
    private const string ReportWindowKey = "report-window";
    private const string StopKey = "stop";
    private const string JobTimeoutKey = "job-timeout";
    private const string TimeoutExpiredKey = "timeout-expired";

    private string? _configuration; // rendered once per incarnation
    private bool _awaitingReport;   // RunJob sent, no JobRunReport since
    private TimeSpan _runRetry;
    private bool _confirming;       // restarted while Running: does the worker still run the job?
    private string? _stopReason;
    private bool _timedOut;

    private void ResumeOnDevice()
    {
        switch (_job.State)
        {
            case JobState.Scheduled:
                StartRun();
                break;
            case JobState.Running:
                _log.Info("Job {JobId} was running on {DeviceId}: asking worker {WorkerId}", JobId, _job.Device, _job.Worker);
                _confirming = true;
                Query();
                Timers.StartPeriodicTimer(QueryKey, ResendQuery.Instance, _settings.RunJobRetry);
                Timers.StartSingleTimer(ReportWindowKey, ReportWindowClosed.Instance, _settings.WorkerReportWindow);
                ArmJobTimeout();
                break;
            case JobState.Canceling:
                StopRun($"Canceled by {_job.CanceledBy}");
                break;
        }
    }

    private void RunCommands()
    {
        Command<ConfigurationRendered>(r =>
        {
            _configuration = r.Yaml;
            if (_job.State is JobState.Scheduled or JobState.Running) SendRunJob();
        });
        Command<ConfigurationInvalid>(r =>
        {
            // A canceled job never reached the worker: its StopJob ends it there.
            if (_job.State == JobState.Canceling) return;
            _log.Warning("Job {JobId}: the configuration of {DeviceId} does not render: {Reason}", JobId, _job.Device, r.Reason);
            Finish(JobHealth.Incomplete, "Configuration", $"Unable to render the device configuration of {_job.Device}: {r.Reason}");
        });
        Command<ConfigurationUnavailable>(r =>
        {
            _log.Warning("Job {JobId}: device {DeviceId} cannot be read now, retrying: {Reason}", JobId, _job.Device, r.Reason);
            Timers.StartSingleTimer(RenderKey, RetryRender.Instance, _settings.RunJobRetry);
        });
        Command<RetryRender>(_ => StartRun());
        Command<RetryRunJob>(_ =>
        {
            if (_awaitingReport && _job.State is JobState.Scheduled or JobState.Running) SendRunJob();
        });
        Command<JobRunReport>(OnReport);
        Command<ResendQuery>(_ =>
        {
            if (_confirming) Query();
        });
        Command<ReportWindowClosed>(_ =>
        {
            if (_confirming) WorkerLost("it did not report the job after the master restarted");
        });
        Command<ResendStop>(_ => SendStop());
        Command<JobTimedOut>(_ =>
        {
            if (_job.State != JobState.Running) return;
            _timedOut = true;
            _log.Warning("Job {JobId} exceeded its timeout of {Timeout}: stopping it", JobId, _job.Spec!.JobTimeout);
            StopRun("job timeout");
            Timers.StartSingleTimer(TimeoutExpiredKey, TimeoutExpired.Instance, _settings.TimeoutGrace);
        });
        Command<TimeoutExpired>(_ => Finish(JobHealth.Incomplete, "LAVATimeout", TimeoutComment() + "; the worker did not end it"));
    }

    private void OnReport(JobRunReport report)
    {
        if (_confirming)
        {
            _confirming = false;
            Timers.Cancel(QueryKey);
            Timers.Cancel(ReportWindowKey);
            if (report.Running) StartRun(); // the worker streams on from the acknowledged positions
            else if (!report.Ended) WorkerLost("it no longer knows the job");
            return;
        }

        if (report.Running || report.Ended)
        {
            _awaitingReport = false;
            _runRetry = _settings.RunJobRetry;
            Timers.Cancel(RunKey);
        }

        if (report.Running && _job.State == JobState.Scheduled)
        {
            Persist(new JobStarted(JobId, report.Worker, Now), e =>
            {
                _job = _job.Apply(e);
                ArmJobTimeout();
            });
        }
        else if (!report.Running && !report.Ended && _job.State is JobState.Running)
        {
            WorkerLost("it no longer knows the job");
        }
        else if (!report.Running && !report.Ended && _job.State is JobState.Canceling)
        {
            Finish(JobHealth.Canceled, "", $"Canceled by {_job.CanceledBy}");
        }
    }

    /// <summary>Renders the configuration when this incarnation has none yet, then sends <see cref="RunJob"/>.</summary>
    private void StartRun()
    {
        if (_configuration is not null)
        {
            SendRunJob();
            return;
        }

        Render(_job.Device!);
    }

    private void Render(string hostname)
    {
        var (devices, templates, definition) = (_services.Devices, _services.DeviceTypes, _job.Spec!.Definition);
        RenderAsync(devices, templates, hostname, definition).PipeTo(Self, failure: e => new ConfigurationUnavailable(e.Message));
    }

    private static async Task<object> RenderAsync(IDeviceRegistry devices, DeviceTemplates templates, string hostname, string definition)
    {
        Device? device;
        try
        {
            device = await devices.FindDeviceAsync(hostname).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new ConfigurationUnavailable(e.Message);
        }

        if (device is null) return new ConfigurationInvalid($"device {hostname} is not in the lab");
        try
        {
            var yaml = templates.RenderDevice(hostname, device.Dictionary, JobContext(definition));
            DeviceYaml.Load(yaml); // the worker gets YAML or nothing
            return new ConfigurationRendered(yaml);
        }
        catch (Exception e) when (e is TemplateException or YamlException or InvalidDataException)
        {
            return new ConfigurationInvalid(e.Message);
        }
    }

    /// <summary>The job's <c>context:</c> map: extra template variables for the device (spec §1.5).</summary>
    private static Dictionary<string, object?> JobContext(string definition) =>
        DeviceYaml.Load(definition) is OrderedDictionary<string, object?> tree && tree.GetValueOrDefault("context") is OrderedDictionary<string, object?> context
            ? context.ToDictionary(p => p.Key, p => p.Value)
            : [];

    private void SendRunJob()
    {
        _awaitingReport = true;
        var spec = _job.Spec!;
        Agent()?.Tell(new RunJob(JobId, _job.Device!, spec.Definition, _configuration!, spec.JobTimeout, _job.LogLines, _job.TestCases,
            spec.Group?.Members(JobId)), Self);
        Timers.StartSingleTimer(RunKey, RetryRunJob.Instance, _runRetry);
        _runRetry = TimeSpan.FromTicks(Math.Min(_runRetry.Ticks * 2, _settings.RunJobRetryMax.Ticks));
    }

    private void Query() => Agent()?.Tell(new QueryJob(JobId, _job.Device!), Self);

    /// <summary>Sends <see cref="StopJob"/> now and again every <see cref="JobSupervisorSettings.StopRetry"/> until the job ends.</summary>
    private void StopRun(string reason)
    {
        _awaitingReport = false;
        Timers.Cancel(RunKey);
        _stopReason = reason;
        SendStop();
        Timers.StartPeriodicTimer(StopKey, ResendStop.Instance, _settings.StopRetry);
    }

    private void SendStop()
    {
        if (_stopReason is { } reason) Agent()?.Tell(new StopJob(JobId, _job.Device!, reason), Self);
    }

    /// <summary>The master enforces the job timeout too, with a grace over the worker's own (spec §1.3).</summary>
    private void ArmJobTimeout()
    {
        if (_job.StartTime is not { } start) return;
        var due = start + _job.Spec!.JobTimeout + _settings.TimeoutGrace - Now;
        Timers.StartSingleTimer(JobTimeoutKey, JobTimedOut.Instance, due > TimeSpan.Zero ? due : TimeSpan.Zero);
    }

    private string TimeoutComment() => $"Job timeout: the job ran longer than its timeout of {_job.Spec!.JobTimeout}";

    private void WorkerLost(string why)
    {
        _log.Warning("Job {JobId}: worker {WorkerId} lost the job: {Reason}", JobId, _job.Worker, why);
        Finish(JobHealth.Incomplete, "Infrastructure", $"worker lost: {_job.Worker} {why}");
    }

    private ICanTell? Agent() => _job.Worker is { } worker ? _services.Agents.AgentOf(worker) : null;

    private sealed record ConfigurationRendered(string Yaml);

    private sealed record ConfigurationInvalid(string Reason);

    private sealed record ConfigurationUnavailable(string Reason);

    private sealed record RetryRender
    {
        public static RetryRender Instance { get; } = new();
    }

    private sealed record RetryRunJob
    {
        public static RetryRunJob Instance { get; } = new();
    }

    private sealed record ResendQuery
    {
        public static ResendQuery Instance { get; } = new();
    }

    private sealed record ReportWindowClosed
    {
        public static ReportWindowClosed Instance { get; } = new();
    }

    private sealed record ResendStop
    {
        public static ResendStop Instance { get; } = new();
    }

    private sealed record JobTimedOut
    {
        public static JobTimedOut Instance { get; } = new();
    }

    private sealed record TimeoutExpired
    {
        public static TimeoutExpired Instance { get; } = new();
    }
}
