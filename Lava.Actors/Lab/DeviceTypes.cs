namespace Lava.Actors.Lab;

/// <summary>The unit of a device type's health frequency, as LAVA's <c>health_denominator</c>; the values are LAVA's stored integers.</summary>
public enum HealthDenominator
{
    /// <summary>A health check is due when the last one was submitted this many hours ago; the default.</summary>
    Hours = 0,

    /// <summary>A health check is due after this many normal jobs started since the last one.</summary>
    Jobs = 1,
}

/// <summary>
/// A kind of board, as LAVA's <c>DeviceType</c>. Its aliases are stored apart (see
/// <see cref="IDeviceRegistry.ListDeviceTypeAliasesAsync"/>).
/// </summary>
/// <param name="Name">The type's name, unique in the lab; also the name of its device-type template.</param>
/// <param name="HealthCheckJob">The v2 job definition (YAML) of its health check; empty when it has none.</param>
/// <param name="HealthFrequency">How many <see cref="HealthDenominator"/> units between health checks; LAVA's default is 24.</param>
/// <param name="HealthDenominator">Whether <see cref="HealthFrequency"/> counts hours or jobs.</param>
/// <param name="DisableHealthCheck">True when its devices are scheduled without health checks.</param>
public sealed record DeviceType(
    string Name,
    string HealthCheckJob,
    int HealthFrequency,
    HealthDenominator HealthDenominator,
    bool DisableHealthCheck)
{
    /// <summary>LAVA's defaults: no health-check job, every 24 hours, health checks enabled.</summary>
    public static DeviceType Default(string name) => new(name, "", 24, HealthDenominator.Hours, DisableHealthCheck: false);
}

/// <summary>
/// A partial update of a <see cref="DeviceType"/> applied atomically by <see cref="IDeviceRegistry.UpdateDeviceTypeAsync"/>;
/// a null property leaves the stored value unchanged.
/// </summary>
public sealed record DeviceTypeChange(
    string? HealthCheckJob = null,
    int? HealthFrequency = null,
    HealthDenominator? HealthDenominator = null,
    bool? DisableHealthCheck = null);
