using Lava.Actors.Wire;

namespace Lava.Actors.Jobs.Scheduling;

/// <summary>
/// One device held by one job, as the scheduler journals it. A secondary MultiNode member that needs no device
/// (<see cref="JobGroup.DeviceBacked"/> false) is booked with <see cref="Device"/> empty, on the worker of its group.
/// </summary>
/// <param name="JobId">The job holding the device.</param>
/// <param name="Device">The device's hostname; empty for a member that needs no device.</param>
/// <param name="Worker">The worker the device is attached to.</param>
/// <param name="At">When the scheduler booked it (a health check's submit time for the due rules).</param>
/// <param name="HealthCheck">The health check the scheduler created for this booking, so that it can submit it again after a restart; null for a queued job.</param>
public sealed record Booking(long JobId, string Device, string Worker, DateTimeOffset At, JobSpec? HealthCheck = null);

/// <summary>What the scheduler remembers of a device's health checks: LAVA's <c>last_health_report_job</c> facts.</summary>
/// <param name="Device">The device's hostname.</param>
/// <param name="LastHealthCheck">When its last health check was booked; null if never.</param>
/// <param name="JobsSinceHealthCheck">Normal jobs booked on it since then.</param>
public sealed record HealthCheckFacts(string Device, DateTimeOffset? LastHealthCheck, int JobsSinceHealthCheck);

/// <summary>Journaled by the scheduler (persistence id <c>scheduler</c>) before any job hears of these bookings.</summary>
[WireManifest("lava.scheduler.devices-booked.v1")]
public sealed record DevicesBooked(IReadOnlyList<Booking> Bookings) : ILavaWireMessage;

/// <summary>Journaled by the scheduler when a job released its device or refused it: the device may be booked again.</summary>
[WireManifest("lava.scheduler.device-freed.v1")]
public sealed record DeviceFreed(string Device, long JobId) : ILavaWireMessage;

/// <summary>The scheduler's journaled state at a sequence number, so that recovery replays only the events after it.</summary>
[WireManifest("lava.scheduler.snapshot.v1")]
public sealed record SchedulerSnapshot(IReadOnlyList<Booking> Bookings, IReadOnlyList<HealthCheckFacts> Devices) : ILavaWireMessage;
