using Lava.Actors.Jobs.Definition;
using Lava.Actors.Jobs.ReadModels;
using Lava.Actors.Lab;

namespace Lava.Actors.Jobs.Submission;

/// <summary>
/// Turns a submitted text into the jobs to hand to their supervisors, in LAVA's order of checks (spec §1.1): safe YAML
/// loading, the submission schema, the priority, then the device type (aliases first), its devices and the tags. Ids
/// are allocated only for an accepted submission. Nothing is written but the id allocation.
/// </summary>
public sealed class JobSubmissions(LabCatalog catalog, IJobIds ids, TimeProvider time)
{
    /// <summary>The metadata key LAVA adds to a resubmitted job, naming the job it copies.</summary>
    public const string OriginalJobKey = "job.original";

    /// <summary>Checks <paramref name="text"/> and, when it is acceptable, allocates ids and builds its jobs.</summary>
    /// <param name="text">The definition as submitted (YAML or JSON).</param>
    /// <param name="submitter">The authenticated user submitting it.</param>
    /// <param name="originalJobId">The job being resubmitted, or null.</param>
    public async Task<SubmissionOutcome> PrepareAsync(string text, string submitter, long? originalJobId = null, CancellationToken cancellationToken = default)
    {
        OrderedDictionary<object, object?> tree;
        try
        {
            var parsed = JobDefinitionParser.Parse(text);
            if (parsed is not OrderedDictionary<object, object?> map)
            {
                return SubmissionOutcome.Refused(new SubmissionRefusal(RefusalKind.Problem, "expected a dictionary"));
            }
            tree = map;
        }
        catch (JobDefinitionSyntaxException e)
        {
            return SubmissionOutcome.Refused(new SubmissionRefusal(RefusalKind.InvalidDefinition, e.Message, e.Line, e.Column));
        }

        if (SubmissionSchema.Validate(tree) is { } problem)
        {
            return SubmissionOutcome.Refused(new SubmissionRefusal(RefusalKind.Problem, problem));
        }

        JobDefinition job;
        try
        {
            job = JobDefinition.FromTree(tree);
        }
        catch (ArgumentException e)
        {
            return SubmissionOutcome.Refused(new SubmissionRefusal(RefusalKind.Problem, FirstLine(e.Message)));
        }

        if (job.IsMultinode)
        {
            return SubmissionOutcome.Refused(new SubmissionRefusal(RefusalKind.Problem, "MultiNode jobs are not accepted yet"));
        }

        var lab = await catalog.GetAsync(cancellationToken).ConfigureAwait(false);
        if (CheckDevices(lab, job.DeviceType!, job.Tags) is { } unavailable)
        {
            return SubmissionOutcome.Refused(unavailable);
        }
        var deviceType = lab.ResolveType(job.DeviceType!)!.Name;

        var id = await ids.AllocateAsync(1, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        return SubmissionOutcome.Accepted([new JobSpec(
            id,
            submitter,
            now,
            job.Name,
            deviceType,
            job.Tags,
            job.Priority,
            job.Visibility,
            HealthCheck: false,
            RequestedDevice: null,
            Definition: text,
            OriginalDefinition: text,
            Group: null,
            job.Timeouts.Job.Duration,
            QueueTimeout(tree),
            originalJobId)]);
    }

    /// <summary>LAVA's device checks (spec §1.1 step 6): the type exists, has a device in service, and one carries every tag.</summary>
    private static SubmissionRefusal? CheckDevices(LabCatalog.Snapshot lab, string requested, IReadOnlyList<string> tags)
    {
        if (lab.ResolveType(requested) is not { } type)
        {
            return new SubmissionRefusal(RefusalKind.DeviceUnavailable, $"Device type '{requested}' is unavailable.");
        }
        var inService = lab.Devices.Where(d => d.Device.DeviceType == type.Name && d.Device.Health != DeviceHealth.Retired).ToList();
        if (inService.Count == 0)
        {
            return new SubmissionRefusal(RefusalKind.DeviceUnavailable, $"No devices of type '{type.Name}' are available.");
        }
        if (tags.FirstOrDefault(t => !lab.TagExists(t)) is { } unknown)
        {
            return new SubmissionRefusal(RefusalKind.DeviceUnavailable, $"Device tag '{unknown}' does not exist in the database.");
        }
        return inService.Any(d => tags.All(d.Tags.Contains))
            ? null
            : new SubmissionRefusal(RefusalKind.DeviceUnavailable, $"No device of type '{type.Name}' has all the tags: {string.Join(", ", tags)}.");
    }

    private static TimeSpan? QueueTimeout(OrderedDictionary<object, object?> tree) =>
        (tree.GetValueOrDefault("timeouts") as OrderedDictionary<object, object?>)?.GetValueOrDefault("queue") is { } queue
            ? JobTimeout.FromTree(queue).Duration
            : null;

    private static string FirstLine(string message) => message.Split(" (Parameter", 2)[0];
}
