using Lava.Actors.Jobs.Definition;

namespace Lava.Actors.Jobs;

/// <summary>
/// One job as submitted: everything the scheduler matches on and the supervisor runs. A MultiNode submission
/// becomes one spec per role instance sharing a <see cref="JobGroup"/>.
/// </summary>
/// <param name="Id">The job's id, unique in the lab (allocated from the lab store).</param>
/// <param name="Submitter">The user who submitted it (<c>lava-health</c> for health checks).</param>
/// <param name="SubmitTime">When the master accepted it.</param>
/// <param name="Description">Its <c>job_name</c>.</param>
/// <param name="DeviceType">The device type it asks for, aliases already resolved to the type's name.</param>
/// <param name="Tags">Tags a device must all carry.</param>
/// <param name="Priority">0..100; higher first.</param>
/// <param name="Visibility">Who may see it.</param>
/// <param name="HealthCheck">True for a health check: scheduled before everything, on <see cref="RequestedDevice"/>.</param>
/// <param name="RequestedDevice">The one device it must run on (health checks), or null for any device of the type.</param>
/// <param name="Definition">The YAML this job runs (for a MultiNode sub-job, its own role's definition).</param>
/// <param name="OriginalDefinition">The text as submitted (for MultiNode, the whole group's).</param>
/// <param name="Group">Its MultiNode group, or null.</param>
/// <param name="JobTimeout">The job's overall timeout (<c>timeouts.job</c>).</param>
/// <param name="QueueTimeout">How long it may wait for a device (<c>timeouts.queue</c>), or null for ever.</param>
/// <param name="OriginalJobId">The job it resubmits (<c>job.original</c> metadata), or null.</param>
public sealed record JobSpec(
    long Id,
    string Submitter,
    DateTimeOffset SubmitTime,
    string Description,
    string DeviceType,
    IReadOnlyList<string> Tags,
    int Priority,
    JobVisibility Visibility,
    bool HealthCheck,
    string? RequestedDevice,
    string Definition,
    string OriginalDefinition,
    JobGroup? Group,
    TimeSpan JobTimeout,
    TimeSpan? QueueTimeout,
    long? OriginalJobId)
{
    /// <summary>LAVA's display id: <c>123</c>, or <c>123.1</c> for the second job of a MultiNode group.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string DisplayId => Group is null ? Id.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{Group.Id}.{Group.SubId}";
}

/// <summary>A MultiNode group: all of its jobs are scheduled together or not at all, and canceled together.</summary>
/// <param name="Id">The group's id: the id of its first job.</param>
/// <param name="SubId">This job's index in the group (the <c>M</c> of <c>N.M</c>).</param>
/// <param name="JobIds">The ids of every job of the group, in sub-id order.</param>
/// <param name="Role">This job's role name.</param>
/// <param name="Essential">True when this role failing cancels the group.</param>
/// <param name="DeviceBacked">False for a secondary connection that runs over another role's device and needs none.</param>
/// <param name="Roles">The role of every job of the group, in <paramref name="JobIds"/>' order (what <c>lava-group</c> lists); null in jobs submitted before it was kept.</param>
public sealed record JobGroup(long Id, int SubId, IReadOnlyList<long> JobIds, string Role, bool Essential, bool DeviceBacked = true, IReadOnlyList<string>? Roles = null)
{
    /// <summary>Every member's role by job id, in sub-id order; only this job's own when <see cref="Roles"/> is unknown.</summary>
    public IReadOnlyDictionary<long, string> Members(long self) =>
        Roles is { } roles && roles.Count == JobIds.Count
            ? JobIds.Zip(roles).ToDictionary(m => m.Item1, m => m.Item2)
            : new Dictionary<long, string> { [self] = Role };
}
