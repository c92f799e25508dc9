using Akka.Actor;
using Lava.Actors.Jobs;
using Lava.Actors.Jobs.Scheduling;
using Lava.Actors.Lab;
using Lava.Actors.Lab.Store;
using Lava.Actors.Persistence;
using Xunit;
using Xunit.Abstractions;

namespace Lava.Actors.Tests.Jobs.Scheduling;

/// <summary>Which job goes to which device (LAVA §4.2): order, type, tags, requested device, health, workers, job limits.</summary>
public sealed class SchedulerMatchingSpec : SchedulerTestKit
{
    public SchedulerMatchingSpec(ITestOutputHelper output)
        : this(SqliteStores(), output)
    {
    }

    private SchedulerMatchingSpec((LabDatabase Lab, LavaPersistenceOptions Journal, string Directory) stores, ITestOutputHelper output)
        : base(stores.Lab, stores.Journal, output, stores.Directory)
    {
    }

    [Fact]
    public async Task Jobs_must_be_scheduled_by_priority_then_submit_time_then_id()
    {
        await TypeAsync("qemu");
        await WorkerAsync("w1");
        await DeviceAsync("qemu-01", "qemu", "w1");
        Queued.Jobs.AddRange([
            Job(1, priority: 50, submitted: Start.AddMinutes(2)),
            Job(2, priority: 100, submitted: Start.AddMinutes(3)),
            Job(4, priority: 50, submitted: Start.AddMinutes(1)),
            Job(3, priority: 50, submitted: Start.AddMinutes(1)),
        ]);
        var scheduler = StartScheduler();

        var order = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            var assigned = await AssignedAsync();
            order.Add(assigned.JobId);
            scheduler.Tell(Released(assigned));
        }

        Assert.Equal([2L, 3L, 4L, 1L], order);
    }

    [Fact]
    public async Task A_job_must_get_only_a_device_of_its_type_with_all_its_tags()
    {
        await TypeAsync("qemu");
        await TypeAsync("bbb");
        await WorkerAsync("w1");
        await DeviceAsync("bbb-01", "bbb", "w1");
        await DeviceAsync("qemu-01", "qemu", "w1", DeviceHealth.Good, "kvm");
        Queued.Jobs.AddRange([Job(1, tags: ["kvm", "usb"]), Job(2, type: "bbb", tags: ["kvm"]), Job(3, tags: ["kvm"]), Job(4, type: "bbb")]);
        var scheduler = StartScheduler();

        var first = new[] { await AssignedAsync(), await AssignedAsync() };
        Assert.Equal([(3L, "qemu-01"), (4L, "bbb-01")], first.Select(a => (a.JobId, a.Device)).Order());

        // Jobs 1 and 2 fit no device: after the releases, a new job of each type is what gets them.
        foreach (var a in first) scheduler.Tell(Released(a));
        scheduler.Tell(new JobQueued(Job(5)));
        scheduler.Tell(new JobQueued(Job(6, type: "bbb")));
        var next = new[] { await AssignedAsync(), await AssignedAsync() };
        Assert.Equal([(5L, "qemu-01"), (6L, "bbb-01")], next.Select(a => (a.JobId, a.Device)).Order());
    }

    [Fact]
    public async Task A_requested_device_must_be_the_only_one_a_job_gets()
    {
        await TypeAsync("qemu");
        await WorkerAsync("w1");
        await DeviceAsync("qemu-01", "qemu", "w1");
        await DeviceAsync("qemu-02", "qemu", "w1");
        var scheduler = StartScheduler();

        scheduler.Tell(new JobQueued(Job(1, device: "qemu-02")));

        Assert.Equal((1L, "qemu-02", "w1"), await AssignedAsync() is var a ? (a.JobId, a.Device, a.Worker) : default);
    }

    [Fact]
    public async Task Devices_of_offline_maintenance_or_retired_workers_and_unhealthy_devices_must_not_be_scheduled()
    {
        await TypeAsync("qemu");
        await WorkerAsync("off", state: WorkerState.Offline);
        await WorkerAsync("maintenance", health: WorkerHealth.Maintenance);
        await WorkerAsync("retired", health: WorkerHealth.Retired);
        await WorkerAsync("ok");
        await DeviceAsync("a-offline", "qemu", "off");
        await DeviceAsync("b-maintenance-worker", "qemu", "maintenance");
        await DeviceAsync("c-retired-worker", "qemu", "retired");
        await DeviceAsync("d-bad", "qemu", "ok", DeviceHealth.Bad);
        await DeviceAsync("e-maintenance", "qemu", "ok", DeviceHealth.Maintenance);
        await DeviceAsync("f-retired", "qemu", "ok", DeviceHealth.Retired);
        await DeviceAsync("g-looping", "qemu", "ok", DeviceHealth.Looping);
        await DeviceAsync("h-unknown", "qemu", "ok", DeviceHealth.Unknown);
        await DeviceAsync("i-good", "qemu", "ok");
        Queued.Jobs.AddRange([Job(1), Job(2), Job(3)]);
        var scheduler = StartScheduler();

        var assigned = new[] { await AssignedAsync(), await AssignedAsync() };

        // Without a health-check job, Unknown takes jobs directly; the third job finds nothing else.
        Assert.Equal(["h-unknown", "i-good"], assigned.Select(a => a.Device).Order(StringComparer.Ordinal));
        await Lab.SetStateAsync("off", WorkerState.Online, null);
        scheduler.Tell(new WorkerChanged("off"));
        Assert.Equal((3L, "a-offline"), await AssignedAsync() is var late ? (late.JobId, late.Device) : default);
    }

    [Fact]
    public async Task A_device_without_a_dictionary_must_not_be_scheduled_until_it_has_one()
    {
        await TypeAsync("qemu");
        await WorkerAsync("w1");
        await DeviceAsync("qemu-01", "qemu", "w1", dictionary: "");
        await DeviceAsync("qemu-02", "qemu", "w1");
        Queued.Jobs.AddRange([Job(1), Job(2)]);
        var scheduler = StartScheduler();

        // qemu-01 comes first by name: only its missing dictionary keeps job 1 off it.
        Assert.Equal((1L, "qemu-02"), await AssignedAsync() is var first ? (first.JobId, first.Device) : default);
        await Lab.UpdateDeviceAsync("qemu-01", new DeviceChange(Dictionary: QemuDictionary));
        scheduler.Tell(new LabChanged("qemu", "qemu-01"));
        Assert.Equal((2L, "qemu-01"), await AssignedAsync() is var second ? (second.JobId, second.Device) : default);
    }

    [Fact]
    public async Task A_worker_must_not_hold_more_devices_than_its_job_limit()
    {
        await TypeAsync("qemu");
        await WorkerAsync("w1", jobLimit: 1);
        await WorkerAsync("w2");
        await DeviceAsync("qemu-01", "qemu", "w1");
        await DeviceAsync("qemu-02", "qemu", "w1");
        await DeviceAsync("qemu-03", "qemu", "w2");
        Queued.Jobs.AddRange([Job(1), Job(2), Job(3)]);
        var scheduler = StartScheduler();

        var first = new[] { await AssignedAsync(), await AssignedAsync() };
        Assert.Equal([(1L, "qemu-01"), (2L, "qemu-03")], first.Select(a => (a.JobId, a.Device)).Order());

        scheduler.Tell(Released(first[0]));
        Assert.Equal((3L, "qemu-01"), await AssignedAsync() is var a ? (a.JobId, a.Device) : default);
    }

    [Fact]
    public async Task A_dequeued_job_must_not_be_scheduled()
    {
        await TypeAsync("qemu");
        await WorkerAsync("w1");
        await DeviceAsync("qemu-01", "qemu", "w1");
        var scheduler = StartScheduler();
        scheduler.Tell(new JobQueued(Job(1)));
        var first = await AssignedAsync();

        scheduler.Tell(new JobQueued(Job(2, priority: 100)));
        scheduler.Tell(new JobQueued(Job(3)));
        scheduler.Tell(new JobDequeued(2));
        scheduler.Tell(new JobQueued(Job(1)));
        scheduler.Tell(Released(first));

        Assert.Equal(3L, (await AssignedAsync()).JobId);
    }

    [Fact]
    public async Task A_multinode_group_must_be_booked_all_at_once_or_not_at_all()
    {
        await TypeAsync("qemu");
        await WorkerAsync("w1");
        await DeviceAsync("qemu-01", "qemu", "w1");
        JobGroup Member(int sub, bool backed = true) => new(10, sub, [10, 11, 12], sub == 2 ? "ssh" : "node", true, backed);
        var scheduler = StartScheduler();
        scheduler.Tell(new JobQueued(Job(10, priority: 100, group: Member(0))));
        scheduler.Tell(new JobQueued(Job(11, priority: 100, group: Member(1))));
        scheduler.Tell(new JobQueued(Job(12, priority: 100, group: Member(2, backed: false))));
        scheduler.Tell(new JobQueued(Job(20, priority: 0)));

        // One device for two device-backed members: the group reserves nothing and the lower-priority job runs.
        var single = await AssignedAsync();
        Assert.Equal((20L, "qemu-01"), (single.JobId, single.Device));

        await DeviceAsync("qemu-02", "qemu", "w1");
        scheduler.Tell(new LabChanged("qemu"));
        scheduler.Tell(Released(single));
        var group = new[] { await AssignedAsync(), await AssignedAsync(), await AssignedAsync() };
        Assert.Equal([(10L, "qemu-01", "w1"), (11L, "qemu-02", "w1"), (12L, "", "w1")], group.Select(a => (a.JobId, a.Device, a.Worker)).Order());
    }

    [Fact]
    public async Task A_sweep_must_find_a_queued_job_whose_announcement_was_lost()
    {
        Settings = Settings with { SweepInterval = TimeSpan.FromMilliseconds(200) };
        await TypeAsync("qemu");
        await WorkerAsync("w1");
        var scheduler = StartScheduler();
        scheduler.Tell(new JobQueued(Job(1)));
        await DeviceAsync("qemu-01", "qemu", "w1");
        scheduler.Tell(new LabChanged(Device: "qemu-01"));
        Assert.Equal(1L, (await AssignedAsync()).JobId);

        // Job 2 reaches the read models, but its JobQueued never reaches the scheduler (it was moving, say).
        lock (Queued.Jobs) Queued.Jobs.Add(Job(2));
        await DeviceAsync("qemu-02", "qemu", "w1");

        var assigned = await AssignedAsync();
        Assert.Equal((2L, "qemu-02"), (assigned.JobId, assigned.Device));
    }

    [Fact]
    public async Task A_job_past_its_queue_timeout_must_be_timed_out_and_leave_the_queue()
    {
        Settings = Settings with { SweepInterval = TimeSpan.FromMilliseconds(200) };
        await TypeAsync("qemu");
        await WorkerAsync("w1");
        var scheduler = StartScheduler();
        scheduler.Tell(new JobQueued(Job(1, submitted: Start, queueTimeout: TimeSpan.FromHours(1))));
        scheduler.Tell(new JobQueued(Job(2, submitted: Start.AddMinutes(1))));

        Time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(1L, (await Region.ExpectMsgAsync<Lava.Actors.Jobs.Supervision.QueueTimedOut>(TimeSpan.FromSeconds(20))).JobId);
        await DeviceAsync("qemu-01", "qemu", "w1");
        scheduler.Tell(new LabChanged(Device: "qemu-01"));
        Assert.Equal(2L, (await AssignedAsync()).JobId);
    }
}
