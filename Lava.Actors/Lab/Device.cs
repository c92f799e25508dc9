namespace Lava.Actors.Lab;

/// <summary>
/// Whether a device is busy, as LAVA's <c>Device.state</c>: derived from its jobs, never set by admins. The
/// values are LAVA's stored integers.
/// </summary>
public enum DeviceState
{
    /// <summary>No job on it; the default.</summary>
    Idle = 0,

    /// <summary>A job is scheduled on it but not yet running.</summary>
    Reserved = 1,

    /// <summary>A job runs on it.</summary>
    Running = 2,
}

/// <summary>Whether a device may be scheduled, as LAVA's <c>Device.health</c>; the values are LAVA's stored integers.</summary>
public enum DeviceHealth
{
    /// <summary>Its last health check passed: takes jobs.</summary>
    Good = 0,

    /// <summary>Takes jobs, after a health check when its type has one.</summary>
    Unknown = 1,

    /// <summary>Runs health check after health check until an admin changes it.</summary>
    Looping = 2,

    /// <summary>Its last health check failed or its configuration is invalid: not scheduled.</summary>
    Bad = 3,

    /// <summary>Set aside by an admin: not scheduled.</summary>
    Maintenance = 4,

    /// <summary>Out of service: refuses submissions.</summary>
    Retired = 5,
}

/// <summary>A board as the master knows it. Its tags are stored apart (see <see cref="IDeviceRegistry.ListDeviceTagsAsync"/>).</summary>
/// <param name="Hostname">The device's name, unique in the lab.</param>
/// <param name="DeviceType">The name of its <see cref="Lab.DeviceType"/>.</param>
/// <param name="Worker">The hostname of the worker it is attached to; null when it has none.</param>
/// <param name="Description">Free text for admins; empty when none was given.</param>
/// <param name="Dictionary">Its device dictionary (jinja2 text extending its type's template).</param>
/// <param name="State">Idle, Reserved or Running, set by the scheduler and job supervisors.</param>
/// <param name="Health">One of LAVA's six healths, set by admins and health checks.</param>
public sealed record Device(
    string Hostname,
    string DeviceType,
    string? Worker,
    string Description,
    string Dictionary,
    DeviceState State,
    DeviceHealth Health);

/// <summary>
/// A partial update of a <see cref="Device"/> applied atomically by <see cref="IDeviceRegistry.UpdateDeviceAsync"/>;
/// a null property leaves the stored value unchanged. <paramref name="DetachWorker"/> clears the worker and
/// cannot be combined with <paramref name="Worker"/>.
/// </summary>
public sealed record DeviceChange(
    string? DeviceType = null,
    string? Worker = null,
    bool DetachWorker = false,
    string? Description = null,
    string? Dictionary = null);
