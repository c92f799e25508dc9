using Akka.Actor;
using Akka.Event;
using Lava.Actors.Lab;

namespace Lava.Actors.Jobs.Scheduling;

/// <summary>
/// How changes reach the journal. Events only mark device types dirty and note releases; one <see cref="Flush"/>, sent
/// to itself behind the messages already waiting, journals the releases and the bookings of one pass over every dirty
/// type in one write, so that a burst of submissions and releases costs one write, not one each.
/// </summary>
public sealed partial class SchedulerSingleton
{
    private readonly HashSet<string> _dirty = new(StringComparer.Ordinal);
    private readonly Dictionary<long, PendingRelease> _releases = [];
    private bool _flushRequested;

    private void Schedule(IEnumerable<string> types)
    {
        _dirty.UnionWith(types);
        RequestFlush();
    }

    private void RequestFlush()
    {
        if (_flushRequested) return;
        _flushRequested = true;
        Self.Tell(Flush.Instance);
    }

    /// <summary>Notes that the job gives <paramref name="device"/> back; ignored unless the job holds it (a repeated release).</summary>
    private void Release(long jobId, string device, Func<DeviceHealth, DeviceHealth>? healthAfter)
    {
        if (_ledger.OfJob(jobId) is not { } booking || booking.Device != device || _releases.ContainsKey(jobId))
        {
            _log.Debug("Job {JobId} does not hold device {DeviceId}: nothing to free", jobId, device);
            return;
        }
        // A MultiNode member without a device has no health to change.
        _releases[jobId] = new PendingRelease(jobId, device, device.Length == 0 ? null : healthAfter);
        RequestFlush();
    }

    private void OnFlush()
    {
        _flushRequested = false;
        var releases = _releases.Values.ToList();
        _releases.Clear();
        var types = new HashSet<string>(_dirty, StringComparer.Ordinal);
        _dirty.Clear();
        // The releases count for this pass before their write commits: nobody hears of the pass before that commit, and
        // a failed write stops the scheduler, whose recovery replays only what was committed.
        foreach (var release in releases)
        {
            _ledger.Apply(new DeviceFreed(release.Device, release.JobId));
            // A device whose health is about to change is held out of the pass until the new health is written.
            if (release.HealthAfter is not null) _held.Add(release.Device);
            RefreshFree(release.Device);
            types.UnionWith(TypeOf(release.Device));
        }
        var pass = RunPass(types);
        if (pass.HealthChecks.Count > 0) CreateHealthChecks(pass.HealthChecks);

        var events = new List<object>(releases.Select(r => new DeviceFreed(r.Device, r.JobId)));
        if (pass.Bookings.Count > 0) events.Add(new DevicesBooked(pass.Bookings));
        if (events.Count == 0) return;
        PersistAll(events, e =>
        {
            if (e is DevicesBooked booked) Booked(booked);
        });
        DeferAsync(events, _ =>
        {
            foreach (var release in releases.Where(r => r.HealthAfter is not null)) WriteHealth(release.Device, release.HealthAfter!);
            SnapshotWhenDue();
        });
    }

    /// <summary>Journals <paramref name="bookings"/> made outside a pass (health checks whose ids arrived), then schedules <paramref name="types"/>.</summary>
    private void Book(List<Booking> bookings, IReadOnlyCollection<string> types)
    {
        Persist(new DevicesBooked(bookings), booked =>
        {
            Booked(booked);
            SnapshotWhenDue();
            Schedule(types);
        });
    }

    private void Booked(DevicesBooked booked)
    {
        _ledger.Apply(booked);
        foreach (var booking in booked.Bookings)
        {
            _queue.Remove(booking.JobId);
            RefreshFree(booking.Device);
            Tell(booking);
        }
    }

    private void SnapshotWhenDue()
    {
        if (LastSequenceNr - _lastSnapshot < _settings.SnapshotEvery) return;
        SaveSnapshot(_ledger.ToSnapshot());
        _lastSnapshot = LastSequenceNr;
    }

    private sealed record PendingRelease(long JobId, string Device, Func<DeviceHealth, DeviceHealth>? HealthAfter);

    private sealed record Flush : INoSerializationVerificationNeeded
    {
        public static Flush Instance { get; } = new();
    }
}
