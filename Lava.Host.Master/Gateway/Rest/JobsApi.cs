using System.Globalization;
using System.Text;
using System.Text.Json;
using Lava.Actors.Jobs;
using Lava.Actors.Jobs.Logs;
using Lava.Actors.Jobs.ReadModels;
using Lava.Actors.Jobs.Submission;
using Lava.Actors.Lab;
using Lava.Host.Master.Jobs;

namespace Lava.Host.Master.Gateway.Rest;

/// <summary>
/// <c>/api/v0.2/jobs/</c>: LAVA's list (filters, paging), submit, detail, cancel, resubmit and logs, plus live logs as
/// Server-Sent Events that resume from a line number. Reads see only the jobs the caller may view; a job it may not
/// view is answered as one that does not exist.
/// </summary>
internal static class JobsApi
{
    private const int DefaultPageSize = 50;
    private const int MaxPageSize = 1000;
    private static readonly TimeSpan LivePollInterval = TimeSpan.FromMilliseconds(200);

    public static void Map(IEndpointRouteBuilder api)
    {
        var jobs = api.MapGroup("/jobs");
        jobs.AddEndpointFilter(async (invocation, next) =>
        {
            try
            {
                return await next(invocation);
            }
            catch (JobsUnavailableException e)
            {
                invocation.HttpContext.Response.Headers.RetryAfter = "5";
                return Results.Json(new ApiError($"{e.Message}; retry later"), statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });
        jobs.MapGet("/", ListAsync);
        jobs.MapPost("/", SubmitAsync);
        jobs.MapGet("/{id:long}/", ShowAsync);
        jobs.MapGet("/{id:long}/cancel/", CancelAsync);
        jobs.MapPost("/{id:long}/cancel/", CancelAsync);
        jobs.MapPost("/{id:long}/resubmit/", ResubmitAsync);
        jobs.MapGet("/{id:long}/logs/", LogsAsync);
        jobs.MapGet("/{id:long}/logs/live/", LiveLogsAsync);
    }

    private static async Task<IResult> ListAsync(HttpContext context, IJobReadModel readModel, JobGateway gateway)
    {
        var query = context.Request.Query;
        if (!TryReadInt(query["limit"], DefaultPageSize, 1, MaxPageSize, out var limit))
        {
            return ApiErrors.BadRequest("limit", $"limit must be an integer from 1 to {MaxPageSize}");
        }
        if (!TryReadInt(query["offset"], 0, 0, int.MaxValue, out var offset))
        {
            return ApiErrors.BadRequest("offset", "offset must be a non-negative integer");
        }
        if (!TryReadEnum<JobState>(query["state"], out var state))
        {
            return ApiErrors.BadRequest("state", $"state must be one of {string.Join(", ", Enum.GetNames<JobState>())}");
        }
        if (!TryReadEnum<JobHealth>(query["health"], out var health))
        {
            return ApiErrors.BadRequest("health", $"health must be one of {string.Join(", ", Enum.GetNames<JobHealth>())}");
        }

        var page = await readModel.ListAsync(
            new JobQuery(
                await gateway.ViewerAsync(Caller(context), context.RequestAborted),
                state,
                health,
                Text(query["submitter"]),
                Text(query["requested_device_type"]),
                Text(query["actual_device"]),
                Offset: offset,
                Limit: limit),
            context.RequestAborted);
        return Results.Ok(RestRequests.PageOf(context, (int)page.Count, limit, offset, page.Rows.Select(JobResource.From).ToList()));
    }

    private static async Task<IResult> SubmitAsync(HttpContext context, JobGateway gateway, JsonSerializerOptions json)
    {
        if (Caller(context) is not { } user)
        {
            return ApiErrors.Unauthorized();
        }
        var (body, error) = await RestRequests.ReadBodyAsync<SubmitJobRequest>(context, json);
        if (error is not null)
        {
            return error;
        }
        if (string.IsNullOrWhiteSpace(body?.Definition))
        {
            return ApiErrors.BadRequest("definition", "definition is required: the job definition as YAML or JSON text");
        }
        var outcome = await gateway.SubmitAsync(body.Definition, user, cancellationToken: context.RequestAborted);
        return Answer(outcome);
    }

    private static async Task<IResult> ShowAsync(HttpContext context, long id, JobGateway gateway) =>
        await gateway.FindAsync(id, await gateway.ViewerAsync(Caller(context), context.RequestAborted), context.RequestAborted) is { } job
            ? Results.Ok(JobResource.From(job))
            : JobNotFound(id);

    private static async Task<IResult> CancelAsync(HttpContext context, long id, JobGateway gateway)
    {
        if (Caller(context) is not { } user)
        {
            return ApiErrors.Unauthorized();
        }
        return await gateway.CancelAsync(id, user, context.RequestAborted) switch
        {
            CancelOutcome.Canceled => Results.Ok(new ApiMessage("Job cancel signal sent.")),
            CancelOutcome.Forbidden => ApiErrors.Forbidden(),
            _ => JobNotFound(id),
        };
    }

    private static async Task<IResult> ResubmitAsync(HttpContext context, long id, JobGateway gateway)
    {
        if (Caller(context) is not { } user)
        {
            return ApiErrors.Unauthorized();
        }
        return await gateway.ResubmitAsync(id, user, context.RequestAborted) is { } outcome ? Answer(outcome) : JobNotFound(id);
    }

    private static async Task<IResult> LogsAsync(HttpContext context, long id, JobGateway gateway, JobLogStore logs)
    {
        var query = context.Request.Query;
        if (!TryReadLong(query["start"], 0, out var start))
        {
            return ApiErrors.BadRequest("start", "start must be a non-negative line number");
        }
        if (!TryReadLong(query["end"], long.MaxValue, out var end))
        {
            return ApiErrors.BadRequest("end", "end must be a non-negative line number");
        }
        if (await gateway.FindAsync(id, await gateway.ViewerAsync(Caller(context), context.RequestAborted), context.RequestAborted) is null)
        {
            return JobNotFound(id);
        }
        var lines = await logs.ReadAsync(id, start, end == long.MaxValue ? null : end, context.RequestAborted);
        if (lines.Count == 0 && await logs.CountAsync(id, context.RequestAborted) == 0)
        {
            return ApiErrors.NotFound($"job {id} has no log yet");
        }
        var text = new StringBuilder();
        foreach (var line in lines)
        {
            text.Append(line).Append('\n');
        }
        context.Response.Headers.ContentDisposition = $"attachment; filename=job_{id}.yaml";
        return Results.Text(text.ToString(), "application/yaml", Encoding.UTF8);
    }

    /// <summary>
    /// The log as Server-Sent Events: one event per line (<c>id</c> = its line number, <c>data</c> = the line), from
    /// <c>?start=</c> or the <c>Last-Event-ID</c> a reconnecting client sends, then every new line as it is stored, and
    /// an <c>end</c> event carrying the job's health once it is Finished and every line was sent.
    /// </summary>
    private static async Task LiveLogsAsync(HttpContext context, long id, JobGateway gateway, JobLogStore logs)
    {
        var viewer = await gateway.ViewerAsync(Caller(context), context.RequestAborted);
        var resumeFrom = context.Request.Headers["Last-Event-ID"].ToString();
        if (!TryReadLong(resumeFrom.Length > 0 ? resumeFrom : context.Request.Query["start"], 0, out var next))
        {
            await ApiErrors.BadRequest("start", "start must be a non-negative line number").ExecuteAsync(context);
            return;
        }
        if (resumeFrom.Length > 0)
        {
            next++;
        }
        if (await gateway.FindAsync(id, viewer, context.RequestAborted) is null)
        {
            await JobNotFound(id).ExecuteAsync(context);
            return;
        }

        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        using var timer = new PeriodicTimer(LivePollInterval);
        var aborted = context.RequestAborted;
        while (!aborted.IsCancellationRequested)
        {
            var lines = await logs.ReadAsync(id, next, null, aborted);
            foreach (var line in lines)
            {
                await context.Response.WriteAsync($"id: {next.ToString(CultureInfo.InvariantCulture)}\ndata: {line}\n\n", aborted);
                next++;
            }
            await context.Response.Body.FlushAsync(aborted);
            if (lines.Count == 0 && await gateway.FindAsync(id, viewer, aborted) is { State: JobState.Finished } job
                && await logs.CountAsync(id, aborted) <= next)
            {
                await context.Response.WriteAsync($"event: end\ndata: {job.Health}\n\n", aborted);
                return;
            }
            if (lines.Count == 0 && !await timer.WaitForNextTickAsync(aborted))
            {
                return;
            }
        }
    }

    private static IResult Answer(SubmissionOutcome outcome) => outcome.Refusal is { } refusal
        ? Results.Json(new SubmissionRefused(refusal.Text, "definition", refusal.Line, refusal.Column), statusCode: StatusCodes.Status400BadRequest)
        : Results.Json(new JobsSubmitted("job(s) successfully submitted", outcome.Jobs.Select(j => j.Id).ToList()), statusCode: StatusCodes.Status201Created);

    private static IResult JobNotFound(long id) => ApiErrors.NotFound($"job {id} not found");

    private static ApiUser? Caller(HttpContext context) => TokenAuthentication.OptionalCaller(context);

    private static string? Text(Microsoft.Extensions.Primitives.StringValues value) => value.Count == 0 || value[0] is null or "" ? null : value[0];

    private static bool TryReadInt(Microsoft.Extensions.Primitives.StringValues value, int fallback, int min, int max, out int result)
    {
        result = fallback;
        return Text(value) is not { } text || (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out result) && result >= min && result <= max);
    }

    private static bool TryReadLong(Microsoft.Extensions.Primitives.StringValues value, long fallback, out long result)
    {
        result = fallback;
        return Text(value) is not { } text || long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out result);
    }

    private static bool TryReadEnum<T>(Microsoft.Extensions.Primitives.StringValues value, out T? result)
        where T : struct, Enum
    {
        result = null;
        if (Text(value) is not { } text)
        {
            return true;
        }
        if (Enum.TryParse<T>(text, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(text, out _))
        {
            result = parsed;
            return true;
        }
        return false;
    }
}
