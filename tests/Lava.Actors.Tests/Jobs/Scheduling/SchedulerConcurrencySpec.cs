using System.Collections.Concurrent;
using Akka.Actor;
using Akka.TestKit;
using Lava.Actors.Jobs.Scheduling;
using Lava.Actors.Lab.Store;
using Lava.Actors.Persistence;
using Xunit;
using Xunit.Abstractions;

namespace Lava.Actors.Tests.Jobs.Scheduling;

/// <summary>
/// Many jobs and devices at once: jobs arrive from several threads while releasers on several actors free devices
/// the moment they get a job. The stream of assignments proves no device is held twice and every job runs once.
/// </summary>
public sealed class SchedulerConcurrencySpec : SchedulerTestKit
{
    private const int Jobs = 10_000;
    private const int Devices = 200;
    private const int Releasers = 8;
    private const int Submitters = 4;

    public SchedulerConcurrencySpec(ITestOutputHelper output)
        : this(SqliteStores(), output)
    {
    }

    private SchedulerConcurrencySpec((LabDatabase Lab, LavaPersistenceOptions Journal, string Directory) stores, ITestOutputHelper output)
        : base(stores.Lab, stores.Journal, output, stores.Directory)
    {
    }

    [Fact]
    public async Task Ten_thousand_jobs_on_two_hundred_devices_released_concurrently_must_each_run_once_and_no_device_be_held_twice()
    {
        await TypeAsync("qemu");
        for (var w = 0; w < 4; w++) await WorkerAsync($"w{w}");
        for (var d = 0; d < Devices; d++) await DeviceAsync($"qemu-{d:D3}", "qemu", $"w{d % 4}");
        var scheduler = StartScheduler();
        var holders = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var runs = new ConcurrentDictionary<long, int>();
        var violations = new ConcurrentQueue<string>();
        var releasers = Enumerable.Range(0, Releasers)
            .Select(i => Sys.ActorOf(Props.Create(() => new ReleaserActor(scheduler, holders, runs, violations)), $"releaser-{i}"))
            .ToArray();
        Region.SetAutoPilot(new DelegateAutoPilot((_, message) =>
        {
            if (message is AssignDevice assign)
            {
                // The holder is recorded here, in the order the scheduler sent the assignments.
                if (!holders.TryAdd(assign.Device, assign.JobId)) violations.Enqueue($"{assign.Device} given to job {assign.JobId} while job {holders[assign.Device]} held it");
                releasers[(int)(assign.JobId % Releasers)].Tell(assign);
            }
            return AutoPilot.KeepRunning;
        }));

        await Task.WhenAll(Enumerable.Range(0, Submitters).Select(s => Task.Run(() =>
        {
            for (var id = 1L + s; id <= Jobs; id += Submitters) scheduler.Tell(new JobQueued(Job(id)));
        })));

        await AwaitConditionAsync(() => runs.Count == Jobs || !violations.IsEmpty, TimeSpan.FromMinutes(3), TimeSpan.FromMilliseconds(200),
            $"every job scheduled (got {runs.Count} of {Jobs})");
        Assert.Empty(violations);
        Assert.Equal(Jobs, runs.Count);
        Assert.All(runs, r => Assert.Equal(1, r.Value));
    }

    /// <summary>Stands for the supervisors of some jobs: each job ends at once and gives its device back.</summary>
    private sealed class ReleaserActor : ReceiveActor
    {
        public ReleaserActor(IActorRef scheduler, ConcurrentDictionary<string, long> holders, ConcurrentDictionary<long, int> runs, ConcurrentQueue<string> violations) =>
            Receive<AssignDevice>(assign =>
            {
                runs.AddOrUpdate(assign.JobId, 1, (_, n) => n + 1);
                if (!holders.TryRemove(new KeyValuePair<string, long>(assign.Device, assign.JobId))) violations.Enqueue($"{assign.Device} was not held by job {assign.JobId}");
                scheduler.Tell(new DeviceReleased(assign.JobId, assign.Device, Lava.Actors.Jobs.JobHealth.Complete, "", false));
            });
    }
}
