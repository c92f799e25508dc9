using Lava.Actors.Lab;

namespace Lava.Actors.Jobs.Scheduling;

/// <summary>A device as the scheduler matches it: the lab store's row and its tags.</summary>
internal sealed record LabDevice(Device Device, IReadOnlySet<string> Tags)
{
    public string Hostname => Device.Hostname;
}

/// <summary>Which part of the lab a load rereads: everything, or the devices of a type, a device, a worker.</summary>
internal sealed record LabScope(string? DeviceType = null, string? Device = null, string? Worker = null)
{
    public static LabScope All { get; } = new();

    public bool IsAll => DeviceType is null && Device is null && Worker is null;

    public bool Covers(Device device) =>
        IsAll || device.DeviceType == DeviceType || device.Hostname == Device || (Worker is not null && device.Worker == Worker);
}

/// <summary>
/// The scheduler's copy of the lab store: device types, workers, devices with their tags, and the devices of each
/// type by hostname. Replaced piecewise by loads; only the scheduler actor touches it.
/// </summary>
internal sealed class LabView
{
    private readonly Dictionary<string, DeviceType> _types = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Worker> _workers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LabDevice> _devices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedSet<string>> _byType = new(StringComparer.Ordinal);

    /// <summary>True once a load of the whole lab has landed.</summary>
    public bool Loaded { get; private set; }

    public IEnumerable<string> DeviceTypes => _types.Keys;

    public DeviceType? Type(string name) => _types.GetValueOrDefault(name);

    public Worker? Worker(string? hostname) => hostname is null ? null : _workers.GetValueOrDefault(hostname);

    public LabDevice? Device(string hostname) => _devices.GetValueOrDefault(hostname);

    public IEnumerable<string> DevicesOf(string deviceType) => _byType.TryGetValue(deviceType, out var set) ? set : [];

    /// <summary>
    /// Takes the types and workers of a load, and its devices within <paramref name="scope"/> (dropping those of the
    /// scope it no longer lists). Returns the types whose devices may have changed.
    /// </summary>
    public ISet<string> Replace(LabScope scope, IReadOnlyList<DeviceType> types, IReadOnlyList<Worker> workers, IReadOnlyList<LabDevice> devices)
    {
        var touched = new HashSet<string>(StringComparer.Ordinal);
        _types.Clear();
        foreach (var type in types) _types[type.Name] = type;
        _workers.Clear();
        foreach (var worker in workers) _workers[worker.Hostname] = worker;
        foreach (var gone in _devices.Values.Where(d => scope.Covers(d.Device)).ToList()) Remove(gone, touched);
        foreach (var device in devices)
        {
            if (_devices.TryGetValue(device.Hostname, out var old)) Remove(old, touched);
            _devices[device.Hostname] = device;
            if (!_byType.TryGetValue(device.Device.DeviceType, out var set)) _byType[device.Device.DeviceType] = set = new SortedSet<string>(StringComparer.Ordinal);
            set.Add(device.Hostname);
            touched.Add(device.Device.DeviceType);
        }
        if (scope.IsAll) Loaded = true;
        return touched;
    }

    /// <summary>Records a health the scheduler wrote itself, before the next load reads it back.</summary>
    public void SetHealth(string hostname, DeviceHealth health)
    {
        if (_devices.TryGetValue(hostname, out var device)) _devices[hostname] = device with { Device = device.Device with { Health = health } };
    }

    private void Remove(LabDevice device, HashSet<string> touched)
    {
        _devices.Remove(device.Hostname);
        touched.Add(device.Device.DeviceType);
        if (_byType.TryGetValue(device.Device.DeviceType, out var set) && set.Remove(device.Hostname) && set.Count == 0) _byType.Remove(device.Device.DeviceType);
    }
}
