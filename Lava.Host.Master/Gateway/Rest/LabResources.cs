using Lava.Actors.Lab;

namespace Lava.Host.Master.Gateway.Rest;

/// <summary>
/// A device as <c>/api/v0.2/devices/</c> shows it: LAVA's fields, display strings for state and health. The fields
/// LAVA has and Lava does not keep (version, owners, last health report) are null.
/// </summary>
internal sealed record DeviceResource(
    string Hostname,
    string DeviceType,
    string? DeviceVersion,
    string? PhysicalOwner,
    string? PhysicalGroup,
    string Description,
    IReadOnlyList<string> Tags,
    string State,
    string Health,
    int? LastHealthReportJob,
    string? WorkerHost,
    bool IsSynced)
{
    public static DeviceResource From(Device device, IReadOnlyList<string> tags) => new(
        device.Hostname, device.DeviceType, null, null, null, device.Description, tags, device.State.ToString(), device.Health.ToString(), null, device.Worker, false);
}

/// <summary>Body of <c>POST /api/v0.2/devices/</c>; health is one of LAVA's six (any case), Maintenance when absent.</summary>
internal sealed record CreateDeviceRequest(string? Hostname, string? DeviceType, string? WorkerHost, string? Description, string? Health);

/// <summary>Body of <c>PUT/PATCH /api/v0.2/devices/HOST/</c>; absent fields are unchanged.</summary>
internal sealed record UpdateDeviceRequest(string? DeviceType, string? WorkerHost, string? Description, string? Health);

/// <summary>Body of <c>POST /api/v0.2/devices/HOST/dictionary/</c>.</summary>
internal sealed record DictionaryRequest(string? Dictionary);

/// <summary>Body of <c>POST /api/v0.2/devices/HOST/set_health/</c>.</summary>
internal sealed record SetHealthRequest(string? Health, string? Reason);

/// <summary>Body of <c>POST /api/v0.2/devices/HOST/tags/</c> (Lava's: LAVA edits tags through the device's own fields).</summary>
internal sealed record TagRequest(string? Name);

/// <summary>A device type as <c>/api/v0.2/devicetypes/</c> shows it; LAVA's hardware fields, not kept by Lava, are null.</summary>
internal sealed record DeviceTypeResource(
    string Name,
    string? Architecture,
    string? Processor,
    string? CpuModel,
    IReadOnlyList<string> Aliases,
    int? Bits,
    IReadOnlyList<string> Cores,
    int? CoreCount,
    string? Description,
    int HealthFrequency,
    bool DisableHealthCheck,
    string HealthDenominator,
    bool Display)
{
    public static DeviceTypeResource From(DeviceType type, IReadOnlyList<string> aliases) => new(
        type.Name, null, null, null, aliases, null, [], null, null, type.HealthFrequency, type.DisableHealthCheck, type.HealthDenominator.ToString().ToLowerInvariant(), true);
}

/// <summary>Body of <c>POST /api/v0.2/devicetypes/</c> and <c>PUT/PATCH …/NAME/</c>; absent fields keep their value (LAVA's defaults on creation).</summary>
internal sealed record DeviceTypeRequest(string? Name, int? HealthFrequency, string? HealthDenominator, bool? DisableHealthCheck);

/// <summary>Body of <c>POST /api/v0.2/devicetypes/NAME/health-check/</c>: the health-check job definition.</summary>
internal sealed record HealthCheckRequest(string? Config);

/// <summary>An alias as <c>/api/v0.2/aliases/</c> shows it; also the body that creates one.</summary>
internal sealed record AliasResource(string? Name, string? DeviceType);

/// <summary>A tag as <c>/api/v0.2/tags/</c> shows it.</summary>
internal sealed record TagResource(string Name, string? Description);

/// <summary>Body of <c>POST /api/v0.2/jobs/validate/</c>.</summary>
internal sealed record ValidateRequest(string? Definition, bool? Strict);
