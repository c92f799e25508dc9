using System.Globalization;
using System.Text;
using Lava.Actors.Jobs;
using Lava.Actors.Jobs.Logs;
using Lava.Actors.Jobs.ReadModels;
using Lava.Host.Master.Jobs;

namespace Lava.Host.Master.Gateway.XmlRpc;

/// <summary>
/// <c>scheduler.jobs.*</c> as lavacli 1.2 calls them (spec §7.2): submit, resubmit, show, list, queue, logs, cancel,
/// definition. Reads see only the jobs the caller may view; others are answered 404 as if they did not exist.
/// </summary>
internal static class JobMethods
{
    private const int MaxListLimit = 100;

    public static void Register(XmlRpcMethods methods)
    {
        methods.Add("scheduler.jobs.submit", XmlRpcAccess.Login, "(definition)",
            "Submits a job definition (YAML or JSON); returns its id, or the list of \"N.M\" ids of a MultiNode job.", async call =>
        {
            var definition = call.Params.AtMost(1, "scheduler.jobs.submit").String(0, "definition");
            return Answer(await Gateway(call).SubmitAsync(definition, call.User!, cancellationToken: call.Cancellation));
        });
        methods.Add("scheduler.jobs.resubmit", XmlRpcAccess.Login, "(job_id)", "Submits the definition of job_id again; returns like submit.", async call =>
        {
            var job = await FindAsync(call, JobId(call.Params.AtMost(1, "scheduler.jobs.resubmit"), 0));
            var outcome = await Gateway(call).ResubmitAsync(job.Id, call.User!, call.Cancellation)
                ?? throw XmlRpcFault.NotFound("Job not found.");
            return Answer(outcome);
        });
        methods.Add("scheduler.jobs.show", XmlRpcAccess.Anonymous, "(job_id)", "The job's details.", async call =>
            Show(await FindAsync(call, JobId(call.Params.AtMost(1, "scheduler.jobs.show"), 0))));
        methods.Add("scheduler.jobs.definition", XmlRpcAccess.Anonymous, "(job_id)", "The job's definition as submitted.", async call =>
            (await FindAsync(call, JobId(call.Params.AtMost(1, "scheduler.jobs.definition"), 0))).OriginalDefinition);
        methods.Add("scheduler.jobs.list", XmlRpcAccess.Anonymous, "(state=None, health=None, start=0, limit=25, since=0, verbose=False)",
            "Jobs, newest first, filtered by state and health (display names), paged (limit at most 100); since: minutes since they ended.", ListAsync);
        methods.Add("scheduler.jobs.queue", XmlRpcAccess.Anonymous, "(device_types=None, start=0, limit=25)",
            "Jobs waiting for a device, oldest first.", QueueAsync);
        methods.Add("scheduler.jobs.logs", XmlRpcAccess.Anonymous, "(job_id, start=0, end=None)",
            "[finished, log]: whether the job is finished, and its log lines [start, end) as LAVA's YAML.", LogsAsync);
        methods.Add("scheduler.jobs.cancel", XmlRpcAccess.Login, "(job_id)", "Cancels the job (its submitter or a superuser).", async call =>
        {
            var id = JobId(call.Params.AtMost(1, "scheduler.jobs.cancel"), 0);
            var job = await FindAsync(call, id);
            return await Gateway(call).CancelAsync(job.Id, call.User!, call.Cancellation) switch
            {
                CancelOutcome.Canceled => true,
                CancelOutcome.Forbidden => throw XmlRpcFault.Forbidden(),
                _ => throw XmlRpcFault.NotFound("Job not found."),
            };
        });
    }

    private static async Task<object?> ListAsync(XmlRpcCall call)
    {
        var p = call.Params.AtMost(6, "scheduler.jobs.list");
        var state = Filter<JobState>(p.OptionalString(0, "state"), "state");
        var health = Filter<JobHealth>(p.OptionalString(1, "health"), "health");
        var start = p.OptionalInt(2, "start") ?? 0;
        var limit = Math.Clamp(p.OptionalInt(3, "limit") ?? 25, 0, MaxListLimit);
        var since = p.OptionalInt(4, "since") ?? 0;
        var verbose = p.Bool(5, "verbose", fallback: false);
        if (start < 0)
        {
            throw XmlRpcFault.BadRequest("start must be a non-negative integer");
        }
        var page = await call.Service<IJobReadModel>().ListAsync(
            new JobQuery(
                await Gateway(call).ViewerAsync(call.User, call.Cancellation),
                state,
                health,
                EndedSince: since > 0 ? DateTimeOffset.UtcNow.AddMinutes(-since) : null,
                Offset: start,
                Limit: limit),
            call.Cancellation);
        return page.Rows.Select(job =>
        {
            var item = new Dictionary<string, object?>
            {
                ["id"] = Id(job),
                ["description"] = job.Description,
                ["device_type"] = job.DeviceType,
                ["health"] = job.Health.ToString(),
                ["state"] = job.State.ToString(),
                ["submitter"] = job.Submitter,
            };
            if (verbose)
            {
                item["actual_device"] = job.Device;
                item["start_time"] = job.StartTime;
                item["end_time"] = job.EndTime;
                item["error_msg"] = job.FailureComment.Length > 0 ? job.FailureComment : null;
                item["error_type"] = job.ErrorType.Length > 0 ? job.ErrorType : null;
            }
            return item;
        }).ToList();
    }

    private static async Task<object?> QueueAsync(XmlRpcCall call)
    {
        var p = call.Params.AtMost(3, "scheduler.jobs.queue");
        var types = p.Raw(0) switch
        {
            null => null,
            IEnumerable<object?> list => list.Select(t => t as string ?? throw XmlRpcFault.BadRequest("device_types: a list of strings is required")).ToHashSet(StringComparer.Ordinal),
            _ => throw new XmlRpcFault(XmlRpcFault.InvalidParams, "device_types: a list of strings is required"),
        };
        var start = Math.Max(0, p.OptionalInt(1, "start") ?? 0);
        var limit = Math.Clamp(p.OptionalInt(2, "limit") ?? 25, 0, MaxListLimit);
        var page = await call.Service<IJobReadModel>().ListAsync(
            new JobQuery(await Gateway(call).ViewerAsync(call.User, call.Cancellation), JobState.Submitted, Offset: 0, Limit: int.MaxValue), call.Cancellation);
        return page.Rows.Where(j => types is null || types.Contains(j.DeviceType))
            .OrderBy(j => j.Id).Skip(start).Take(limit)
            .Select(j => new Dictionary<string, object?>
            {
                ["id"] = Id(j),
                ["description"] = j.Description,
                ["requested_device_type"] = j.DeviceType,
                ["submitter"] = j.Submitter,
            }).ToList();
    }

    private static async Task<object?> LogsAsync(XmlRpcCall call)
    {
        var p = call.Params.AtMost(3, "scheduler.jobs.logs");
        var job = await FindAsync(call, JobId(p, 0));
        var start = p.OptionalInt(1, "start") ?? 0;
        var end = p.OptionalInt(2, "end");
        if (start < 0 || end < 0)
        {
            throw XmlRpcFault.BadRequest("start and end must be non-negative line numbers");
        }
        var logs = call.Service<JobLogStore>();
        // Read the state first: a job seen Finished has stored its last line, so one read then gets them all.
        var finished = job.State == JobState.Finished;
        var lines = await logs.ReadAsync(job.Id, start, end, call.Cancellation);
        if (lines.Count == 0 && await logs.CountAsync(job.Id, call.Cancellation) == 0)
        {
            return new object?[] { finished, Encoding.UTF8.GetBytes("[]") };
        }
        var text = new StringBuilder();
        foreach (var line in lines)
        {
            text.Append(line).Append('\n');
        }
        return new object?[] { finished, Encoding.UTF8.GetBytes(text.ToString()) };
    }

    private static Dictionary<string, object?> Show(JobRow job) => new()
    {
        ["id"] = Id(job),
        ["description"] = job.Description,
        ["device"] = job.Device,
        ["device_type"] = job.DeviceType,
        ["health_check"] = job.HealthCheck,
        ["pipeline"] = true,
        ["health"] = job.Health.ToString(),
        ["state"] = job.State.ToString(),
        ["submitter"] = job.Submitter,
        ["submit_time"] = job.SubmitTime,
        ["start_time"] = job.StartTime,
        ["end_time"] = job.EndTime,
        ["tags"] = job.Tags.ToList<object?>(),
        ["visibility"] = job.Visibility.ToString(),
        ["failure_comment"] = job.FailureComment.Length > 0 ? job.FailureComment : null,
    };

    /// <summary>LAVA answers a single job's id as an int and a MultiNode sub-job's as its "N.M" string.</summary>
    private static object Id(JobRow job) => job.GroupId is null ? (object)job.Id : job.DisplayId;

    private static object Answer(Lava.Actors.Jobs.Submission.SubmissionOutcome outcome)
    {
        if (outcome.Refusal is { } refusal)
        {
            throw XmlRpcFault.BadRequest(refusal.Text);
        }
        return outcome.Jobs is [{ Group: null } single]
            ? single.Id
            : outcome.Jobs.Select(j => (object?)j.DisplayId).ToList();
    }

    /// <summary>The job <paramref name="reference"/> names, once the caller may view it; else fault 404.</summary>
    internal static async Task<JobRow> FindAsync(XmlRpcCall call, JobReference reference)
    {
        // "N.M" is the M-th job of the MultiNode group whose first job is N; a group's ids are allocated consecutively.
        var id = reference.Id + (reference.SubId ?? 0);
        var job = await Gateway(call).FindAsync(id, await Gateway(call).ViewerAsync(call.User, call.Cancellation), call.Cancellation);
        return job is not null && (reference.SubId is null || job.GroupId == reference.Id) ? job : throw XmlRpcFault.NotFound("Job not found.");
    }

    /// <summary>A job id as LAVA takes it: an int, its text, or "N.M" for a MultiNode sub-job.</summary>
    internal static JobReference JobId(XmlRpcParams p, int index) => p.Raw(index) switch
    {
        int i => new JobReference(i, null),
        string s when long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var id) => new JobReference(id, null),
        string s when s.Split('.') is [var n, var m]
            && long.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var group)
            && int.TryParse(m, NumberStyles.None, CultureInfo.InvariantCulture, out var sub) => new JobReference(group, sub),
        null => throw XmlRpcFault.BadRequest("job_id is required"),
        var other => throw XmlRpcFault.BadRequest($"job_id: '{other}' is not a job id (123 or 123.1)"),
    };

    private static T? Filter<T>(string? value, string name)
        where T : struct, Enum
    {
        if (value is null)
        {
            return null;
        }
        return Enum.TryParse<T>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(value, out _)
            ? parsed
            : throw XmlRpcFault.BadRequest($"{name} '{value}' is invalid: one of {string.Join(", ", Enum.GetNames<T>())}");
    }

    private static JobGateway Gateway(XmlRpcCall call) => call.Service<JobGateway>();

    internal readonly record struct JobReference(long Id, int? SubId);
}
