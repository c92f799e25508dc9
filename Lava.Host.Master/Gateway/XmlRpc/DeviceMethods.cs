using System.Text;
using Lava.Actors.Lab;
using Lava.Host.Master.Gateway.Lab;

namespace Lava.Host.Master.Gateway.XmlRpc;

/// <summary><c>scheduler.devices.*</c> with LAVA 2023.01's arguments and answers (lavacli's <c>devices</c> verbs).</summary>
internal static class DeviceMethods
{
    public static void Register(XmlRpcMethods methods)
    {
        methods.Add("scheduler.devices.list", XmlRpcAccess.Anonymous, "(show_all=False, offline_info=False)",
            "Every device with its type, state and health; retired ones only with show_all.", ListAsync);
        methods.Add("scheduler.devices.show", XmlRpcAccess.Anonymous, "(hostname)", "The details of a device.", ShowAsync);
        methods.Add("scheduler.devices.add", XmlRpcAccess.Superuser,
            "(hostname, type_name, worker_hostname, user_name=None, group_name=None, public=True, health=None, description=None)",
            "Adds a device (Maintenance unless health is given: GOOD, UNKNOWN, LOOPING, BAD, MAINTENANCE or RETIRED). user_name, group_name and public are ignored, as in LAVA.",
            AddAsync);
        methods.Add("scheduler.devices.update", XmlRpcAccess.Superuser,
            "(hostname, worker_hostname=None, user_name=None, group_name=None, public=True, health=None, description=None, device_type=None)",
            "Changes the given fields of a device (None = unchanged).", UpdateAsync);
        methods.Add("scheduler.devices.get_dictionary", XmlRpcAccess.Anonymous, "(hostname, render=False, context=None)",
            "The device dictionary (base64), or with render the device configuration rendered with the job context given as YAML.", GetDictionaryAsync);
        methods.Add("scheduler.devices.set_dictionary", XmlRpcAccess.Superuser, "(hostname, dictionary)",
            "Stores the device dictionary (a jinja2 template extending the device-type template); it must render. Answers true.", SetDictionaryAsync);
        methods.Add("scheduler.devices.tags.add", XmlRpcAccess.Superuser, "(hostname, name)", "Tags a device.", async call =>
        {
            var p = call.Params.AtMost(2, "scheduler.devices.tags.add");
            await call.Service<LabService>().AddTagAsync(call.Caller, p.String(0, "hostname"), p.String(1, "name"), call.Cancellation);
            return null;
        });
        methods.Add("scheduler.devices.tags.list", XmlRpcAccess.Anonymous, "(hostname)", "The tags of a device.", async call =>
        {
            var lab = call.Service<LabService>();
            var device = await lab.RequireDeviceAsync(call.Params.AtMost(1, "scheduler.devices.tags.list").String(0, "hostname"), call.Cancellation);
            return await lab.Registry.ListDeviceTagsAsync(device.Hostname, call.Cancellation);
        });
        methods.Add("scheduler.devices.tags.delete", XmlRpcAccess.Superuser, "(hostname, name)", "Removes a tag from a device.", async call =>
        {
            var p = call.Params.AtMost(2, "scheduler.devices.tags.delete");
            await call.Service<LabService>().RemoveTagAsync(call.Caller, p.String(0, "hostname"), p.String(1, "name"), call.Cancellation);
            return null;
        });
    }

    private static async Task<object?> ListAsync(XmlRpcCall call)
    {
        var showAll = call.Params.AtMost(2, "scheduler.devices.list").Bool(0, "show_all", fallback: false);
        var devices = await call.Service<IDeviceRegistry>().ListDevicesAsync(call.Cancellation);
        return devices.Where(d => showAll || d.Health != DeviceHealth.Retired).Select(d => new Dictionary<string, object?>
        {
            ["hostname"] = d.Hostname,
            ["type"] = d.DeviceType,
            ["health"] = d.Health.ToString(),
            ["state"] = d.State.ToString(),
            ["current_job"] = null,
            ["pipeline"] = true,
        }).ToList();
    }

    private static async Task<object?> ShowAsync(XmlRpcCall call)
    {
        var lab = call.Service<LabService>();
        var device = await lab.RequireDeviceAsync(call.Params.AtMost(1, "scheduler.devices.show").String(0, "hostname"), call.Cancellation);
        var type = await lab.Registry.FindDeviceTypeAsync(device.DeviceType, call.Cancellation);
        return new Dictionary<string, object?>
        {
            ["hostname"] = device.Hostname,
            ["device_type"] = device.DeviceType,
            ["health"] = device.Health.ToString(),
            ["state"] = device.State.ToString(),
            ["health_job"] = type is { HealthCheckJob.Length: > 0, DisableHealthCheck: false },
            ["description"] = device.Description.Length == 0 ? null : device.Description,
            ["pipeline"] = true,
            ["has_device_dict"] = device.Dictionary.Length > 0,
            ["worker"] = device.Worker,
            ["current_job"] = null,
            ["tags"] = await lab.Registry.ListDeviceTagsAsync(device.Hostname, call.Cancellation),
        };
    }

    private static async Task<object?> AddAsync(XmlRpcCall call)
    {
        var p = call.Params.AtMost(8, "scheduler.devices.add");
        await call.Service<LabService>().AddDeviceAsync(
            call.Caller, p.String(0, "hostname"), p.String(1, "type_name"), p.String(2, "worker_hostname"), p.OptionalString(6, "health"), p.OptionalString(7, "description"), call.Cancellation);
        return null;
    }

    private static async Task<object?> UpdateAsync(XmlRpcCall call)
    {
        var p = call.Params.AtMost(8, "scheduler.devices.update");
        var change = new DeviceChange(DeviceType: p.OptionalString(7, "device_type"), Worker: p.OptionalString(1, "worker_hostname"), Description: p.OptionalString(6, "description"));
        await call.Service<LabService>().UpdateDeviceAsync(call.Caller, p.String(0, "hostname"), change, p.OptionalString(5, "health"), call.Cancellation);
        return null;
    }

    private static async Task<object?> GetDictionaryAsync(XmlRpcCall call)
    {
        var p = call.Params.AtMost(3, "scheduler.devices.get_dictionary");
        var (hostname, render, context) = (p.String(0, "hostname"), p.Bool(1, "render", fallback: false), p.OptionalString(2, "context"));
        var lab = call.Service<LabService>();
        if (render)
        {
            return Encoding.UTF8.GetBytes(await lab.RenderAsync(hostname, context, call.Cancellation));
        }

        var device = await lab.RequireDeviceAsync(hostname, call.Cancellation);
        return device.Dictionary.Length > 0
            ? Encoding.UTF8.GetBytes(device.Dictionary)
            : throw XmlRpcFault.NotFound($"Device '{hostname}' does not have a device dictionary");
    }

    private static async Task<object?> SetDictionaryAsync(XmlRpcCall call)
    {
        var p = call.Params.AtMost(2, "scheduler.devices.set_dictionary");
        await call.Service<LabService>().SetDictionaryAsync(call.Caller, p.String(0, "hostname"), p.String(1, "dictionary"), call.Cancellation);
        return true;
    }
}
