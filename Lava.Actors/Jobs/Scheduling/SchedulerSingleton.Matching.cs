using Akka.Actor;
using Akka.Event;
using Lava.Actors.Jobs.Supervision;
using Lava.Actors.Lab;

namespace Lava.Actors.Jobs.Scheduling;

/// <summary>
/// One scheduling pass over some device types (LAVA §4.2 and §3.5, event-driven): due health checks first, then the
/// queued jobs of each type in LAVA's order onto the free devices that match; the bookings of the pass are journaled
/// together. Work is proportional to the free devices and the queued jobs of the types named.
/// </summary>
public sealed partial class SchedulerSingleton
{
    /// <summary>Matches the free devices of <paramref name="types"/> with health checks and queued jobs; commits nothing.</summary>
    private Pass RunPass(IEnumerable<string> types)
    {
        var pass = new Pass(_time.GetUtcNow()) { BaseBusy = worker => _ledger.Busy(worker) + _awaitingHealthCheck.Values.Count(w => w == worker) };
        if (!_lab.Loaded) return pass;
        foreach (var type in types.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            if (_lab.Type(type) is not { } deviceType) continue;
            if (DoesHealthChecks(deviceType)) HealthChecksOf(deviceType, pass);
            JobsOf(type, pass);
        }
        return pass;
    }

    private static bool DoesHealthChecks(DeviceType type) => !type.DisableHealthCheck && !string.IsNullOrWhiteSpace(type.HealthCheckJob);

    /// <summary>The free devices of <paramref name="type"/> that may run something now, by hostname; computed once a pass.</summary>
    private List<LabDevice> Candidates(string type, Pass pass)
    {
        if (pass.Candidates.TryGetValue(type, out var known)) return known;
        var healthChecks = _lab.Type(type) is { } deviceType && DoesHealthChecks(deviceType);
        var candidates = new List<LabDevice>();
        foreach (var hostname in _free.GetValueOrDefault(type) ?? [])
        {
            if (_lab.Device(hostname) is not { } device || _lab.Worker(device.Device.Worker) is not { } worker) continue;
            if (worker.State != WorkerState.Online || worker.Health != WorkerHealth.Active) continue;
            // A device still being set up (added, its dictionary not yet given) renders nothing a job could run with.
            if (string.IsNullOrWhiteSpace(device.Device.Dictionary)) continue;
            // Looping devices run only health checks, so only types that have them offer them.
            if (device.Device.Health is DeviceHealth.Good or DeviceHealth.Unknown || (healthChecks && device.Device.Health == DeviceHealth.Looping))
            {
                candidates.Add(device);
            }
        }
        pass.Candidates[type] = candidates;
        return candidates;
    }

    private void HealthChecksOf(DeviceType type, Pass pass)
    {
        foreach (var device in Candidates(type.Name, pass))
        {
            if (pass.Taken.Contains(device.Hostname) || !IsHealthCheckDue(device.Device, type, pass.Now)) continue;
            if (!UnderJobLimit(device.Device.Worker!, pass)) continue;
            pass.Take(device);
            pass.HealthChecks.Add(device);
        }
    }

    /// <summary>LAVA §3.5: due when Unknown or Looping, never checked, or the type's frequency in hours or jobs has passed.</summary>
    private bool IsHealthCheckDue(Device device, DeviceType type, DateTimeOffset now)
    {
        if (device.Health is DeviceHealth.Unknown or DeviceHealth.Looping) return true;
        if (_ledger.Facts(device.Hostname) is not { LastHealthCheck: { } last } facts) return true;
        return type.HealthDenominator == HealthDenominator.Hours
            ? last + TimeSpan.FromHours(type.HealthFrequency) < now
            : facts.JobsSinceHealthCheck >= type.HealthFrequency;
    }

    private void JobsOf(string type, Pass pass)
    {
        var candidates = Candidates(type, pass);
        foreach (var job in _queue.OfType(type))
        {
            if (pass.Remaining(type) == 0) return;
            if (pass.Jobs.Contains(job.Id)) continue;
            if (job.Group is { } group)
            {
                if (pass.GroupsTried.Add(group.Id)) TryGroup(group, pass);
                continue;
            }
            if (FindDevice(job, candidates, pass, []) is { } device) pass.Book(job, device);
        }
    }

    /// <summary>The first free device (by hostname) that <paramref name="job"/> may run on, its worker under its job limit.</summary>
    private LabDevice? FindDevice(QueuedJob job, List<LabDevice> candidates, Pass pass, List<LabDevice> alsoTaken)
    {
        foreach (var device in candidates)
        {
            if (pass.Taken.Contains(device.Hostname) || alsoTaken.Contains(device) || !Fits(job, device)) continue;
            var worker = device.Device.Worker!;
            if (UnderJobLimit(worker, pass, alsoTaken.Count(d => d.Device.Worker == worker))) return device;
        }
        return null;
    }

    private static bool Fits(QueuedJob job, LabDevice device) =>
        device.Device.DeviceType == job.DeviceType
        && (job.RequestedDevice is null || job.RequestedDevice == device.Hostname)
        && (device.Device.Health != DeviceHealth.Looping || job.HealthCheck)
        && job.Tags.All(device.Tags.Contains);

    /// <summary>LAVA's job_limit (0: none): at most that many of the worker's devices held at once, <paramref name="extra"/> more picked.</summary>
    private bool UnderJobLimit(string worker, Pass pass, int extra = 0) =>
        _lab.Worker(worker) is not { JobLimit: > 0 } limited || pass.Busy(worker) + extra < limited.JobLimit;

    /// <summary>
    /// Books every member of the group in one step or none: a device for each device-backed member, and the others
    /// with it (LAVA reserves member by member and can deadlock two groups).
    /// </summary>
    private void TryGroup(JobGroup group, Pass pass)
    {
        if (_queue.CompleteGroup(group) is not { } members || members.Any(m => pass.Jobs.Contains(m.Id))) return;
        var picks = new List<LabDevice>();
        foreach (var member in members.Where(m => m.Group!.DeviceBacked))
        {
            if (FindDevice(member, Candidates(member.DeviceType, pass), pass, picks) is not { } device) return;
            picks.Add(device);
        }
        if (picks.Count == 0) return;
        var backed = 0;
        foreach (var member in members)
        {
            if (member.Group!.DeviceBacked) pass.Book(member, picks[backed++]);
            else pass.Book(member, worker: picks[0].Device.Worker!);
        }
    }

    /// <summary>LAVA §1.3: a job still queued <c>timeouts.queue</c> after its submit time is canceled, with its whole group.</summary>
    private void ExpireQueued()
    {
        var now = _time.GetUtcNow();
        var expired = _queue.All.Where(s => s.QueueTimeout is { } timeout && s.SubmitTime + timeout <= now).ToList();
        var told = new HashSet<long>();
        foreach (var spec in expired)
        {
            foreach (var id in spec.Group?.JobIds ?? [spec.Id])
            {
                if (!told.Add(id)) continue;
                _queue.Remove(id);
                _region.Tell(new QueueTimedOut(id));
            }
            _log.Info("Job {JobId} waited longer than its queue timeout {Timeout}", spec.Id, spec.QueueTimeout);
        }
    }

    /// <summary>What one pass has taken so far; nothing counts until the bookings are journaled.</summary>
    private sealed class Pass(DateTimeOffset now)
    {
        private readonly Dictionary<string, int> _busy = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _takenOfType = new(StringComparer.Ordinal);

        public DateTimeOffset Now { get; } = now;

        public List<Booking> Bookings { get; } = [];

        public List<LabDevice> HealthChecks { get; } = [];

        public HashSet<string> Taken { get; } = new(StringComparer.Ordinal);

        public HashSet<long> Jobs { get; } = [];

        public HashSet<long> GroupsTried { get; } = [];

        public Dictionary<string, List<LabDevice>> Candidates { get; } = new(StringComparer.Ordinal);

        public Func<string, int> BaseBusy { get; init; } = _ => 0;

        public int Busy(string worker) => BaseBusy(worker) + _busy.GetValueOrDefault(worker);

        public int Remaining(string type) => Candidates.GetValueOrDefault(type)?.Count - _takenOfType.GetValueOrDefault(type) ?? 0;

        public void Take(LabDevice device)
        {
            Taken.Add(device.Hostname);
            var worker = device.Device.Worker!;
            _busy[worker] = _busy.GetValueOrDefault(worker) + 1;
            _takenOfType[device.Device.DeviceType] = _takenOfType.GetValueOrDefault(device.Device.DeviceType) + 1;
        }

        public void Book(QueuedJob job, LabDevice device)
        {
            Take(device);
            Jobs.Add(job.Id);
            Bookings.Add(new Booking(job.Id, device.Hostname, device.Device.Worker!, Now));
        }

        /// <summary>A MultiNode member that needs no device: it runs on <paramref name="worker"/>, its group's.</summary>
        public void Book(QueuedJob job, string worker)
        {
            Jobs.Add(job.Id);
            Bookings.Add(new Booking(job.Id, "", worker, Now));
        }
    }
}
