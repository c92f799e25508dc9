namespace Lava.Actors.Jobs.Scheduling;

/// <summary>
/// The jobs waiting for a device, indexed by device type in LAVA's order (priority descending, submit time ascending,
/// id ascending), so that a pass over one type touches only that type's jobs. Not journaled: the supervisors and
/// <see cref="IQueuedJobs"/> tell it again after a restart.
/// </summary>
internal sealed class JobQueue
{
    private static readonly Comparer<JobSpec> LavaOrder = Comparer<JobSpec>.Create((a, b) =>
        b.Priority.CompareTo(a.Priority) is not 0 and var byPriority ? byPriority
        : a.SubmitTime.CompareTo(b.SubmitTime) is not 0 and var byTime ? byTime
        : a.Id.CompareTo(b.Id));

    private readonly Dictionary<long, JobSpec> _jobs = [];
    private readonly Dictionary<string, SortedSet<JobSpec>> _byType = new(StringComparer.Ordinal);

    public IEnumerable<JobSpec> All => _jobs.Values;

    /// <summary>The waiting jobs of <paramref name="deviceType"/>, first to schedule first.</summary>
    public IEnumerable<JobSpec> OfType(string deviceType) =>
        _byType.TryGetValue(deviceType, out var jobs) ? jobs : [];

    /// <summary>Adds <paramref name="spec"/> unless its id is queued already (a repeated <see cref="JobQueued"/>).</summary>
    public bool Add(JobSpec spec)
    {
        if (!_jobs.TryAdd(spec.Id, spec)) return false;
        if (!_byType.TryGetValue(spec.DeviceType, out var jobs)) _byType[spec.DeviceType] = jobs = new SortedSet<JobSpec>(LavaOrder);
        jobs.Add(spec);
        return true;
    }

    public bool Remove(long jobId)
    {
        if (!_jobs.Remove(jobId, out var spec)) return false;
        var jobs = _byType[spec.DeviceType];
        jobs.Remove(spec);
        if (jobs.Count == 0) _byType.Remove(spec.DeviceType);
        return true;
    }

    /// <summary>Every member of <paramref name="group"/> when all of them are queued; null while one is missing.</summary>
    public IReadOnlyList<JobSpec>? CompleteGroup(JobGroup group)
    {
        var members = new List<JobSpec>(group.JobIds.Count);
        foreach (var id in group.JobIds)
        {
            if (!_jobs.TryGetValue(id, out var member)) return null;
            members.Add(member);
        }
        return members;
    }
}
