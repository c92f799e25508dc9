using Akka.Actor;
using Akka.Configuration;
using Akka.Pattern;
using Akka.Persistence.TestKit;
using Lava.Actors.Jobs.Scheduling;
using Lava.Actors.Lab.Store;
using Lava.Actors.Persistence;
using Xunit;
using Xunit.Abstractions;

namespace Lava.Actors.Tests.Jobs.Scheduling;

/// <summary>
/// The scheduler as the singleton runs it (<see cref="SchedulerHosting.Supervised"/>) on a journal whose writes the test
/// makes fail: a failed write stops the scheduler, its backoff supervisor starts it again, and it goes on scheduling.
/// </summary>
public sealed class SchedulerRestartSpec : SchedulerTestKit
{
    // Akka.Persistence.TestKit's journal: the SQLite journal's writes cannot be made to fail from inside the test.
    // The journal's failure reply carries the exception, which the serialization check cannot round-trip; the
    // scheduler's own messages are checked by the other scheduler specs.
    private static readonly Config TestJournalConfig = ConfigurationFactory.ParseString("""
        akka.actor.serialize-messages = off
        akka.persistence.journal {
          plugin = "akka.persistence.journal.test"
          test { class = "Akka.Persistence.TestKit.TestJournal, Akka.Persistence.TestKit", plugin-dispatcher = "akka.actor.default-dispatcher" }
        }
        """);

    public SchedulerRestartSpec(ITestOutputHelper output)
        : this(SqliteStores(), output)
    {
    }

    private SchedulerRestartSpec((LabDatabase Lab, LavaPersistenceOptions Journal, string Directory) stores, ITestOutputHelper output)
        : base(stores.Lab, stores.Journal, output, stores.Directory, TestJournalConfig)
    {
    }

    [Fact]
    public async Task After_a_failed_journal_write_the_scheduler_must_start_again_and_schedule_a_newly_queued_job_onto_an_idle_device()
    {
        await TypeAsync("qemu");
        await WorkerAsync("w1");
        await DeviceAsync("qemu-01", "qemu", "w1");
        await DeviceAsync("qemu-02", "qemu", "w1");
        await DeviceAsync("qemu-03", "qemu", "w1");
        var journal = TestJournal.FromRef(Akka.Persistence.Persistence.Instance.Apply(Sys).JournalFor(null));
        var supervisor = Sys.ActorOf(SchedulerHosting.Supervised(StartProps()), "scheduler");
        supervisor.Tell(new JobQueued(Job(1)));
        Assert.Equal((1L, "qemu-01"), await AssignedAsync() is var first ? (first.JobId, first.Device) : default);
        var failed = await CurrentChildAsync(supervisor);
        Watch(failed);

        // Job 2's booking cannot be journaled: the scheduler stops before it tells anyone.
        await journal.OnWrite.Fail();
        lock (Queued.Jobs) Queued.Jobs.Add(Job(2)); // still queued in the job tables
        supervisor.Tell(new JobQueued(Job(2)));
        await ExpectTerminatedAsync(failed);
        await journal.OnWrite.Pass();

        // The next incarnation replays job 1's booking and sends it again, and books job 2 from the queue.
        var again = new[] { await AssignedAsync(), await AssignedAsync() };
        Assert.Equal([(1L, "qemu-01"), (2L, "qemu-02")], again.Select(a => (a.JobId, a.Device)).Order());
        var restarted = await CurrentChildAsync(supervisor);
        Assert.NotEqual(failed, restarted);

        supervisor.Tell(new JobQueued(Job(3)));
        Assert.Equal((3L, "qemu-03"), await AssignedAsync() is var third ? (third.JobId, third.Device) : default);
    }

    private Props StartProps() => SchedulerSingleton.Props(Settings, Lab, Lab, Queued, Ids, Time);

    private static async Task<IActorRef> CurrentChildAsync(IActorRef supervisor) =>
        (await supervisor.Ask<BackoffSupervisor.CurrentChild>(BackoffSupervisor.GetCurrentChild.Instance, TimeSpan.FromSeconds(3))).Ref
        ?? throw new InvalidOperationException("the backoff supervisor has no child right now");
}
