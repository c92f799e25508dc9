using Lava.Actors.Lab;

namespace Lava.Actors.Jobs.Submission;

/// <summary>
/// What submissions check against (device types, aliases, devices and their tags), read from the lab store at most
/// once per <c>maxAge</c> so that a burst of submissions costs one read, and at once after <see cref="Invalidate"/>,
/// which the gateway calls after every lab write it makes. Thread-safe.
/// </summary>
public sealed class LabCatalog(IDeviceRegistry registry, TimeProvider time, TimeSpan maxAge)
{
    private readonly SemaphoreSlim _loading = new(1, 1);
    private volatile Snapshot? _snapshot;

    /// <summary>The lab as of at most <c>maxAge</c> ago.</summary>
    public async Task<Snapshot> GetAsync(CancellationToken cancellationToken = default)
    {
        if (_snapshot is { } fresh && time.GetUtcNow() - fresh.LoadedAt < maxAge)
        {
            return fresh;
        }
        await _loading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_snapshot is { } loaded && time.GetUtcNow() - loaded.LoadedAt < maxAge)
            {
                return loaded;
            }
            var snapshot = await LoadAsync(cancellationToken).ConfigureAwait(false);
            _snapshot = snapshot;
            return snapshot;
        }
        finally
        {
            _loading.Release();
        }
    }

    /// <summary>Makes the next <see cref="GetAsync"/> read the store.</summary>
    public void Invalidate() => _snapshot = null;

    private async Task<Snapshot> LoadAsync(CancellationToken cancellationToken)
    {
        var loadedAt = time.GetUtcNow();
        var types = await registry.ListDeviceTypesAsync(cancellationToken).ConfigureAwait(false);
        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var type in types)
        {
            foreach (var alias in await registry.ListDeviceTypeAliasesAsync(type.Name, cancellationToken).ConfigureAwait(false))
            {
                aliases[alias] = type.Name;
            }
        }
        var devices = new List<(Device, IReadOnlySet<string>)>();
        foreach (var device in await registry.ListDevicesAsync(cancellationToken).ConfigureAwait(false))
        {
            var tags = await registry.ListDeviceTagsAsync(device.Hostname, cancellationToken).ConfigureAwait(false);
            devices.Add((device, tags.ToHashSet(StringComparer.Ordinal)));
        }
        return new Snapshot(loadedAt, types.ToDictionary(t => t.Name, StringComparer.Ordinal), aliases, devices);
    }

    /// <summary>The lab at one moment.</summary>
    public sealed record Snapshot(
        DateTimeOffset LoadedAt,
        IReadOnlyDictionary<string, DeviceType> Types,
        IReadOnlyDictionary<string, string> Aliases,
        IReadOnlyList<(Device Device, IReadOnlySet<string> Tags)> Devices)
    {
        /// <summary>The type named <paramref name="nameOrAlias"/>, aliases first as LAVA resolves them, or null.</summary>
        public DeviceType? ResolveType(string nameOrAlias) =>
            Aliases.TryGetValue(nameOrAlias, out var name) ? Types[name] : Types.GetValueOrDefault(nameOrAlias);

        /// <summary>True when some device carries <paramref name="tag"/>.</summary>
        public bool TagExists(string tag) => Devices.Any(d => d.Tags.Contains(tag));
    }
}
