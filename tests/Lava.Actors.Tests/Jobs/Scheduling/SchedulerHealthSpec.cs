using Akka.Actor;
using Lava.Actors.Jobs;
using Lava.Actors.Jobs.Scheduling;
using Lava.Actors.Jobs.Supervision;
using Lava.Actors.Lab;
using Lava.Actors.Lab.Store;
using Lava.Actors.Persistence;
using Xunit;
using Xunit.Abstractions;

namespace Lava.Actors.Tests.Jobs.Scheduling;

/// <summary>Health checks (LAVA §3.5) and device health after a job (§3.3).</summary>
public sealed class SchedulerHealthSpec : SchedulerTestKit
{
    public SchedulerHealthSpec(ITestOutputHelper output)
        : this(SqliteStores(), output)
    {
    }

    private SchedulerHealthSpec((LabDatabase Lab, LavaPersistenceOptions Journal, string Directory) stores, ITestOutputHelper output)
        : base(stores.Lab, stores.Journal, output, stores.Directory)
    {
    }

    [Fact]
    public async Task A_due_health_check_must_be_created_and_booked_before_queued_jobs_and_its_success_must_make_the_device_good()
    {
        await TypeAsync("qemu", HealthCheckJob);
        await WorkerAsync("w1");
        await DeviceAsync("qemu-01", "qemu", "w1", DeviceHealth.Unknown);
        Queued.Jobs.Add(Job(1, priority: 100));
        var scheduler = StartScheduler();

        var submit = await Region.ExpectMsgAsync<SubmitJob>();
        var check = await AssignedAsync();
        Assert.Equal((submit.JobId, "qemu-01", "w1"), (check.JobId, check.Device, check.Worker));
        Assert.Equal(
            (true, "qemu-01", SchedulerSingleton.HealthCheckSubmitter, "qemu", HealthCheckJob, TimeSpan.FromMinutes(10)),
            (submit.Spec.HealthCheck, submit.Spec.RequestedDevice, submit.Spec.Submitter, submit.Spec.DeviceType, submit.Spec.Definition, submit.Spec.JobTimeout));

        scheduler.Tell(Released(check, JobHealth.Complete, healthCheck: true));

        Assert.Equal(1L, (await AssignedAsync()).JobId);
        Assert.Equal(DeviceHealth.Good, await HealthAsync("qemu-01"));
    }

    [Fact]
    public async Task A_failed_health_check_must_make_the_device_bad_and_keep_jobs_off_it()
    {
        await TypeAsync("qemu", HealthCheckJob);
        await WorkerAsync("w1");
        await DeviceAsync("qemu-01", "qemu", "w1", DeviceHealth.Unknown);
        var scheduler = StartScheduler();
        scheduler.Tell(new JobQueued(Job(1)));
        await Region.ExpectMsgAsync<SubmitJob>();
        var check = await AssignedAsync();

        scheduler.Tell(Released(check, JobHealth.Incomplete, "Infrastructure", healthCheck: true));
        await AwaitHealthAsync("qemu-01", DeviceHealth.Bad);

        // Only an admin brings it back; Good with a recent health check is not due again, so the job runs.
        await Lab.SetDeviceHealthAsync("qemu-01", DeviceHealth.Good);
        scheduler.Tell(new LabChanged(Device: "qemu-01"));
        Assert.Equal(1L, (await AssignedAsync()).JobId);
    }

    [Fact]
    public async Task A_looping_device_must_stay_looping_and_get_health_check_after_health_check()
    {
        await TypeAsync("qemu", HealthCheckJob);
        await WorkerAsync("w1");
        await DeviceAsync("qemu-01", "qemu", "w1", DeviceHealth.Looping);
        var scheduler = StartScheduler();
        scheduler.Tell(new JobQueued(Job(1)));

        for (var i = 0; i < 2; i++)
        {
            await Region.ExpectMsgAsync<SubmitJob>();
            scheduler.Tell(Released(await AssignedAsync(), JobHealth.Complete, healthCheck: true));
        }

        await Region.ExpectMsgAsync<SubmitJob>();
        Assert.Equal(DeviceHealth.Looping, await HealthAsync("qemu-01"));
    }

    [Fact]
    public async Task A_health_check_must_be_due_again_once_its_frequency_in_hours_has_passed()
    {
        await TypeAsync("qemu", HealthCheckJob, frequency: 2);
        await WorkerAsync("w1");
        await DeviceAsync("qemu-01", "qemu", "w1");
        var scheduler = StartScheduler();
        // Never checked: due although Good.
        await Region.ExpectMsgAsync<SubmitJob>();
        scheduler.Tell(Released(await AssignedAsync(), JobHealth.Complete, healthCheck: true));
        scheduler.Tell(new JobQueued(Job(1)));
        var job = await AssignedAsync();
        Assert.Equal(1L, job.JobId);

        Time.Advance(TimeSpan.FromHours(2) + TimeSpan.FromSeconds(1));
        scheduler.Tell(new JobQueued(Job(2)));
        scheduler.Tell(Released(job));

        await Region.ExpectMsgAsync<SubmitJob>();
        scheduler.Tell(Released(await AssignedAsync(), JobHealth.Complete, healthCheck: true));
        Assert.Equal(2L, (await AssignedAsync()).JobId);
    }

    [Fact]
    public async Task A_health_check_must_be_due_again_after_its_frequency_in_jobs()
    {
        await TypeAsync("qemu", HealthCheckJob, frequency: 2, per: HealthDenominator.Jobs);
        await WorkerAsync("w1");
        await DeviceAsync("qemu-01", "qemu", "w1");
        Queued.Jobs.AddRange([Job(1), Job(2), Job(3)]);
        var scheduler = StartScheduler();
        await Region.ExpectMsgAsync<SubmitJob>();
        scheduler.Tell(Released(await AssignedAsync(), JobHealth.Complete, healthCheck: true));

        var first = await AssignedAsync();
        scheduler.Tell(Released(first));
        var second = await AssignedAsync();
        scheduler.Tell(Released(second));

        Assert.Equal([1L, 2L], [first.JobId, second.JobId]);
        await Region.ExpectMsgAsync<SubmitJob>();
        scheduler.Tell(Released(await AssignedAsync(), JobHealth.Complete, healthCheck: true));
        Assert.Equal(3L, (await AssignedAsync()).JobId);
    }

    [Fact]
    public async Task An_infrastructure_error_must_make_the_device_unknown_and_another_error_must_leave_it()
    {
        await TypeAsync("qemu");
        await WorkerAsync("w1");
        await DeviceAsync("qemu-01", "qemu", "w1");
        Queued.Jobs.AddRange([Job(1), Job(2), Job(3)]);
        var scheduler = StartScheduler();

        scheduler.Tell(Released(await AssignedAsync(), JobHealth.Incomplete, "Test"));
        var second = await AssignedAsync();
        Assert.Equal(DeviceHealth.Good, await HealthAsync("qemu-01"));

        scheduler.Tell(Released(second, JobHealth.Incomplete, "Infrastructure"));
        Assert.Equal(3L, (await AssignedAsync()).JobId);
        Assert.Equal(DeviceHealth.Unknown, await HealthAsync("qemu-01"));
    }

    [Fact]
    public async Task With_health_checks_disabled_unknown_devices_must_take_jobs_and_looping_ones_none()
    {
        await TypeAsync("qemu", HealthCheckJob, disabled: true);
        await WorkerAsync("w1");
        await DeviceAsync("qemu-01", "qemu", "w1", DeviceHealth.Looping);
        await DeviceAsync("qemu-02", "qemu", "w1", DeviceHealth.Unknown);
        Queued.Jobs.AddRange([Job(1), Job(2)]);
        var scheduler = StartScheduler();

        var first = await AssignedAsync();
        Assert.Equal((1L, "qemu-02"), (first.JobId, first.Device));
        scheduler.Tell(Released(first));
        Assert.Equal((2L, "qemu-02"), await AssignedAsync() is var a ? (a.JobId, a.Device) : default);
    }
}
