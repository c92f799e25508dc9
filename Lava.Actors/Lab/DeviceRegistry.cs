namespace Lava.Actors.Lab;

/// <summary>
/// Durable storage of the lab's device types and devices. Every method is one atomic operation. Names match
/// exactly (case-sensitive); lists are ordered ordinally. A device type, worker or device named by an operation
/// that must exist and does not is refused with <see cref="DeviceReferenceException"/>; a state, health or
/// denominator outside LAVA's values with <see cref="ArgumentOutOfRangeException"/>. Implemented on SQLite and
/// PostgreSQL by <see cref="Store.LabStore"/>, which throws <see cref="Store.LabStoreUnavailableException"/> when the
/// database cannot be reached.
/// </summary>
public interface IDeviceRegistry
{
    /// <summary>The device type named <paramref name="name"/> (its name, not an alias), or null.</summary>
    Task<DeviceType?> FindDeviceTypeAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Every device type, ordered by name.</summary>
    Task<IReadOnlyList<DeviceType>> ListDeviceTypesAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds <paramref name="deviceType"/>; returns false and changes nothing when its name exists.</summary>
    Task<bool> TryAddDeviceTypeAsync(DeviceType deviceType, CancellationToken cancellationToken = default);

    /// <summary>Applies <paramref name="change"/> and returns the updated type, or null when the name is unknown.</summary>
    Task<DeviceType?> UpdateDeviceTypeAsync(string name, DeviceTypeChange change, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gives the type <paramref name="deviceType"/> the alias <paramref name="alias"/>; returns false and changes
    /// nothing when that alias exists (on any type). Throws <see cref="DeviceReferenceException"/> for an unknown type.
    /// </summary>
    Task<bool> TryAddDeviceTypeAliasAsync(string deviceType, string alias, CancellationToken cancellationToken = default);

    /// <summary>Removes the alias <paramref name="alias"/>; false when there was none.</summary>
    Task<bool> RemoveDeviceTypeAliasAsync(string alias, CancellationToken cancellationToken = default);

    /// <summary>The aliases of <paramref name="deviceType"/>, ordered; empty for an unknown type.</summary>
    Task<IReadOnlyList<string>> ListDeviceTypeAliasesAsync(string deviceType, CancellationToken cancellationToken = default);

    /// <summary>The device named <paramref name="hostname"/>, or null.</summary>
    Task<Device?> FindDeviceAsync(string hostname, CancellationToken cancellationToken = default);

    /// <summary>Every device, retired ones included, ordered by hostname.</summary>
    Task<IReadOnlyList<Device>> ListDevicesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds <paramref name="device"/>; returns false and changes nothing when its hostname exists. Throws
    /// <see cref="DeviceReferenceException"/> when its device type or worker does not exist.
    /// </summary>
    Task<bool> TryAddDeviceAsync(Device device, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies <paramref name="change"/> and returns the updated device, or null when the hostname is unknown.
    /// Throws <see cref="DeviceReferenceException"/> when the new device type or worker does not exist.
    /// </summary>
    Task<Device?> UpdateDeviceAsync(string hostname, DeviceChange change, CancellationToken cancellationToken = default);

    /// <summary>Removes the device <paramref name="hostname"/> and its tags; false when there was none.</summary>
    Task<bool> RemoveDeviceAsync(string hostname, CancellationToken cancellationToken = default);

    /// <summary>Records the device's state; returns the updated device, or null when the hostname is unknown.</summary>
    Task<Device?> SetDeviceStateAsync(string hostname, DeviceState state, CancellationToken cancellationToken = default);

    /// <summary>Records the device's health; returns the updated device, or null when the hostname is unknown.</summary>
    Task<Device?> SetDeviceHealthAsync(string hostname, DeviceHealth health, CancellationToken cancellationToken = default);

    /// <summary>
    /// Tags the device <paramref name="hostname"/> with <paramref name="tag"/>; false when it already had it.
    /// Throws <see cref="DeviceReferenceException"/> for an unknown device.
    /// </summary>
    Task<bool> AddDeviceTagAsync(string hostname, string tag, CancellationToken cancellationToken = default);

    /// <summary>Removes <paramref name="tag"/> from the device <paramref name="hostname"/>; false when it did not have it.</summary>
    Task<bool> RemoveDeviceTagAsync(string hostname, string tag, CancellationToken cancellationToken = default);

    /// <summary>The tags of the device <paramref name="hostname"/>, ordered; empty for an unknown device.</summary>
    Task<IReadOnlyList<string>> ListDeviceTagsAsync(string hostname, CancellationToken cancellationToken = default);
}
