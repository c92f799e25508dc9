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

        var lab = await catalog.GetAsync(cancellationToken).ConfigureAwait(false);
        return job.IsMultinode
            ? await PrepareGroupAsync(text, tree, job, lab, submitter, originalJobId, cancellationToken).ConfigureAwait(false)
            : await PrepareSingleAsync(text, tree, job, lab, submitter, originalJobId, cancellationToken).ConfigureAwait(false);
    }

    private async Task<SubmissionOutcome> PrepareSingleAsync(
        string text, OrderedDictionary<object, object?> tree, JobDefinition job, LabCatalog.Snapshot lab, string submitter, long? originalJobId, CancellationToken cancellationToken)
    {
        if (CheckDevices(lab, job.DeviceType!, job.Tags) is { } unavailable)
        {
            return SubmissionOutcome.Refused(unavailable);
        }
        var id = await ids.AllocateAsync(1, cancellationToken).ConfigureAwait(false);
        return SubmissionOutcome.Accepted([new JobSpec(
            id,
            submitter,
            time.GetUtcNow(),
            job.Name,
            lab.ResolveType(job.DeviceType!)!.Name,
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

    /// <summary>
    /// One job per role instance (LAVA's <c>split_multinode_yaml</c>), each checked against the lab like a single job,
    /// with consecutive ids: the group's id is its first job's, so that <c>N.M</c> is job N + M.
    /// </summary>
    private async Task<SubmissionOutcome> PrepareGroupAsync(
        string text, OrderedDictionary<object, object?> tree, JobDefinition job, LabCatalog.Snapshot lab, string submitter, long? originalJobId, CancellationToken cancellationToken)
    {
        IReadOnlyList<RoleJob> roles;
        try
        {
            roles = MultinodeSplitter.Split(tree, Guid.NewGuid().ToString());
        }
        catch (MultinodeSplitException e)
        {
            return SubmissionOutcome.Refused(new SubmissionRefusal(RefusalKind.Problem, e.Message));
        }
        foreach (var role in roles.Where(r => r.DeviceBacked))
        {
            if (CheckDevices(lab, role.DeviceType!, role.Tags) is { } unavailable)
            {
                return SubmissionOutcome.Refused(unavailable);
            }
        }
        var first = await ids.AllocateAsync(roles.Count, cancellationToken).ConfigureAwait(false);
        var jobIds = Enumerable.Range(0, roles.Count).Select(i => first + i).ToList();
        var now = time.GetUtcNow();
        var memberRoles = roles.Select(r => r.Role).ToList();
        var hosts = roles.GroupBy(r => r.Role, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().DeviceType, StringComparer.Ordinal);
        return SubmissionOutcome.Accepted([.. roles.Select(role => new JobSpec(
            first + role.SubId,
            submitter,
            now,
            job.Name,
            role.DeviceBacked ? lab.ResolveType(role.DeviceType!)!.Name : lab.ResolveType(hosts.GetValueOrDefault(role.HostRole ?? "") ?? "")?.Name ?? "",
            role.Tags,
            job.Priority,
            job.Visibility,
            HealthCheck: false,
            RequestedDevice: null,
            Definition: role.Definition,
            OriginalDefinition: text,
            new JobGroup(first, role.SubId, jobIds, role.Role, role.Essential, role.DeviceBacked, memberRoles),
            job.Timeouts.Job.Duration,
            QueueTimeout(tree),
            originalJobId))]);
    }

    /// <summary>LAVA's device checks (spec §1.1 step 6): the type exists, has a device in service, and one carries every tag.</summary>
    private static SubmissionRefusal? CheckDevices(LabCatalog.Snapshot lab, string requested, IReadOnlyList<string> tags)
    {
        if (lab.ResolveType(requested) is not { } type)
        {
            return new SubmissionRefusal(RefusalKind.DeviceUnavailable, $"Device type '{requested}' is unavailable.");
        }
        // One pass without copies: every submission of a burst runs this over the whole lab.
        var inService = false;
        var tagged = false;
        foreach (var (device, deviceTags) in lab.Devices)
        {
            if (device.DeviceType != type.Name || device.Health == DeviceHealth.Retired) continue;
            inService = true;
            if (CarriesAll(deviceTags, tags))
            {
                tagged = true;
                break;
            }
        }
        if (!inService)
        {
            return new SubmissionRefusal(RefusalKind.DeviceUnavailable, $"No devices of type '{type.Name}' are available.");
        }
        if (tags.FirstOrDefault(t => !lab.TagExists(t)) is { } unknown)
        {
            return new SubmissionRefusal(RefusalKind.DeviceUnavailable, $"Device tag '{unknown}' does not exist in the database.");
        }
        return tagged
            ? null
            : new SubmissionRefusal(RefusalKind.DeviceUnavailable, $"No device of type '{type.Name}' has all the tags: {string.Join(", ", tags)}.");
    }

    private static bool CarriesAll(IReadOnlySet<string> deviceTags, IReadOnlyList<string> tags)
    {
        for (var i = 0; i < tags.Count; i++)
        {
            if (!deviceTags.Contains(tags[i])) return false;
        }
        return true;
    }

    private static TimeSpan? QueueTimeout(OrderedDictionary<object, object?> tree) =>
        (tree.GetValueOrDefault("timeouts") as OrderedDictionary<object, object?>)?.GetValueOrDefault("queue") is { } queue
            ? JobTimeout.FromTree(queue).Duration
            : null;

    private static string FirstLine(string message) => message.Split(" (Parameter", 2)[0];
}
