using Akka.Actor;
using Akka.Hosting;
using Lava.Actors.Jobs.Definition;
using Lava.Actors.Jobs.ReadModels;
using Lava.Actors.Jobs.Scheduling;
using Lava.Actors.Jobs.Submission;
using Lava.Actors.Lab;
using Lava.Actors.Lab.Devices;

namespace Lava.Host.Master.Gateway.Lab;

/// <summary>
/// The admin operations on device types and devices that the REST API and XML-RPC share. Each validates all its
/// input (throwing <see cref="LabRequestException"/> naming the field) before its one registry write, logs who changed
/// what, and then tells the scheduler (<see cref="LabChanged"/>) when it is running; a device's new health also goes to
/// the web UI's live pages (<see cref="LiveChange"/>).
/// </summary>
internal sealed class LabService(IDeviceRegistry registry, DeviceTemplates templates, LabCatalog catalog, ActorRegistry actors, ActorSystem system, ILogger<LabService> logger)
{
    public IDeviceRegistry Registry => registry;

    public static DeviceHealth ParseHealth(string field, string text) =>
        Enum.TryParse<DeviceHealth>(text, ignoreCase: true, out var health) && Enum.IsDefined(health) && !int.TryParse(text, out _)
            ? health
            : throw LabRequestException.Invalid(field, $"Health '{text}' is invalid: use GOOD, UNKNOWN, LOOPING, BAD, MAINTENANCE or RETIRED");

    public static HealthDenominator ParseDenominator(string field, string text) => text.ToLowerInvariant() switch
    {
        "hours" => HealthDenominator.Hours,
        "jobs" => HealthDenominator.Jobs,
        _ => throw LabRequestException.Invalid(field, $"health_denominator '{text}' is invalid: use hours or jobs"),
    };

    /// <summary>The shipped template <c>NAME.jinja2</c> of a device type, or null when none is installed.</summary>
    public string? TemplateOf(string deviceType) =>
        IsPlainName(deviceType) && templates.SearchPath.Select(d => Path.Combine(d, deviceType + ".jinja2")).FirstOrDefault(File.Exists) is { } path
            ? File.ReadAllText(path)
            : null;

    public async Task<DeviceType> RequireDeviceTypeAsync(string name, CancellationToken ct) =>
        await registry.FindDeviceTypeAsync(name, ct) ?? throw LabRequestException.NotFound($"Device-type '{name}' was not found.");

    public async Task<Device> RequireDeviceAsync(string hostname, CancellationToken ct) =>
        await registry.FindDeviceAsync(hostname, ct) ?? throw LabRequestException.NotFound($"Device '{hostname}' was not found.");

    public async Task<DeviceType> AddDeviceTypeAsync(string user, string name, int? frequency, string? denominator, bool? disabled, CancellationToken ct)
    {
        if (!IsPlainName(name))
        {
            throw LabRequestException.Invalid("name", $"'{name}' is not a valid device-type name (letters, digits, '-', '_' and '.')");
        }

        var type = DeviceType.Default(name) with
        {
            HealthFrequency = CheckFrequency(frequency) ?? 24,
            HealthDenominator = denominator is null ? HealthDenominator.Hours : ParseDenominator("health_denominator", denominator),
            DisableHealthCheck = disabled ?? false,
        };
        if (!await registry.TryAddDeviceTypeAsync(type, ct))
        {
            throw new LabRequestException(LabRefusal.Conflict, "name", $"Device-type '{name}' already exists.");
        }

        Changed(user, "added", "device type", name, new LabChanged(DeviceType: name));
        return type;
    }

    public async Task<DeviceType> UpdateDeviceTypeAsync(string user, string name, int? frequency, string? denominator, bool? disabled, CancellationToken ct)
    {
        var change = new DeviceTypeChange(
            HealthFrequency: CheckFrequency(frequency),
            HealthDenominator: denominator is null ? null : ParseDenominator("health_denominator", denominator),
            DisableHealthCheck: disabled);
        var type = await registry.UpdateDeviceTypeAsync(name, change, ct) ?? throw LabRequestException.NotFound($"Device-type '{name}' was not found.");
        Changed(user, "updated", "device type", name, new LabChanged(DeviceType: name));
        return type;
    }

    public async Task SetHealthCheckAsync(string user, string name, string definition, CancellationToken ct)
    {
        if (definition.Trim().Length > 0)
        {
            try
            {
                JobDefinitionParser.Parse(definition);
            }
            catch (JobDefinitionSyntaxException e)
            {
                throw LabRequestException.Invalid("config", $"the health check is not valid YAML: {e.Reason} (line {e.Line}, column {e.Column})");
            }
        }

        _ = await registry.UpdateDeviceTypeAsync(name, new DeviceTypeChange(HealthCheckJob: definition), ct)
            ?? throw LabRequestException.NotFound($"Device-type '{name}' was not found.");
        Changed(user, "set the health check of", "device type", name, new LabChanged(DeviceType: name));
    }

    public async Task AddAliasAsync(string user, string name, string alias, CancellationToken ct)
    {
        if (!IsPlainName(alias))
        {
            throw LabRequestException.Invalid("alias", $"'{alias}' is not a valid alias (letters, digits, '-', '_' and '.')");
        }

        await RequireDeviceTypeAsync(name, ct);
        if (!await registry.TryAddDeviceTypeAliasAsync(name, alias, ct))
        {
            throw new LabRequestException(LabRefusal.Conflict, "alias", $"Alias '{alias}' already exists.");
        }

        Changed(user, $"added alias {alias} to", "device type", name, new LabChanged(DeviceType: name));
    }

    public async Task RemoveAliasAsync(string user, string name, string alias, CancellationToken ct)
    {
        if (!(await registry.ListDeviceTypeAliasesAsync(name, ct)).Contains(alias, StringComparer.Ordinal))
        {
            throw LabRequestException.NotFound($"Alias '{alias}' of device-type '{name}' was not found.");
        }

        await registry.RemoveDeviceTypeAliasAsync(alias, ct);
        Changed(user, $"removed alias {alias} from", "device type", name, new LabChanged(DeviceType: name));
    }

    public async Task<Device> AddDeviceAsync(string user, string hostname, string deviceType, string? worker, string? health, string? description, CancellationToken ct)
    {
        if (!IsPlainName(hostname))
        {
            throw LabRequestException.Invalid("hostname", $"'{hostname}' is not a valid device hostname (letters, digits, '-', '_' and '.')");
        }

        // LAVA's model default: a new device waits in Maintenance until an admin gives it a dictionary and a health.
        var device = new Device(hostname, deviceType, worker, description ?? "", "", DeviceState.Idle, health is null ? DeviceHealth.Maintenance : ParseHealth("health", health));
        bool added;
        try
        {
            added = await registry.TryAddDeviceAsync(device, ct);
        }
        catch (DeviceReferenceException e)
        {
            throw Missing(e);
        }

        if (!added)
        {
            throw new LabRequestException(LabRefusal.Conflict, "hostname", $"Device '{hostname}' already exists.");
        }

        Changed(user, "added", "device", hostname, new LabChanged(deviceType, hostname));
        return device;
    }

    /// <summary>Changes what is given (null = unchanged); the health is applied after the other fields.</summary>
    public async Task<Device> UpdateDeviceAsync(string user, string hostname, DeviceChange change, string? health, CancellationToken ct)
    {
        var newHealth = health is null ? (DeviceHealth?)null : ParseHealth("health", health);
        var before = await RequireDeviceAsync(hostname, ct);
        Device? device;
        try
        {
            device = change == new DeviceChange() ? before : await registry.UpdateDeviceAsync(hostname, change, ct);
        }
        catch (DeviceReferenceException e)
        {
            throw Missing(e);
        }

        if (device is not null && newHealth is { } h)
        {
            device = await registry.SetDeviceHealthAsync(hostname, h, ct);
        }

        if (device is null)
        {
            throw LabRequestException.NotFound($"Device '{hostname}' was not found.");
        }

        Changed(user, "updated", "device", hostname, new LabChanged(before.DeviceType, hostname));
        if (newHealth is not null)
        {
            // Pages showing the device (on any master) follow at once, whichever API set its health.
            LiveChange.Publish(system, new LiveChange([], [hostname]));
        }

        if (device.DeviceType != before.DeviceType)
        {
            Notify(new LabChanged(device.DeviceType, hostname));
        }

        return device;
    }

    public async Task RemoveDeviceAsync(string user, string hostname, CancellationToken ct)
    {
        var device = await RequireDeviceAsync(hostname, ct);
        if (device.State != DeviceState.Idle)
        {
            throw LabRequestException.Invalid("hostname", $"Device '{hostname}' is {device.State}: it can be removed only when Idle.");
        }

        if (!await registry.RemoveDeviceAsync(hostname, ct))
        {
            throw LabRequestException.NotFound($"Device '{hostname}' was not found.");
        }

        Changed(user, "removed", "device", hostname, new LabChanged(device.DeviceType, hostname));
    }

    /// <summary>Stores a device dictionary after checking that it renders against the shipped templates.</summary>
    public async Task<Device> SetDictionaryAsync(string user, string hostname, string dictionary, CancellationToken ct)
    {
        await RequireDeviceAsync(hostname, ct);
        try
        {
            templates.WithDevice(hostname, dictionary).RenderDevice(hostname);
        }
        catch (TemplateException e)
        {
            throw LabRequestException.Invalid("dictionary", $"the device dictionary does not render: {e.Message}");
        }

        return await UpdateDeviceAsync(user, hostname, new DeviceChange(Dictionary: dictionary), health: null, ct);
    }

    /// <summary>The device's configuration as a worker would get it, with the job context <paramref name="context"/> (YAML) as variables.</summary>
    public async Task<string> RenderAsync(string hostname, string? context, CancellationToken ct)
    {
        var device = await RequireDeviceAsync(hostname, ct);
        if (device.Dictionary.Length == 0)
        {
            throw LabRequestException.NotFound($"Device '{hostname}' does not have a configuration.");
        }

        try
        {
            return templates.WithDevice(hostname, device.Dictionary).RenderDevice(hostname, ParseContext(context));
        }
        catch (TemplateException e)
        {
            throw LabRequestException.Invalid("dictionary", $"the device dictionary does not render: {e.Message}");
        }
    }

    public async Task AddTagAsync(string user, string hostname, string tag, CancellationToken ct)
    {
        if (!IsPlainName(tag))
        {
            throw LabRequestException.Invalid("name", $"'{tag}' is not a valid tag (letters, digits, '-', '_' and '.')");
        }

        var device = await RequireDeviceAsync(hostname, ct);
        if (await registry.AddDeviceTagAsync(hostname, tag, ct))
        {
            Changed(user, $"tagged {tag}", "device", hostname, new LabChanged(device.DeviceType, hostname));
        }
    }

    public async Task RemoveTagAsync(string user, string hostname, string tag, CancellationToken ct)
    {
        var device = await RequireDeviceAsync(hostname, ct);
        if (await registry.RemoveDeviceTagAsync(hostname, tag, ct))
        {
            Changed(user, $"untagged {tag}", "device", hostname, new LabChanged(device.DeviceType, hostname));
        }
    }

    /// <summary>Every tag of any device, ordered.</summary>
    public async Task<IReadOnlyList<string>> ListTagsAsync(CancellationToken ct)
    {
        var tags = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var device in await registry.ListDevicesAsync(ct))
        {
            tags.UnionWith(await registry.ListDeviceTagsAsync(device.Hostname, ct));
        }

        return [.. tags];
    }

    private static IReadOnlyDictionary<string, object?>? ParseContext(string? context)
    {
        if (string.IsNullOrWhiteSpace(context))
        {
            return null;
        }

        object? tree;
        try
        {
            tree = JobDefinitionParser.Parse(context);
        }
        catch (JobDefinitionSyntaxException e)
        {
            throw LabRequestException.Invalid("context", $"the context is not valid YAML: {e.Reason} (line {e.Line}, column {e.Column})");
        }

        return tree switch
        {
            null => null,
            OrderedDictionary<object, object?> map => map.ToDictionary(p => Convert.ToString(p.Key, System.Globalization.CultureInfo.InvariantCulture) ?? "", p => p.Value),
            _ => throw LabRequestException.Invalid("context", "the context must be a YAML mapping"),
        };
    }

    private static int? CheckFrequency(int? frequency) => frequency is < 0
        ? throw LabRequestException.Invalid("health_frequency", $"health_frequency must be 0 or more, not {frequency}")
        : frequency;

    private static LabRequestException Missing(DeviceReferenceException e) => e.Kind switch
    {
        "device type" => LabRequestException.Invalid("device_type", $"Device-type '{e.Name}' was not found."),
        "worker" => LabRequestException.Invalid("worker", $"Worker '{e.Name}' was not found."),
        _ => LabRequestException.NotFound($"Device '{e.Name}' was not found."),
    };

    // Names become file names (NAME.jinja2) and URL segments: no separators, no dot-only names.
    private static bool IsPlainName(string name) =>
        name.Length is > 0 and <= 200 && name.Trim('.').Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    private void Changed(string user, string verb, string kind, string name, LabChanged change)
    {
        LogMessages.LabChanged(logger, user, verb, kind, name);
        Notify(change);
    }

    private void Notify(LabChanged change)
    {
        catalog.Invalidate();
        // The scheduler is registered by its own builder; until it runs there is nobody to tell.
        if (actors.TryGet<SchedulerProxy>(out var scheduler))
        {
            scheduler.Tell(change);
        }
    }
}
