using System.Globalization;
using System.Text.Json;
using Lava.Actors.Jobs;
using Lava.Actors.Jobs.Logs;
using Lava.Actors.Jobs.ReadModels;
using Lava.Host.Master.Jobs;

namespace Lava.Host.Master.Gateway.Ui;

/// <summary>
/// The UI's data endpoints, with the session's visibility (a job the viewer may not see is 404):
/// <c>/ui/live/jobs</c> (<c>?job=N</c> one job, <c>?shown=N,M</c> a list's unfinished jobs: their state first) and
/// <c>/ui/live/devices</c>, Server-Sent Events of job and device changes pushed by the
/// <see cref="LiveFeed"/>; <c>/ui/jobs/N/log</c>, a range of log lines through the line index (<c>start</c>/<c>end</c>,
/// or the last <c>tail</c> lines); <c>/ui/jobs/N/log/live</c>, lines from <c>start</c> or after the <c>Last-Event-ID</c>
/// a reconnecting browser sends, then each new one as it is stored; <c>/ui/jobs/N/log/download</c>, the whole file.
/// </summary>
internal static class LiveEndpoints
{
    private const int MaxRange = 5000;
    private const int LiveBatch = 500;
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(25);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/ui/live/jobs", LiveJobsAsync);
        app.MapGet("/ui/live/devices", LiveDevicesAsync);
        app.MapGet("/ui/jobs/{id:long}/log", LogRangeAsync);
        app.MapGet("/ui/jobs/{id:long}/log/live", LiveLogAsync);
        app.MapGet("/ui/jobs/{id:long}/log/download", DownloadAsync);
    }

    /// <summary>A job's state as pages show it, for the <c>job</c> event.</summary>
    public static object JobEvent(JobRow job) => new
    {
        id = job.Id,
        displayId = job.DisplayId,
        description = job.Description,
        submitter = job.Submitter,
        deviceType = job.DeviceType,
        submitTime = job.SubmitTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        state = job.State.ToString(),
        health = job.Health.ToString(),
        device = job.Device,
        tests = job.Tests.Total == 0 ? "" : $"{job.Tests.Passed} passed, {job.Tests.Failed} failed",
        startTime = job.StartTime?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        endTime = job.EndTime?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
    };

    private static async Task LiveJobsAsync(HttpContext context, LiveFeed feed)
    {
        var viewer = await UiSession.ViewerAsync(context);
        long? only = Number(context.Request.Query["job"]);
        // A page following one job, or showing unfinished jobs in a list (?shown=1,2,3), gets their state as of now
        // first: a change between the page's render and this connection (or during a reconnection) is not lost.
        var now = only is { } id ? [id] : Numbers(context.Request.Query["shown"], MaxShown);
        Func<Task<IReadOnlyList<LiveUpdate>>>? current = now.Count == 0 ? null : async () =>
        {
            var updates = new List<LiveUpdate>();
            foreach (var shown in now)
            {
                if (await VisibleJobAsync(context, shown) is { } job) updates.Add(new JobUpdate(job));
            }
            return updates;
        };
        await StreamAsync(context, feed, current, update => update is JobUpdate { Job: var job } && (only is null || only == job.Id) && LiveFeed.CanView(viewer, job)
            ? ("job", JobEvent(job))
            : null);
    }

    private static Task LiveDevicesAsync(HttpContext context, LiveFeed feed)
    {
        var only = context.Request.Query["device"].ToString();
        Func<Task<IReadOnlyList<LiveUpdate>>>? current = only.Length > 0
            ? async () => await feed.DeviceAsync(only, context.RequestAborted) is { } device ? [device] : []
            : null;
        return StreamAsync(context, feed, current, update => update is DeviceUpdate { Device: var device, CurrentJob: var job } && (only.Length == 0 || only == device.Hostname)
            ? ("device", new { hostname = device.Hostname, state = device.State.ToString(), health = device.Health.ToString(), currentJob = job })
            : null);
    }

    private static async Task StreamAsync(HttpContext context, LiveFeed feed, Func<Task<IReadOnlyList<LiveUpdate>>>? current, Func<LiveUpdate, (string Event, object Data)?> select)
    {
        var aborted = context.RequestAborted;
        var updates = feed.Subscribe(aborted);
        StartEvents(context);
        await context.Response.WriteAsync(": live\n\n", aborted);
        foreach (var now in current is null ? [] : await current())
        {
            if (select(now) is { } first)
            {
                await context.Response.WriteAsync($"event: {first.Event}\ndata: {JsonSerializer.Serialize(first.Data, Json)}\n\n", aborted);
            }
        }
        await context.Response.Body.FlushAsync(aborted);
        try
        {
            while (!aborted.IsCancellationRequested)
            {
                using var beat = CancellationTokenSource.CreateLinkedTokenSource(aborted);
                beat.CancelAfter(KeepAlive);
                try
                {
                    if (!await updates.WaitToReadAsync(beat.Token)) return;
                }
                catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
                {
                    await context.Response.WriteAsync(": keep-alive\n\n", aborted);
                    await context.Response.Body.FlushAsync(aborted);
                    continue;
                }
                while (updates.TryRead(out var update))
                {
                    if (select(update) is { } selected)
                    {
                        await context.Response.WriteAsync($"event: {selected.Event}\ndata: {JsonSerializer.Serialize(selected.Data, Json)}\n\n", aborted);
                    }
                }
                await context.Response.Body.FlushAsync(aborted);
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The browser went away.
        }
    }

    private static async Task<IResult> LogRangeAsync(HttpContext context, long id, JobLogStore logs)
    {
        if (await VisibleJobAsync(context, id) is null) return Results.NotFound();
        var query = context.Request.Query;
        var total = await logs.CountAsync(id, context.RequestAborted);
        long start, end;
        if (Number(query["tail"]) is { } tail)
        {
            end = total;
            start = Math.Max(0, total - Math.Min(tail, MaxRange));
        }
        else
        {
            start = Math.Min(Number(query["start"]) ?? 0, total);
            end = Math.Min(Math.Min(Number(query["end"]) ?? total, total), start + MaxRange);
        }
        var lines = await logs.ReadAsync(id, start, end, context.RequestAborted);
        return Results.Json(new { total, start, lines }, Json);
    }

    private static async Task LiveLogAsync(HttpContext context, long id, JobLogStore logs, LiveFeed feed)
    {
        var aborted = context.RequestAborted;
        // Subscribed before the job is read: its end cannot fall between the two.
        var changes = feed.Subscribe(aborted);
        if (await VisibleJobAsync(context, id) is not { } job)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        var next = Number(context.Request.Headers["Last-Event-ID"]) is { } last ? last + 1 : Number(context.Request.Query["start"]) ?? 0;
        StartEvents(context);
        try
        {
            while (!aborted.IsCancellationRequested)
            {
                var lines = await logs.ReadAsync(id, next, next + LiveBatch, aborted);
                foreach (var line in lines)
                {
                    await context.Response.WriteAsync($"id: {next.ToString(CultureInfo.InvariantCulture)}\ndata: {line}\n\n", aborted);
                    next++;
                }
                await context.Response.Body.FlushAsync(aborted);
                if (lines.Count == LiveBatch) continue;
                if (job.State == JobState.Finished && await logs.CountAsync(id, aborted) <= next)
                {
                    await context.Response.WriteAsync($"event: end\ndata: {job.Health}\n\n", aborted);
                    return;
                }
                // New lines, the job's own change (its end), or a keep-alive, whichever comes first.
                using var wake = CancellationTokenSource.CreateLinkedTokenSource(aborted);
                wake.CancelAfter(KeepAlive);
                var grown = logs.WaitForLinesAsync(id, next, wake.Token);
                var changed = changes.WaitToReadAsync(wake.Token).AsTask();
                try
                {
                    await Task.WhenAny(grown, changed);
                }
                finally
                {
                    await wake.CancelAsync();
                }
                while (changes.TryRead(out var update))
                {
                    if (update is JobUpdate { Job: var row } && row.Id == id) job = row;
                }
                if (!grown.IsCompletedSuccessfully && !changed.IsCompletedSuccessfully)
                {
                    // Quiet for a while: read the job again, in case its end was announced by another master's projection only.
                    job = await VisibleJobAsync(context, id) ?? job;
                    await context.Response.WriteAsync(": keep-alive\n\n", aborted);
                }
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The browser went away.
        }
    }

    private static async Task<IResult> DownloadAsync(HttpContext context, long id, JobLogStore logs)
    {
        if (await VisibleJobAsync(context, id) is null) return Results.NotFound();
        return logs.OpenReadStream(id) is { } stream
            ? Results.Stream(stream, "application/yaml", $"job_{id}.yaml")
            : Results.NotFound();
    }

    private static async Task<JobRow?> VisibleJobAsync(HttpContext context, long id) =>
        await context.RequestServices.GetRequiredService<JobGateway>().FindAsync(id, await UiSession.ViewerAsync(context), context.RequestAborted);

    private static void StartEvents(HttpContext context)
    {
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        // Proxies that buffer (nginx) would hold the events back.
        context.Response.Headers["X-Accel-Buffering"] = "no";
    }

    /// <summary>The unfinished jobs a list page may ask the state of when it connects.</summary>
    private const int MaxShown = 100;

    // "1,2,3": at most max ids; anything that is not an id is left out.
    private static List<long> Numbers(Microsoft.Extensions.Primitives.StringValues value, int max) =>
        [.. value.ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(n => Number(n)).OfType<long>().Distinct().Take(max)];

    private static long? Number(Microsoft.Extensions.Primitives.StringValues value) =>
        long.TryParse(value.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
}
