using System.Diagnostics;
using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Lava.Actors.Jobs;
using Lava.Actors.Jobs.Definition;
using Lava.Actors.Jobs.ReadModels;
using Lava.Actors.Jobs.Scheduling;
using Lava.Actors.Jobs.Supervision;
using Lava.Actors.Lab;
using Lava.Actors.Lab.Store;
using Lava.Actors.Persistence;
using Lava.Actors.Wire;
using Microsoft.Data.Sqlite;

namespace Lava.Bench;

/// <summary>
/// The scheduler singleton in one process on a SQLite lab store and journal, with an actor standing for the job
/// supervisors' shard region that accepts every assignment and never releases a device; then the whole master as
/// processes (<see cref="MasterBench"/>): REST submissions, recovery and idle memory.
/// </summary>
internal sealed class SchedulerBench : IBenchSuite
{
    private const int LatencyWarmup = 200;
    private const int LatencySamples = 2_000;
    private const int BacklogJobs = 10_000;
    private const int BacklogDevices = 1_000;
    private const int BacklogWorkers = 10;
    private static readonly DateTimeOffset Submitted = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);

    public string Name => "scheduler";

    public async IAsyncEnumerable<Figure> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // LAVA_BENCH_ONLY=master: the master process alone (submissions, recovery, idle memory); =submits: the submissions.
        if (Environment.GetEnvironmentVariable("LAVA_BENCH_ONLY") is "submits" or "master")
        {
            await foreach (var figure in new MasterBench().RunAsync(cancellationToken))
            {
                yield return figure;
            }
            yield break;
        }
        var (p50, p99) = await LatencyAsync();
        yield return new Figure(Name, "submit_to_scheduled_ms_p50", p50, "ms");
        yield return new Figure(Name, "submit_to_scheduled_ms_p99", p99, "ms");
        yield return new Figure(Name, "backlog_10k_on_1k_devices_s", await BacklogAsync(), "s");
        await foreach (var figure in new MasterBench().RunAsync(cancellationToken))
        {
            yield return figure;
        }
    }

    /// <summary>
    /// From <see cref="JobQueued"/> to the <see cref="AssignDevice"/> of that job, one job at a time, each onto an idle
    /// device (a device per job, so that no release is in flight), milliseconds.
    /// </summary>
    private static Task<(double P50, double P99)> LatencyAsync() => WithSchedulerAsync(async (lab, scheduler, assignments) =>
    {
        await AddDevicesAsync(lab, LatencyWarmup + LatencySamples, WorkerState.Online);
        scheduler.Tell(new LabChanged());
        var samples = new double[LatencySamples];
        for (var i = 0; i < LatencyWarmup + LatencySamples; i++)
        {
            var assigned = assignments.Next();
            var start = Stopwatch.GetTimestamp();
            scheduler.Tell(new JobQueued(Job(i + 1)));
            await assigned.WaitAsync(Deadline);
            if (i >= LatencyWarmup) samples[i - LatencyWarmup] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(samples);
        return (samples[samples.Length / 2], samples[(int)(samples.Length * 0.99)]);
    });

    /// <summary>
    /// 10,000 jobs wait in the queue while the 1,000 devices' workers are offline; then the workers come online and the
    /// lab is announced changed at once. Seconds from that announcement until every device got a job (its
    /// <see cref="AssignDevice"/> arrived), which includes rereading the lab and journaling the bookings.
    /// </summary>
    private static Task<double> BacklogAsync() => WithSchedulerAsync(async (lab, scheduler, assignments) =>
    {
        await AddDevicesAsync(lab, BacklogDevices, WorkerState.Offline);
        for (var id = 1; id <= BacklogJobs; id++) scheduler.Tell(new JobQueued(Job(id)));
        // Barrier: a job of another type on an online device is booked only after the queue above was taken in.
        await lab.TryAddDeviceTypeAsync(DeviceType.Default("barrier"));
        await lab.TryAddAsync(new Worker("barrier-worker", "", WorkerState.Online, WorkerHealth.Active, true, false, "", null, 0));
        await lab.TryAddDeviceAsync(new Device("barrier-01", "barrier", "barrier-worker", "", "{% extends 'qemu.jinja2' %}", DeviceState.Idle, DeviceHealth.Good));
        var barrier = assignments.Next();
        scheduler.Tell(new LabChanged(DeviceType: "barrier"));
        scheduler.Tell(new JobQueued(Job(BacklogJobs + 1) with { DeviceType = "barrier" }));
        await barrier.WaitAsync(Deadline);

        for (var w = 0; w < BacklogWorkers; w++) await lab.SetStateAsync($"w{w}", WorkerState.Online, null);
        var all = assignments.After(BacklogDevices);
        var start = Stopwatch.GetTimestamp();
        scheduler.Tell(new LabChanged());
        await all.WaitAsync(Deadline);
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    });

    private static async Task AddDevicesAsync(LabStore lab, int count, WorkerState state)
    {
        await lab.TryAddDeviceTypeAsync(DeviceType.Default("qemu"));
        for (var w = 0; w < BacklogWorkers; w++)
        {
            await lab.TryAddAsync(new Worker($"w{w}", "", WorkerState.Offline, WorkerHealth.Active, true, false, "", null, 0));
            await lab.SetStateAsync($"w{w}", state, null);
        }
        for (var d = 0; d < count; d++)
        {
            await lab.TryAddDeviceAsync(new Device($"qemu-{d:D5}", "qemu", $"w{d % BacklogWorkers}", "", "{% extends 'qemu.jinja2' %}", DeviceState.Idle, DeviceHealth.Good));
        }
    }

    private static JobSpec Job(long id) => new(id, "bench", Submitted.AddTicks(id), $"job {id}", "qemu", [], 50, JobVisibility.Public, false, null,
        "job_name: bench\n", "job_name: bench\n", null, TimeSpan.FromMinutes(30), null, null);

    /// <summary>A fresh lab store, journal and actor system with the scheduler and the region's stand-in; all removed afterwards.</summary>
    private static async Task<T> WithSchedulerAsync<T>(Func<LabStore, IActorRef, Assignments, Task<T>> run)
    {
        var dir = Directory.CreateTempSubdirectory("lava-bench-scheduler-");
        try
        {
            var lab = await LabStore.OpenAsync(LabDatabase.Sqlite(Path.Combine(dir.FullName, "lava.db")));
            var journal = new LavaPersistenceOptions(PersistenceProvider.Sqlite, $"Data Source={Path.Combine(dir.FullName, "journal.db")}") { AutoInitialize = true };
            LavaPersistence.PrepareStore(journal);
            var system = BenchSystem.Create(ConfigurationFactory.ParseString(LavaSerialization.Hocon + "\n" + LavaPersistence.Hocon(journal)));
            try
            {
                var assignments = new Assignments();
                ActorRegistry.For(system).Register<JobSupervisorRegion>(system.ActorOf(Props.Create(() => new AcceptingRegion(assignments)), "region"));
                var scheduler = system.ActorOf(SchedulerSingleton.Props(
                    new SchedulerSettings(TimeSpan.FromHours(1), 500), lab, lab, new NoQueuedJobs(), new CountingIds(), TimeProvider.System));
                return await run(lab, scheduler, assignments);
            }
            finally
            {
                await system.Terminate();
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            dir.Delete(recursive: true);
        }
    }

    /// <summary>Counts the assignments the region received and completes a waiter when the count reaches its target.</summary>
    private sealed class Assignments
    {
        private readonly Lock _lock = new();
        private readonly List<(long Target, TaskCompletionSource Done)> _waiters = [];
        private long _count;

        /// <summary>Completes on the next assignment.</summary>
        public Task Next() => After(1);

        /// <summary>Completes once <paramref name="count"/> more assignments arrived.</summary>
        public Task After(int count)
        {
            lock (_lock)
            {
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add((_count + count, done));
                return done.Task;
            }
        }

        public void Arrived()
        {
            lock (_lock)
            {
                _count++;
                foreach (var waiter in _waiters.Where(w => w.Target <= _count).ToList())
                {
                    waiter.Done.SetResult();
                    _waiters.Remove(waiter);
                }
            }
        }
    }

    /// <summary>The shard region's stand-in: every job accepts its device and keeps it.</summary>
    private sealed class AcceptingRegion : ReceiveActor
    {
        public AcceptingRegion(Assignments assignments) => Receive<AssignDevice>(assign =>
        {
            assignments.Arrived();
            Sender.Tell(new AssignmentAccepted(assign.JobId, assign.Device));
        });
    }

    private sealed class NoQueuedJobs : IQueuedJobs
    {
        public Task<IReadOnlyList<long>> ListQueuedIdsAsync(CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<long>>([]);

        public Task<IReadOnlyList<QueuedJob>> ListQueuedAsync(IReadOnlyCollection<long>? ids = null, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<QueuedJob>>([]);
    }

    private sealed class CountingIds : IJobIds
    {
        private long _next = 1_000_000;

        public Task<long> AllocateAsync(int count, CancellationToken cancellationToken = default) => Task.FromResult(Interlocked.Add(ref _next, count) - count);
    }
}
