using Lava.Actors.Lab;
using Lava.Host.Master.Gateway.Lab;

namespace Lava.Host.Master.Gateway.XmlRpc;

/// <summary>
/// <c>scheduler.device_types.*</c> with LAVA 2023.01's arguments (lavacli's <c>device-types</c> verbs). Templates are
/// files shipped in device-types/, so set_template is refused; description, display and owners_only are accepted
/// and not stored.
/// </summary>
internal static class DeviceTypeMethods
{
    public static void Register(XmlRpcMethods methods)
    {
        methods.Add("scheduler.device_types.list", XmlRpcAccess.Anonymous, "(show_all=False)",
            "Every device type with its number of devices and whether its template is installed.", ListAsync);
        methods.Add("scheduler.device_types.show", XmlRpcAccess.Anonymous, "(name)", "The details of a device type.", ShowAsync);
        methods.Add("scheduler.device_types.add", XmlRpcAccess.Superuser,
            "(name, description, display, owners_only, health_frequency, health_denominator)",
            "Adds a device type; health_denominator is \"hours\" or \"jobs\".", AddAsync);
        methods.Add("scheduler.device_types.update", XmlRpcAccess.Superuser,
            "(name, description, display, owners_only, health_frequency, health_denominator, health_disabled)",
            "Changes the given fields of a device type (None = unchanged).", UpdateAsync);
        methods.Add("scheduler.device_types.get_template", XmlRpcAccess.Anonymous, "(name)", "The device-type template (jinja2) shipped for this type.", call =>
        {
            var name = call.Params.AtMost(1, "scheduler.device_types.get_template").String(0, "name");
            return Task.FromResult<object?>(call.Service<LabService>().TemplateOf(name) ?? throw XmlRpcFault.NotFound($"Device-type '{name}' has no template installed."));
        });
        methods.Add("scheduler.device_types.set_template", XmlRpcAccess.Superuser, "(name, config)",
            "Refused: device-type templates are files shipped with Lava (device-types/NAME.jinja2), changed by upgrading or editing those files.",
            call => throw XmlRpcFault.BadRequest(
                "Device-type templates are files shipped with Lava (device-types/NAME.jinja2) and cannot be changed through the API; change the file on the master instead."));
        methods.Add("scheduler.device_types.get_health_check", XmlRpcAccess.Anonymous, "(name)", "The health-check job definition of a device type.", async call =>
        {
            var name = call.Params.AtMost(1, "scheduler.device_types.get_health_check").String(0, "name");
            var type = await call.Service<LabService>().RequireDeviceTypeAsync(name, call.Cancellation);
            return type.HealthCheckJob.Length > 0 ? type.HealthCheckJob : throw XmlRpcFault.NotFound($"Device-type '{name}' has no health check.");
        });
        methods.Add("scheduler.device_types.set_health_check", XmlRpcAccess.Superuser, "(name, config)",
            "Sets the health-check job definition (YAML) of a device type; an empty one removes it.", async call =>
        {
            var p = call.Params.AtMost(2, "scheduler.device_types.set_health_check");
            await call.Service<LabService>().SetHealthCheckAsync(call.Caller, p.String(0, "name"), p.String(1, "config"), call.Cancellation);
            return null;
        });
        methods.Add("scheduler.device_types.aliases.add", XmlRpcAccess.Superuser, "(name, alias)", "Gives a device type an alias.", async call =>
        {
            var p = call.Params.AtMost(2, "scheduler.device_types.aliases.add");
            await call.Service<LabService>().AddAliasAsync(call.Caller, p.String(0, "name"), p.String(1, "alias"), call.Cancellation);
            return null;
        });
        methods.Add("scheduler.device_types.aliases.list", XmlRpcAccess.Anonymous, "(name)", "The aliases of a device type.", async call =>
        {
            var lab = call.Service<LabService>();
            var type = await lab.RequireDeviceTypeAsync(call.Params.AtMost(1, "scheduler.device_types.aliases.list").String(0, "name"), call.Cancellation);
            return await lab.Registry.ListDeviceTypeAliasesAsync(type.Name, call.Cancellation);
        });
        methods.Add("scheduler.device_types.aliases.delete", XmlRpcAccess.Superuser, "(name, alias)", "Removes an alias of a device type.", async call =>
        {
            var p = call.Params.AtMost(2, "scheduler.device_types.aliases.delete");
            await call.Service<LabService>().RemoveAliasAsync(call.Caller, p.String(0, "name"), p.String(1, "alias"), call.Cancellation);
            return null;
        });
    }

    private static async Task<object?> ListAsync(XmlRpcCall call)
    {
        call.Params.AtMost(1, "scheduler.device_types.list").Bool(0, "show_all", fallback: false);
        var lab = call.Service<LabService>();
        var devices = await lab.Registry.ListDevicesAsync(call.Cancellation);
        return (await lab.Registry.ListDeviceTypesAsync(call.Cancellation)).Select(t =>
        {
            var installed = lab.TemplateOf(t.Name) is not null;
            return new Dictionary<string, object?>
            {
                ["name"] = t.Name,
                ["devices"] = devices.Count(d => d.DeviceType == t.Name && d.Health != DeviceHealth.Retired),
                ["installed"] = installed,
                ["template"] = installed,
            };
        }).ToList();
    }

    private static async Task<object?> ShowAsync(XmlRpcCall call)
    {
        var lab = call.Service<LabService>();
        var type = await lab.RequireDeviceTypeAsync(call.Params.AtMost(1, "scheduler.device_types.show").String(0, "name"), call.Cancellation);
        var devices = await lab.Registry.ListDevicesAsync(call.Cancellation);
        return new Dictionary<string, object?>
        {
            ["name"] = type.Name,
            ["description"] = null,
            ["display"] = true,
            ["health_disabled"] = type.DisableHealthCheck,
            ["health_denominator"] = type.HealthDenominator.ToString().ToLowerInvariant(),
            ["health_frequency"] = type.HealthFrequency,
            ["aliases"] = await lab.Registry.ListDeviceTypeAliasesAsync(type.Name, call.Cancellation),
            ["devices"] = devices.Where(d => d.DeviceType == type.Name).Select(d => d.Hostname).ToList(),
            ["default_template"] = lab.TemplateOf(type.Name) is not null,
        };
    }

    private static async Task<object?> AddAsync(XmlRpcCall call)
    {
        var p = call.Params.AtMost(6, "scheduler.device_types.add");
        p.OptionalString(1, "description");
        p.OptionalBool(2, "display");
        p.OptionalBool(3, "owners_only");
        await call.Service<LabService>().AddDeviceTypeAsync(
            call.Caller, p.String(0, "name"), p.OptionalInt(4, "health_frequency"), p.OptionalString(5, "health_denominator"), disabled: null, call.Cancellation);
        return null;
    }

    private static async Task<object?> UpdateAsync(XmlRpcCall call)
    {
        var p = call.Params.AtMost(7, "scheduler.device_types.update");
        p.OptionalString(1, "description");
        p.OptionalBool(2, "display");
        p.OptionalBool(3, "owners_only");
        await call.Service<LabService>().UpdateDeviceTypeAsync(
            call.Caller, p.String(0, "name"), p.OptionalInt(4, "health_frequency"), p.OptionalString(5, "health_denominator"), p.OptionalBool(6, "health_disabled"), call.Cancellation);
        return null;
    }
}
