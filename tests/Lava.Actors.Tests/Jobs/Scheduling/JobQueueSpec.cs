using Lava.Actors.Jobs.Scheduling;
using Xunit;

namespace Lava.Actors.Tests.Jobs.Scheduling;

public sealed class JobQueueSpec
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Jobs_must_come_out_in_LAVA_order_and_share_one_string_per_device_type_and_tag()
    {
        var queue = new JobQueue();
        // Strings equal in value but not the same object, as each job's parsed spec gives them.
        queue.Add(Job(1, new string("qemu".AsSpan()), [new string("fast".AsSpan())], priority: 50, seconds: 2));
        queue.Add(Job(2, new string("qemu".AsSpan()), [new string("fast".AsSpan())], priority: 50, seconds: 1));
        queue.Add(Job(3, new string("qemu".AsSpan()), [], priority: 90, seconds: 3));

        var jobs = queue.OfType("qemu").ToList();

        Assert.Equal([3L, 2L, 1L], jobs.Select(j => j.Id));
        Assert.Same(jobs[0].DeviceType, jobs[1].DeviceType);
        Assert.Same(jobs[1].DeviceType, jobs[2].DeviceType);
        Assert.Same(jobs[1].Tags[0], jobs[2].Tags[0]);
        Assert.Equal(["fast"], jobs[1].Tags);
        Assert.Empty(jobs[0].Tags);
    }

    [Fact]
    public void A_job_queued_twice_must_stay_once_and_a_removed_one_must_leave_its_type()
    {
        var queue = new JobQueue();

        Assert.True(queue.Add(Job(1, "qemu", [], priority: 50, seconds: 1)));
        Assert.False(queue.Add(Job(1, "qemu", [], priority: 50, seconds: 1)));
        Assert.Single(queue.All);
        Assert.True(queue.Remove(1));
        Assert.False(queue.Remove(1));
        Assert.Empty(queue.OfType("qemu"));
    }

    private static QueuedJob Job(long id, string deviceType, IReadOnlyList<string> tags, int priority, int seconds) =>
        new(id, Start.AddSeconds(seconds), deviceType, tags, priority, HealthCheck: false, RequestedDevice: null, Group: null, QueueTimeout: null);
}
