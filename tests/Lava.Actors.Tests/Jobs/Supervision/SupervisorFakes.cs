using System.Collections.Concurrent;
using Akka.Actor;
using Lava.Actors.Jobs;
using Lava.Actors.Jobs.Definition;
using Lava.Actors.Jobs.Supervision;
using Lava.Actors.Lab;
using Lava.Actors.Lab.Store;
using Lava.Actors.Tests.Lab;

namespace Lava.Actors.Tests.Jobs.Supervision;

/// <summary>Test cases stored in memory, idempotent by position as the contract asks.</summary>
public sealed class RecordingResultsSink : IJobResultsSink
{
    private readonly ConcurrentDictionary<long, List<TestCaseResult>> _jobs = new();

    public IReadOnlyList<TestCaseResult> Of(long jobId)
    {
        var cases = _jobs.GetOrAdd(jobId, _ => []);
        lock (cases) return [.. cases];
    }

    public Task<long> AppendAsync(long jobId, long firstCase, IReadOnlyList<TestCaseResult> cases, CancellationToken cancellationToken = default)
    {
        var stored = _jobs.GetOrAdd(jobId, _ => []);
        lock (stored)
        {
            if (firstCase > stored.Count) throw new InvalidOperationException($"case {firstCase} after {stored.Count} stored");
            stored.AddRange(cases.Skip((int)(stored.Count - firstCase)));
            return Task.FromResult<long>(stored.Count);
        }
    }

    public Task<long> CountAsync(long jobId, CancellationToken cancellationToken = default)
    {
        var stored = _jobs.GetOrAdd(jobId, _ => []);
        lock (stored) return Task.FromResult<long>(stored.Count);
    }
}

/// <summary>Workers' agents as test probes; a worker without one is not a member now.</summary>
public sealed class ProbeAgents : IWorkerAgents
{
    public ConcurrentDictionary<string, IActorRef> Agents { get; } = new();

    public ICanTell? AgentOf(string worker) => Agents.GetValueOrDefault(worker);
}

/// <summary>Device dictionaries in a real lab store (a SQLite file in the test's directory): what supervisors read.</summary>
public sealed class LabDevices(string directory)
{
    public LabStore Store { get; } = LabStore.OpenAsync(LabDatabase.Sqlite(Path.Combine(directory, "lab.db"))).GetAwaiter().GetResult();

    /// <summary>Adds the device <paramref name="hostname"/> of type <c>board</c> on <paramref name="worker"/>, both made when missing.</summary>
    public void Add(string hostname, string dictionary, string worker = "w1")
    {
        Store.TryAddDeviceTypeAsync(DeviceType.Default("board")).GetAwaiter().GetResult();
        Store.TryAddAsync(LabStoreSpec.NewWorker(worker)).GetAwaiter().GetResult();
        Store.TryAddDeviceAsync(new Device(hostname, "board", worker, "", dictionary, DeviceState.Idle, DeviceHealth.Good)).GetAwaiter().GetResult();
    }
}

/// <summary>Jobs and device files for the supervisor specs.</summary>
public static class SupervisedJobs
{
    public static readonly DateTimeOffset Submitted = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>The device-type template every test device extends: it prints a dictionary variable and a job context variable.</summary>
    public const string BoardTemplate = "device_type: board\nconnect: telnet localhost {{ port }}\nkernel_args: '{{ extra_kernel_args }}'\n";

    public const string Dictionary = "{% extends 'board.jinja2' %}\n{% set port = 7001 %}\n";

    public static JobSpec Spec(long id, TimeSpan? jobTimeout = null, JobGroup? group = null) => new(
        id, "alice", Submitted, $"job {id}", "board", [], 50, JobVisibility.Public, false, null,
        "job_name: test\ncontext:\n  extra_kernel_args: quiet\nactions: []\n", "job_name: test\n", group,
        jobTimeout ?? TimeSpan.FromHours(1), null, null);
}
