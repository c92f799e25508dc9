using Lava.Actors.Jobs.Supervision;
using Lava.Actors.Wire;

namespace Lava.Actors.Jobs.Scheduling;

/// <summary>Akka.Hosting registry key of the proxy to the scheduler singleton (role <c>master</c>).</summary>
public sealed class SchedulerProxy;

/// <summary>
/// From a job supervisor, after <see cref="JobSubmitted"/> is journaled and again whenever a Submitted job's supervisor
/// recovers: the job waits for a device. Idempotent by job id.
/// </summary>
[WireManifest("lava.scheduler.job-queued.v1")]
public sealed record JobQueued(JobSpec Spec) : ILavaWireMessage;

/// <summary>From a job supervisor: a job that held no device was canceled or timed out; forget it.</summary>
[WireManifest("lava.scheduler.job-dequeued.v1")]
public sealed record JobDequeued(long JobId) : ILavaWireMessage;

/// <summary>
/// From the scheduler to a job's supervisor (through the shard region), after the booking is journaled: run on
/// <paramref name="Device"/> of <paramref name="Worker"/>. Sent again after a scheduler restart for every booking it
/// holds. The supervisor answers <see cref="AssignmentAccepted"/> when the job is (or already was) scheduled there,
/// else <see cref="AssignmentRefused"/> (the job finished or was canceled meanwhile), and the scheduler frees the device.
/// </summary>
[WireManifest("lava.scheduler.assign-device.v1")]
public sealed record AssignDevice(long JobId, string Device, string Worker) : IJobCommand;

/// <summary>The job holds the device until it sends <see cref="DeviceReleased"/>.</summary>
[WireManifest("lava.scheduler.assignment-accepted.v1")]
public sealed record AssignmentAccepted(long JobId, string Device) : ILavaWireMessage;

/// <summary>The job does not want the device (it is finished, or scheduled elsewhere); the scheduler frees it.</summary>
[WireManifest("lava.scheduler.assignment-refused.v1")]
public sealed record AssignmentRefused(long JobId, string Device, string Reason) : ILavaWireMessage;

/// <summary>
/// From a job supervisor, after <see cref="JobFinished"/> is journaled: the device is free again. The scheduler
/// applies LAVA's health rules (a health check's outcome, an infrastructure error making the device Unknown).
/// </summary>
[WireManifest("lava.scheduler.device-released.v1")]
public sealed record DeviceReleased(long JobId, string Device, JobHealth Health, string ErrorType, bool HealthCheck) : ILavaWireMessage;

/// <summary>
/// From the gateway or an admin verb, after a change to the lab store: reread <paramref name="DeviceType"/> and
/// <paramref name="Device"/> (null: everything) and schedule what became possible.
/// </summary>
[WireManifest("lava.scheduler.lab-changed.v1")]
public sealed record LabChanged(string? DeviceType = null, string? Device = null) : ILavaWireMessage;

/// <summary>A worker came online or went offline (or its health changed): reread it and its devices.</summary>
[WireManifest("lava.scheduler.worker-changed.v1")]
public sealed record WorkerChanged(string Worker) : ILavaWireMessage;
