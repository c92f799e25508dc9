using Akka.Actor;
using Akka.Event;
using Lava.Actors.Jobs.Definition;
using Lava.Actors.Lab;

namespace Lava.Actors.Jobs.Scheduling;

/// <summary>
/// Health checks (LAVA §3.5): created by the scheduler as user <c>lava-health</c> from the device type's definition,
/// already booked on their device (never queued). Ids come from <see cref="ReadModels.IJobIds"/>, so the devices wait
/// out of scheduling until the ids arrive.
/// </summary>
public sealed partial class SchedulerSingleton
{
    /// <summary>The submitter of every health check.</summary>
    public const string HealthCheckSubmitter = "lava-health";

    private void CreateHealthChecks(List<LabDevice> devices)
    {
        foreach (var device in devices)
        {
            _awaitingHealthCheck[device.Hostname] = device.Device.Worker!;
            RefreshFree(device.Hostname);
        }
        var hostnames = devices.Select(d => d.Hostname).ToList();
        _jobIds.AllocateAsync(hostnames.Count).PipeTo(Self,
            success: first => new HealthCheckIds(first, hostnames),
            failure: e => new HealthCheckIdsFailed(hostnames, e));
    }

    private void OnHealthCheckIds(HealthCheckIds ids)
    {
        var now = _time.GetUtcNow();
        var bookings = new List<Booking>();
        var busy = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < ids.Devices.Count; i++)
        {
            var hostname = ids.Devices[i];
            _awaitingHealthCheck.Remove(hostname);
            // The lab may have changed while the ids were allocated: the device is checked again.
            if (_lab.Device(hostname) is not { } device || _lab.Type(device.Device.DeviceType) is not { } type || !DoesHealthChecks(type)) continue;
            if (!IsFree(hostname) || !MayRunHealthCheck(device, busy)) continue;
            if (CreateHealthCheck(ids.First + i, type, device, now) is not { } spec)
            {
                // LAVA: a health check that cannot be created makes the device Bad ("Invalid health check").
                WriteHealth(hostname, _ => DeviceHealth.Bad);
                continue;
            }
            busy[device.Device.Worker!] = busy.GetValueOrDefault(device.Device.Worker!) + 1;
            bookings.Add(new Booking(spec.Id, hostname, device.Device.Worker!, now, spec));
        }

        var types = ids.Devices.SelectMany(TypeOf).ToList();
        foreach (var hostname in ids.Devices) RefreshFree(hostname);
        // Devices that got no health check go back to the queue's jobs once the others are booked.
        if (bookings.Count > 0) Book(bookings, types);
        else Schedule(types);
    }

    private bool MayRunHealthCheck(LabDevice device, Dictionary<string, int> busy)
    {
        var worker = _lab.Worker(device.Device.Worker);
        return worker is { State: WorkerState.Online, Health: WorkerHealth.Active }
            && device.Device.Health is DeviceHealth.Good or DeviceHealth.Unknown or DeviceHealth.Looping
            && (worker.JobLimit <= 0 || _ledger.Busy(worker.Hostname) + _awaitingHealthCheck.Values.Count(w => w == worker.Hostname) + busy.GetValueOrDefault(worker.Hostname) < worker.JobLimit);
    }

    private JobSpec? CreateHealthCheck(long id, DeviceType type, LabDevice device, DateTimeOffset now)
    {
        try
        {
            var tree = JobDefinitionParser.Parse(type.HealthCheckJob);
            if (SubmissionSchema.Validate(tree) is { } error)
            {
                _log.Warning("Health check of device type {DeviceType} is invalid: {Error}", type.Name, error);
                return null;
            }
            var definition = JobDefinition.FromTree((OrderedDictionary<object, object?>)tree!);
            return new JobSpec(
                id, HealthCheckSubmitter, now, definition.Name, type.Name, [], definition.Priority, definition.Visibility,
                HealthCheck: true, RequestedDevice: device.Hostname, type.HealthCheckJob, type.HealthCheckJob,
                Group: null, definition.Timeouts.Job.Duration, QueueTimeout: null, OriginalJobId: null);
        }
        catch (Exception e) when (e is JobDefinitionSyntaxException or ArgumentException or InvalidCastException)
        {
            _log.Warning("Health check of device type {DeviceType} cannot be read: {Error}", type.Name, e.Message);
            return null;
        }
    }

    private void OnHealthCheckIdsFailed(HealthCheckIdsFailed failed)
    {
        _log.Warning(failed.Cause, "No job ids for {Count} health checks; the next sweep tries again", failed.Devices.Count);
        foreach (var hostname in failed.Devices)
        {
            _awaitingHealthCheck.Remove(hostname);
            RefreshFree(hostname);
        }
    }

    private sealed record HealthCheckIds(long First, IReadOnlyList<string> Devices) : INoSerializationVerificationNeeded;

    private sealed record HealthCheckIdsFailed(IReadOnlyList<string> Devices, Exception Cause) : INoSerializationVerificationNeeded;
}
