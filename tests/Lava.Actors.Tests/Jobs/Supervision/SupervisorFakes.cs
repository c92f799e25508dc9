using System.Collections.Concurrent;
using Akka.Actor;
using Lava.Actors.Jobs;
using Lava.Actors.Jobs.Definition;
using Lava.Actors.Jobs.Supervision;
using Lava.Actors.Lab;

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
}

/// <summary>Workers' agents as test probes; a worker without one is not a member now.</summary>
public sealed class ProbeAgents : IWorkerAgents
{
    public ConcurrentDictionary<string, IActorRef> Agents { get; } = new();

    public ICanTell? AgentOf(string worker) => Agents.GetValueOrDefault(worker);
}

/// <summary>A lab of device dictionaries in memory: only <see cref="FindDeviceAsync"/> is used by the supervisors.</summary>
public sealed class InMemoryDevices : IDeviceRegistry
{
    public ConcurrentDictionary<string, Device> Devices { get; } = new();

    public void Add(string hostname, string dictionary, string worker = "w1") =>
        Devices[hostname] = new Device(hostname, "board", worker, "", dictionary, DeviceState.Idle, DeviceHealth.Good);

    public Task<Device?> FindDeviceAsync(string hostname, CancellationToken cancellationToken = default) =>
        Task.FromResult(Devices.GetValueOrDefault(hostname));

    public Task<DeviceType?> FindDeviceTypeAsync(string name, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<IReadOnlyList<DeviceType>> ListDeviceTypesAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<bool> TryAddDeviceTypeAsync(DeviceType deviceType, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<DeviceType?> UpdateDeviceTypeAsync(string name, DeviceTypeChange change, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<bool> TryAddDeviceTypeAliasAsync(string deviceType, string alias, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<bool> RemoveDeviceTypeAliasAsync(string alias, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<IReadOnlyList<string>> ListDeviceTypeAliasesAsync(string deviceType, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<IReadOnlyList<Device>> ListDevicesAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<bool> TryAddDeviceAsync(Device device, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<bool> RemoveDeviceAsync(string hostname, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<Device?> UpdateDeviceAsync(string hostname, DeviceChange change, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<Device?> SetDeviceStateAsync(string hostname, DeviceState state, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<Device?> SetDeviceHealthAsync(string hostname, DeviceHealth health, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<bool> AddDeviceTagAsync(string hostname, string tag, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<bool> RemoveDeviceTagAsync(string hostname, string tag, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<IReadOnlyList<string>> ListDeviceTagsAsync(string hostname, CancellationToken cancellationToken = default) => throw new NotSupportedException();
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
