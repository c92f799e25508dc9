using Akka.Actor;
using Lava.Actors.Jobs.Scheduling;
using Lava.Actors.Lab.Store;
using Lava.Actors.Persistence;
using Xunit;
using Xunit.Abstractions;

namespace Lava.Actors.Tests.Jobs.Scheduling;

/// <summary>What the journal keeps: bookings survive a restart and are sent again, refused ones free their device.</summary>
public sealed class SchedulerRecoverySpec : SchedulerTestKit
{
    public SchedulerRecoverySpec(ITestOutputHelper output)
        : this(SqliteStores(), output)
    {
    }

    private SchedulerRecoverySpec((LabDatabase Lab, LavaPersistenceOptions Journal, string Directory) stores, ITestOutputHelper output)
        : base(stores.Lab, stores.Journal, output, stores.Directory)
    {
    }

    [Theory]
    [InlineData(500)]
    [InlineData(1)]
    public async Task A_restarted_scheduler_must_send_its_bookings_again_and_never_book_a_held_device(int snapshotEvery)
    {
        Settings = Settings with { SnapshotEvery = snapshotEvery };
        await TypeAsync("qemu");
        await WorkerAsync("w1");
        await DeviceAsync("qemu-01", "qemu", "w1");
        await DeviceAsync("qemu-02", "qemu", "w1");
        var scheduler = StartScheduler();
        scheduler.Tell(new JobQueued(Job(1)));
        var first = await AssignedAsync();
        scheduler.Tell(new JobQueued(Job(2)));
        var second = await AssignedAsync();
        scheduler.Tell(Released(first));
        scheduler.Tell(new JobQueued(Job(3)));
        Assert.Equal((3L, "qemu-01"), await AssignedAsync() is var third ? (third.JobId, third.Device) : default);
        await StopAsync(scheduler);

        Queued.Jobs.Add(Job(4));
        var restarted = StartScheduler();

        var again = new[] { await AssignedAsync(), await AssignedAsync() };
        Assert.Equal([(2L, "qemu-02"), (3L, "qemu-01")], again.Select(a => (a.JobId, a.Device)).Order());
        restarted.Tell(Released(again.Single(a => a.JobId == 2)));
        Assert.Equal((4L, "qemu-02"), await AssignedAsync() is var fourth ? (fourth.JobId, fourth.Device) : default);
    }

    [Fact]
    public async Task A_refused_assignment_must_free_the_device()
    {
        await TypeAsync("qemu");
        await WorkerAsync("w1");
        await DeviceAsync("qemu-01", "qemu", "w1");
        Refused[1] = true;
        var scheduler = StartScheduler();

        scheduler.Tell(new JobQueued(Job(1)));
        Assert.Equal(1L, (await AssignedAsync()).JobId);
        scheduler.Tell(new JobQueued(Job(2)));

        Assert.Equal((2L, "qemu-01"), await AssignedAsync() is var a ? (a.JobId, a.Device) : default);
    }

    [Fact]
    public async Task A_booking_refused_after_a_restart_must_free_the_device()
    {
        await TypeAsync("qemu");
        await WorkerAsync("w1");
        await DeviceAsync("qemu-01", "qemu", "w1");
        var scheduler = StartScheduler();
        scheduler.Tell(new JobQueued(Job(1)));
        await AssignedAsync();
        await StopAsync(scheduler);

        // The job finished while no scheduler ran: its supervisor refuses the booking sent again.
        Refused[1] = true;
        var restarted = StartScheduler();
        Assert.Equal(1L, (await AssignedAsync()).JobId);
        restarted.Tell(new JobQueued(Job(2)));

        Assert.Equal(2L, (await AssignedAsync()).JobId);
    }
}
