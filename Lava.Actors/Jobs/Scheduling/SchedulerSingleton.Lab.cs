using Akka.Actor;
using Akka.Event;
using Lava.Actors.Jobs.ReadModels;
using Lava.Actors.Lab;

namespace Lava.Actors.Jobs.Scheduling;

/// <summary>The scheduler's copy of the lab and the queue: loads, the index of free devices, device health after a job.</summary>
public sealed partial class SchedulerSingleton
{
    private static readonly HashSet<string> InfrastructureErrors = new(["Bug", "Configuration", "Infrastructure"], StringComparer.Ordinal);

    // Devices of each type that no job holds, no health write holds and no health check is being created for.
    private readonly Dictionary<string, SortedSet<string>> _free = new(StringComparer.Ordinal);
    private readonly HashSet<string> _held = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _awaitingHealthCheck = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (DeviceHealth Health, long LoadsBefore)> _written = new(StringComparer.Ordinal);
    private long _loadsStarted;
    private bool _sweeping;
    private bool _queueRead;

    private void StartSweep()
    {
        // A sweep still reading (a slow database) is not doubled.
        if (_sweeping) return;
        _sweeping = true;
        // The first sweep after a start reads every queued job; later ones compare ids and read only what is missing.
        if (!_queueRead)
        {
            ReadQueuedJobs(null);
            return;
        }
        _queuedJobs.ListQueuedIdsAsync().PipeTo(Self,
            success: ids => new QueuedIdsLoaded(ids),
            failure: e => new LoadFailed("queued jobs", e, Sweep: true));
    }

    private void OnQueuedIdsLoaded(QueuedIdsLoaded loaded)
    {
        var missing = loaded.Ids.Where(id => !_queue.Contains(id) && !_ledger.IsBooked(id)).ToList();
        if (missing.Count == 0) Load(LabScope.All, sweep: true);
        else ReadQueuedJobs(missing);
    }

    private void ReadQueuedJobs(IReadOnlyCollection<long>? ids) =>
        _queuedJobs.ListQueuedAsync(ids).PipeTo(Self,
            success: jobs => new QueueLoaded(jobs),
            failure: e => new LoadFailed("queued jobs", e, Sweep: true));

    private void OnQueueLoaded(QueueLoaded loaded)
    {
        _queueRead = true;
        // The read models lag the supervisors: a listed job may be booked already, and a job queued since is kept.
        foreach (var job in loaded.Jobs.Where(j => !_ledger.IsBooked(j.Id))) _queue.Add(job);
        Load(LabScope.All, sweep: true);
    }

    private void Load(LabScope scope, bool sweep)
    {
        var seq = ++_loadsStarted;
        var (devices, workers) = (_devices, _workers);
        ReadAsync().PipeTo(Self, failure: e => new LoadFailed("lab", e, sweep));

        async Task<LabLoaded> ReadAsync()
        {
            var types = await devices.ListDeviceTypesAsync().ConfigureAwait(false);
            var all = await workers.ListAsync().ConfigureAwait(false);
            var rows = (await devices.ListDevicesAsync().ConfigureAwait(false)).Where(scope.Covers).ToList();
            var loaded = new List<LabDevice>(rows.Count);
            foreach (var row in rows)
            {
                var tags = await devices.ListDeviceTagsAsync(row.Hostname).ConfigureAwait(false);
                loaded.Add(new LabDevice(row, new HashSet<string>(tags, StringComparer.Ordinal)));
            }
            return new LabLoaded(seq, scope, types, all, loaded, sweep);
        }
    }

    private void OnLabLoaded(LabLoaded loaded)
    {
        var devices = loaded.Devices.Select(d => WithWrittenHealth(d, loaded.Seq)).ToList();
        var touched = _lab.Replace(loaded.Scope, loaded.Types, loaded.Workers, devices);
        foreach (var type in touched) RebuildFree(type);
        if (loaded.Sweep)
        {
            _sweeping = false;
            ExpireQueued();
        }
        Schedule(loaded.Scope.IsAll ? _lab.DeviceTypes.Concat(touched) : touched);
    }

    /// <summary>
    /// A load that started before the scheduler's own health write completed may carry the older health: the written
    /// one wins until a load that started after it lands.
    /// </summary>
    private LabDevice WithWrittenHealth(LabDevice device, long seq)
    {
        if (!_written.TryGetValue(device.Hostname, out var written)) return device;
        if (seq > written.LoadsBefore)
        {
            _written.Remove(device.Hostname);
            return device;
        }
        return device with { Device = device.Device with { Health = written.Health } };
    }

    private void RebuildFree(string type)
    {
        var free = new SortedSet<string>(_lab.DevicesOf(type).Where(IsFree), StringComparer.Ordinal);
        // A device that changed type touched both types: each is rebuilt.
        if (free.Count > 0) _free[type] = free;
        else _free.Remove(type);
    }

    private void RefreshFree(string device)
    {
        if (_lab.Device(device) is not { } known) return;
        var type = known.Device.DeviceType;
        if (IsFree(device))
        {
            if (!_free.TryGetValue(type, out var set)) _free[type] = set = new SortedSet<string>(StringComparer.Ordinal);
            set.Add(device);
        }
        else if (_free.TryGetValue(type, out var set) && set.Remove(device) && set.Count == 0)
        {
            _free.Remove(type);
        }
    }

    private bool IsFree(string device) => !_ledger.IsBooked(device) && !_held.Contains(device) && !_awaitingHealthCheck.ContainsKey(device);

    /// <summary>LAVA's device health after a job (spec §3.3), as a change of the stored health; null when none applies.</summary>
    private static Func<DeviceHealth, DeviceHealth>? HealthAfter(DeviceReleased released)
    {
        if (released.HealthCheck)
        {
            var outcome = released.Health == Jobs.JobHealth.Complete ? DeviceHealth.Good : DeviceHealth.Bad;
            // Looping stays Looping until an admin changes it; Maintenance and Retired are the admin's.
            return current => current is DeviceHealth.Good or DeviceHealth.Unknown or DeviceHealth.Bad ? outcome : current;
        }
        // LAVA's quirk, kept: an infrastructure error makes even a Maintenance or Retired device Unknown.
        return InfrastructureErrors.Contains(released.ErrorType) ? _ => DeviceHealth.Unknown : null;
    }

    /// <summary>
    /// Holds <paramref name="device"/> out of scheduling while its new health is written, so that no job is booked on
    /// the health it had before (a failed health check must not let a queued job in).
    /// </summary>
    private void WriteHealth(string device, Func<DeviceHealth, DeviceHealth> rule)
    {
        _held.Add(device);
        RefreshFree(device);
        var devices = _devices;
        WriteAsync().PipeTo(Self, failure: e => new HealthSettled(device, null, e));

        async Task<HealthSettled> WriteAsync()
        {
            if (await devices.FindDeviceAsync(device).ConfigureAwait(false) is not { } current) return new HealthSettled(device, null, null);
            var next = rule(current.Health);
            var written = next == current.Health ? current : await devices.SetDeviceHealthAsync(device, next).ConfigureAwait(false);
            return new HealthSettled(device, written?.Health, null);
        }
    }

    private void OnHealthSettled(HealthSettled settled)
    {
        _held.Remove(settled.Device);
        if (settled.Health is { } health)
        {
            _log.Info("Device {DeviceId} is {Health}", settled.Device, health);
            _lab.SetHealth(settled.Device, health);
            _written[settled.Device] = (health, _loadsStarted);
            LiveChange.Publish(Context.System, new LiveChange([], [settled.Device]));
        }
        else if (settled.Cause is { } cause)
        {
            _log.Warning(cause, "Could not record the health of device {DeviceId}; it is rescheduled with the health last read", settled.Device);
        }
        RefreshFree(settled.Device);
        Schedule(TypeOf(settled.Device));
    }

    private sealed record QueuedIdsLoaded(IReadOnlyList<long> Ids) : INoSerializationVerificationNeeded;

    private sealed record QueueLoaded(IReadOnlyList<QueuedJob> Jobs) : INoSerializationVerificationNeeded;

    private sealed record LabLoaded(long Seq, LabScope Scope, IReadOnlyList<DeviceType> Types, IReadOnlyList<Worker> Workers, IReadOnlyList<LabDevice> Devices, bool Sweep)
        : INoSerializationVerificationNeeded;

    private sealed record LoadFailed(string What, Exception Cause, bool Sweep) : INoSerializationVerificationNeeded;

    private sealed record HealthSettled(string Device, DeviceHealth? Health, Exception? Cause) : INoSerializationVerificationNeeded;
}
