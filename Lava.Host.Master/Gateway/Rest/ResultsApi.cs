using System.Text;
using Lava.Actors.Jobs.ReadModels;
using Lava.Host.Master.Jobs;

namespace Lava.Host.Master.Gateway.Rest;

/// <summary>
/// A job's results under <c>/api/v0.2/jobs/&lt;id&gt;/</c>: <c>suites/</c>, <c>suites/&lt;suite&gt;/tests/</c>, <c>tests/</c>
/// (LAVA's paginated lists), and the exports <c>yaml/</c>, <c>csv/</c> and <c>junit/</c>. A job the caller may not view is 404.
/// </summary>
internal static class ResultsApi
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var job = api.MapGroup("/jobs/{id:long}");
        job.MapGet("/suites/", async (HttpContext c, long id, JobGateway gateway, ResultsStore results) =>
            await VisibleAsync(c, id, gateway) is { } missing ? missing
            : RestRequests.Page(c, (await results.ListSuitesAsync(id, c.RequestAborted)).Select(s => new SuiteResource(s.Id, s.JobId, s.Name)).ToList()));
        job.MapGet("/suites/{suite}/tests/", async (HttpContext c, long id, string suite, JobGateway gateway, ResultsStore results) =>
            await VisibleAsync(c, id, gateway) is { } missing ? missing
            : RestRequests.Page(c, (await results.ListCasesAsync(id, SuiteName(suite, await results.ListSuitesAsync(id, c.RequestAborted)), cancellationToken: c.RequestAborted)).Select(TestResource.From).ToList()));
        job.MapGet("/tests/", async (HttpContext c, long id, JobGateway gateway, ResultsStore results) =>
            await VisibleAsync(c, id, gateway) is { } missing ? missing
            : RestRequests.Page(c, (await results.ListCasesAsync(id, cancellationToken: c.RequestAborted)).Select(TestResource.From).ToList()));
        job.MapGet("/yaml/", (HttpContext c, long id, JobGateway gateway, ResultsStore results) =>
            ExportAsync(c, id, gateway, results, ResultsExport.Yaml, "application/yaml", "yaml"));
        job.MapGet("/csv/", (HttpContext c, long id, JobGateway gateway, ResultsStore results) =>
            ExportAsync(c, id, gateway, results, ResultsExport.Csv, "application/csv", "csv"));
        job.MapGet("/junit/", (HttpContext c, long id, JobGateway gateway, ResultsStore results) =>
            ExportAsync(c, id, gateway, results, cases => ResultsExport.JUnit(cases, c.Request.Query["classname_prefix"].ToString()), "application/xml", "xml"));
    }

    private static async Task<IResult> ExportAsync(
        HttpContext context, long id, JobGateway gateway, ResultsStore results, Func<IReadOnlyList<StoredTestCase>, string> export, string contentType, string extension)
    {
        if (await VisibleAsync(context, id, gateway) is { } missing)
        {
            return missing;
        }
        var cases = await results.ListCasesAsync(id, cancellationToken: context.RequestAborted);
        context.Response.Headers.ContentDisposition = $"attachment; filename=job_{id}.{extension}";
        return Results.Text(export(cases), contentType, Encoding.UTF8);
    }

    /// <summary>Null when the caller may view job <paramref name="id"/>, else the 404 to answer.</summary>
    private static async Task<IResult?> VisibleAsync(HttpContext context, long id, JobGateway gateway)
    {
        var viewer = await gateway.ViewerAsync(TokenAuthentication.OptionalCaller(context), context.RequestAborted);
        return await gateway.FindAsync(id, viewer, context.RequestAborted) is null ? ApiErrors.NotFound($"job {id} not found") : null;
    }

    /// <summary>A suite named by its id (as LAVA's URLs do) or by its name.</summary>
    private static string SuiteName(string suite, IReadOnlyList<TestSuiteInfo> suites) =>
        long.TryParse(suite, out var suiteId) && suites.FirstOrDefault(s => s.Id == suiteId) is { } byId ? byId.Name : suite;

    private sealed record SuiteResource(long Id, long Job, string Name);

    private sealed record TestResource(long Id, long Job, string Suite, string Name, string Result, string? Measurement, string? Unit, string? TestSet, long? LogStartLine, DateTimeOffset Logged)
    {
        public static TestResource From(StoredTestCase c) =>
            new(c.Id, c.JobId, c.Suite, c.Name, TestResultCodes.Name(c.Result), c.Measurement, c.Units, c.Set, c.LogLine, c.Logged);
    }
}
