namespace Lava.Actors.Jobs.Scheduling;

/// <summary>
/// The jobs waiting for a device, indexed by device type in LAVA's order (priority descending, submit time ascending,
/// id ascending), so that a pass over one type touches only that type's jobs. It holds <see cref="QueuedJob"/>s, not
/// whole specs: a lab whose workers are away queues thousands of jobs. Not journaled: the supervisors and
/// <see cref="IQueuedJobs"/> tell it again after a restart.
/// </summary>
internal sealed class JobQueue
{
    private static readonly Comparer<QueuedJob> LavaOrder = Comparer<QueuedJob>.Create((a, b) =>
        b.Priority.CompareTo(a.Priority) is not 0 and var byPriority ? byPriority
        : a.SubmitTime.CompareTo(b.SubmitTime) is not 0 and var byTime ? byTime
        : a.Id.CompareTo(b.Id));

    private readonly Dictionary<long, QueuedJob> _jobs = [];
    private readonly Dictionary<string, SortedSet<QueuedJob>> _byType = new(StringComparer.Ordinal);

    // Thousands of waiting jobs name the lab's few device types and tags: one string of each for the whole queue.
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);

    public IEnumerable<QueuedJob> All => _jobs.Values;

    /// <summary>The waiting jobs of <paramref name="deviceType"/>, first to schedule first.</summary>
    public IEnumerable<QueuedJob> OfType(string deviceType) =>
        _byType.TryGetValue(deviceType, out var jobs) ? jobs : [];

    public bool Contains(long jobId) => _jobs.ContainsKey(jobId);

    /// <summary>Adds <paramref name="job"/> unless its id is queued already (a repeated <see cref="JobQueued"/>).</summary>
    public bool Add(QueuedJob job)
    {
        if (_jobs.ContainsKey(job.Id)) return false;
        job = job with { DeviceType = Shared(job.DeviceType), Tags = job.Tags.Count == 0 ? [] : [.. job.Tags.Select(Shared)] };
        _jobs.Add(job.Id, job);
        if (!_byType.TryGetValue(job.DeviceType, out var jobs)) _byType[job.DeviceType] = jobs = new SortedSet<QueuedJob>(LavaOrder);
        jobs.Add(job);
        return true;
    }

    private string Shared(string name)
    {
        if (_names.TryGetValue(name, out var shared)) return shared;
        _names.Add(name, name);
        return name;
    }

    public bool Remove(long jobId)
    {
        if (!_jobs.Remove(jobId, out var job)) return false;
        var jobs = _byType[job.DeviceType];
        jobs.Remove(job);
        if (jobs.Count == 0) _byType.Remove(job.DeviceType);
        return true;
    }

    /// <summary>Every member of <paramref name="group"/> when all of them are queued; null while one is missing.</summary>
    public IReadOnlyList<QueuedJob>? CompleteGroup(JobGroup group)
    {
        var members = new List<QueuedJob>(group.JobIds.Count);
        foreach (var id in group.JobIds)
        {
            if (!_jobs.TryGetValue(id, out var member)) return null;
            members.Add(member);
        }
        return members;
    }
}
