namespace Lava.Actors.Jobs.Scheduling;

/// <summary>
/// What the scheduler keeps of a job waiting for a device: the fields it orders and matches on, without the job's
/// definitions. A booking needs only the id (the job's supervisor holds the whole <see cref="JobSpec"/>), and a queue of
/// thousands of jobs would otherwise hold every job's YAML twice. Its JSON is a <see cref="JobSpec"/>'s minus fields.
/// </summary>
/// <param name="Id">The job's id.</param>
/// <param name="SubmitTime">When the master accepted it (LAVA's order, and the start of its queue timeout).</param>
/// <param name="DeviceType">The device type it asks for.</param>
/// <param name="Tags">Tags a device must all carry.</param>
/// <param name="Priority">0..100; higher first.</param>
/// <param name="HealthCheck">True for a health check (it may run on a Looping device).</param>
/// <param name="RequestedDevice">The one device it must run on, or null.</param>
/// <param name="Group">Its MultiNode group, or null.</param>
/// <param name="QueueTimeout">How long it may wait for a device, or null for ever.</param>
public sealed record QueuedJob(
    long Id,
    DateTimeOffset SubmitTime,
    string DeviceType,
    IReadOnlyList<string> Tags,
    int Priority,
    bool HealthCheck,
    string? RequestedDevice,
    JobGroup? Group,
    TimeSpan? QueueTimeout)
{
    public static QueuedJob Of(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new QueuedJob(spec.Id, spec.SubmitTime, spec.DeviceType, spec.Tags, spec.Priority, spec.HealthCheck, spec.RequestedDevice, spec.Group, spec.QueueTimeout);
    }
}
