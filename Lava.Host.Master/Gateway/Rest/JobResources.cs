using Lava.Actors.Jobs.Definition;
using Lava.Actors.Jobs.ReadModels;

namespace Lava.Host.Master.Gateway.Rest;

/// <summary>
/// A job as <c>/api/v0.2/jobs/</c> shows it: LAVA's field names, state and health as display strings. <c>tests</c> is
/// ours: a Complete job can still have failing test cases, which LAVA's health does not tell.
/// </summary>
internal sealed record JobResource(
    long Id,
    string SubId,
    string Submitter,
    IReadOnlyList<string> ViewingGroups,
    string Visibility,
    string Description,
    bool HealthCheck,
    string RequestedDeviceType,
    IReadOnlyList<string> Tags,
    string? ActualDevice,
    string? Worker,
    DateTimeOffset SubmitTime,
    DateTimeOffset? StartTime,
    DateTimeOffset? EndTime,
    string State,
    string Health,
    int Priority,
    string Definition,
    string OriginalDefinition,
    long? MultinodeGroup,
    string ErrorType,
    string FailureComment,
    TestsResource Tests)
{
    public static JobResource From(JobRow job) => new(
        job.Id,
        job.DisplayId,
        job.Submitter,
        job.Visibility.Kind == JobVisibilityKind.Group ? job.Visibility.Groups : [],
        job.Visibility.ToString(),
        job.Description,
        job.HealthCheck,
        job.DeviceType,
        job.Tags,
        job.Device,
        job.Worker,
        job.SubmitTime,
        job.StartTime,
        job.EndTime,
        job.State.ToString(),
        job.Health.ToString(),
        job.Priority,
        job.Definition,
        job.OriginalDefinition,
        job.GroupId,
        job.ErrorType,
        job.FailureComment,
        TestsResource.From(job.Tests));
}

/// <summary>A job's test cases by result, and a one-line summary (<c>all passed</c>, <c>2 failed</c>, <c>no tests</c>).</summary>
internal sealed record TestsResource(int Passed, int Failed, int Skipped, int Unknown, int Total, string Summary)
{
    public static TestsResource From(TestOutcome tests) => new(
        tests.Passed,
        tests.Failed,
        tests.Skipped,
        tests.Unknown,
        tests.Total,
        tests.Total == 0 ? "no tests" : tests.Failed == 0 ? "all passed" : $"{tests.Failed} failed");
}

/// <summary>The body of <c>POST /api/v0.2/jobs/</c> and <c>jobs/validate/</c>.</summary>
internal sealed record SubmitJobRequest(string? Definition);

/// <summary>A successful submission, as LAVA answers it (201).</summary>
internal sealed record JobsSubmitted(string Message, IReadOnlyList<long> JobIds);

/// <summary>A refused submission (400): LAVA's message, and where in the text the problem is when known.</summary>
internal sealed record SubmissionRefused(string Message, string Field, long? Line, long? Column);

/// <summary>A plain message, as LAVA's job endpoints answer (<c>{"message": "Job cancel signal sent."}</c>).</summary>
internal sealed record ApiMessage(string Message);
