namespace Lava.Actors.Jobs.Scheduling;

/// <summary>
/// The scheduler's journaled state: who holds which device, how busy each worker is, and each device's health-check
/// facts. Changed only by <see cref="Apply(DevicesBooked)"/> and <see cref="Apply(DeviceFreed)"/>, in recovery as after a
/// commit; mutable because a pass books thousands of devices and copying the maps per event would be quadratic.
/// </summary>
internal sealed class BookingLedger
{
    private readonly Dictionary<string, Booking> _byDevice = new(StringComparer.Ordinal);
    private readonly Dictionary<long, Booking> _byJob = [];
    private readonly Dictionary<string, int> _busyByWorker = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HealthCheckFacts> _facts = new(StringComparer.Ordinal);

    public IReadOnlyCollection<Booking> Bookings => _byJob.Values;

    public bool IsBooked(string device) => _byDevice.ContainsKey(device);

    public bool IsBooked(long jobId) => _byJob.ContainsKey(jobId);

    public Booking? OfJob(long jobId) => _byJob.GetValueOrDefault(jobId);

    /// <summary>Devices of <paramref name="worker"/> held by a job (LAVA's Reserved or Running).</summary>
    public int Busy(string worker) => _busyByWorker.GetValueOrDefault(worker);

    public HealthCheckFacts? Facts(string device) => _facts.GetValueOrDefault(device);

    public void Apply(DevicesBooked e)
    {
        foreach (var booking in e.Bookings)
        {
            _byJob[booking.JobId] = booking;
            if (booking.Device.Length == 0) continue;
            _byDevice[booking.Device] = booking;
            _busyByWorker[booking.Worker] = Busy(booking.Worker) + 1;
            var facts = Facts(booking.Device);
            _facts[booking.Device] = booking.HealthCheck is not null
                ? new HealthCheckFacts(booking.Device, booking.At, 0)
                : new HealthCheckFacts(booking.Device, facts?.LastHealthCheck, (facts?.JobsSinceHealthCheck ?? 0) + 1);
        }
    }

    public void Apply(DeviceFreed e)
    {
        if (!_byJob.TryGetValue(e.JobId, out var booking) || booking.Device != e.Device) return;
        _byJob.Remove(e.JobId);
        if (booking.Device.Length == 0) return;
        _byDevice.Remove(booking.Device);
        var busy = Busy(booking.Worker) - 1;
        if (busy > 0) _busyByWorker[booking.Worker] = busy;
        else _busyByWorker.Remove(booking.Worker);
    }

    public SchedulerSnapshot ToSnapshot() => new(
        [.. _byJob.Values.OrderBy(b => b.JobId)],
        [.. _facts.Values.OrderBy(f => f.Device, StringComparer.Ordinal)]);

    public void Restore(SchedulerSnapshot snapshot)
    {
        _byDevice.Clear();
        _byJob.Clear();
        _busyByWorker.Clear();
        _facts.Clear();
        // Booking again rebuilds the indexes; the facts it would count are then replaced by the snapshot's own.
        Apply(new DevicesBooked(snapshot.Bookings));
        _facts.Clear();
        foreach (var facts in snapshot.Devices) _facts[facts.Device] = facts;
    }
}
