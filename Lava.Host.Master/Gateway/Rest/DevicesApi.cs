using System.Text.Json;
using Lava.Actors.Lab;
using Lava.Host.Master.Gateway.Lab;

namespace Lava.Host.Master.Gateway.Rest;

/// <summary>
/// <c>/api/v0.2/devices/</c>: LAVA's list (filters <c>hostname</c>, <c>device_type</c>, <c>worker_host</c>, <c>state</c>,
/// <c>health</c>, <c>health__in</c>; limit/offset pages), detail, create, update and delete, the device dictionary and
/// set_health. Writes are for superusers (403 otherwise); bad input is 400 naming the field, with nothing written.
/// </summary>
internal static class DevicesApi
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var devices = api.MapGroup("/devices");
        devices.MapGet("/", ListAsync);
        devices.MapPost("/", CreateAsync);
        devices.MapGet("/{hostname}/", (string hostname, LabService lab, CancellationToken ct) => RestRequests.LabAsync(async () =>
            Results.Ok(await ResourceAsync(lab, await lab.RequireDeviceAsync(hostname, ct), ct))));
        devices.MapMethods("/{hostname}/", ["PUT", "PATCH"], UpdateAsync);
        devices.MapDelete("/{hostname}/", (HttpContext context, string hostname, LabService lab) => Superuser(context, async () =>
        {
            await lab.RemoveDeviceAsync(TokenAuthentication.Caller(context).Username, hostname, context.RequestAborted);
            return Results.NoContent();
        }));
        devices.MapGet("/{hostname}/dictionary/", GetDictionaryAsync);
        devices.MapPost("/{hostname}/dictionary/", (HttpContext context, string hostname, LabService lab, JsonSerializerOptions json) => Superuser(context, async () =>
        {
            var (body, error) = await RestRequests.ReadBodyAsync<DictionaryRequest>(context, json);
            if (error is not null) return error;
            if (body?.Dictionary is not { } dictionary) return ApiErrors.BadRequest("dictionary", "dictionary is required");
            await lab.SetDictionaryAsync(TokenAuthentication.Caller(context).Username, hostname, dictionary, context.RequestAborted);
            return Results.Ok(new { message = "Device dictionary updated" });
        }));
        devices.MapPost("/{hostname}/set_health/", (HttpContext context, string hostname, LabService lab, JsonSerializerOptions json) => Superuser(context, async () =>
        {
            var (body, error) = await RestRequests.ReadBodyAsync<SetHealthRequest>(context, json);
            if (error is not null) return error;
            if (body?.Health is not { } health) return ApiErrors.BadRequest("health", "health is required");
            await lab.UpdateDeviceAsync(TokenAuthentication.Caller(context).Username, hostname, new DeviceChange(), health, context.RequestAborted);
            return Results.Json(new { message = "OK" }, statusCode: StatusCodes.Status202Accepted);
        }));
        devices.MapGet("/{hostname}/tags/", (string hostname, LabService lab, CancellationToken ct) => RestRequests.LabAsync(async () =>
            Results.Ok(await lab.Registry.ListDeviceTagsAsync((await lab.RequireDeviceAsync(hostname, ct)).Hostname, ct))));
        devices.MapPost("/{hostname}/tags/", (HttpContext context, string hostname, LabService lab, JsonSerializerOptions json) => Superuser(context, async () =>
        {
            var (body, error) = await RestRequests.ReadBodyAsync<TagRequest>(context, json);
            if (error is not null) return error;
            if (body?.Name is not { } name) return ApiErrors.BadRequest("name", "name is required");
            await lab.AddTagAsync(TokenAuthentication.Caller(context).Username, hostname, name, context.RequestAborted);
            return Results.Ok(await lab.Registry.ListDeviceTagsAsync(hostname, context.RequestAborted));
        }));
        devices.MapDelete("/{hostname}/tags/{tag}/", (HttpContext context, string hostname, string tag, LabService lab) => Superuser(context, async () =>
        {
            await lab.RemoveTagAsync(TokenAuthentication.Caller(context).Username, hostname, tag, context.RequestAborted);
            return Results.NoContent();
        }));
    }

    /// <summary>Superusers only (403 for others), then the lab operation with its refusals answered.</summary>
    internal static Task<IResult> Superuser(HttpContext context, Func<Task<IResult>> operation) =>
        RestRequests.IsSuperuser(context) ? RestRequests.LabAsync(operation) : Task.FromResult(ApiErrors.Forbidden());

    private static async Task<IResult> ListAsync(HttpContext context, LabService lab)
    {
        var query = context.Request.Query;
        var healths = new List<DeviceHealth>();
        foreach (var (field, text) in new[] { ("health", query["health"].ToString()), ("health__in", query["health__in"].ToString()) })
        {
            foreach (var name in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!Enum.TryParse<DeviceHealth>(name, ignoreCase: true, out var health) || !Enum.IsDefined(health) || int.TryParse(name, out _))
                {
                    return ApiErrors.BadRequest(field, $"Select a valid choice. {name} is not one of the available choices.");
                }

                healths.Add(health);
            }
        }

        DeviceState? state = null;
        if (query["state"].ToString() is { Length: > 0 } stateText)
        {
            if (!Enum.TryParse<DeviceState>(stateText, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(stateText, out _))
            {
                return ApiErrors.BadRequest("state", $"Select a valid choice. {stateText} is not one of the available choices.");
            }

            state = parsed;
        }

        string? Text(string key) => query[key].ToString() is { Length: > 0 } v ? v : null;
        var (hostname, type, worker) = (Text("hostname"), Text("device_type"), Text("worker_host"));
        var devices = (await lab.Registry.ListDevicesAsync(context.RequestAborted)).Where(d =>
            (hostname is null || d.Hostname == hostname) && (type is null || d.DeviceType == type) && (worker is null || d.Worker == worker)
            && (state is null || d.State == state) && (healths.Count == 0 || healths.Contains(d.Health)));
        var resources = new List<DeviceResource>();
        foreach (var device in devices)
        {
            resources.Add(await ResourceAsync(lab, device, context.RequestAborted));
        }

        return RestRequests.Page(context, resources);
    }

    private static Task<IResult> CreateAsync(HttpContext context, LabService lab, JsonSerializerOptions json) => Superuser(context, async () =>
    {
        var (body, error) = await RestRequests.ReadBodyAsync<CreateDeviceRequest>(context, json);
        if (error is not null) return error;
        if (body?.Hostname is not { } hostname) return ApiErrors.BadRequest("hostname", "hostname is required");
        if (body.DeviceType is not { } type) return ApiErrors.BadRequest("device_type", "device_type is required");
        var device = await lab.AddDeviceAsync(TokenAuthentication.Caller(context).Username, hostname, type, body.WorkerHost, body.Health, body.Description, context.RequestAborted);
        return Results.Created($"{TokenAuthentication.ApiPrefix}/devices/{hostname}/", await ResourceAsync(lab, device, context.RequestAborted));
    });

    private static Task<IResult> UpdateAsync(HttpContext context, string hostname, LabService lab, JsonSerializerOptions json) => Superuser(context, async () =>
    {
        var (body, error) = await RestRequests.ReadBodyAsync<UpdateDeviceRequest>(context, json);
        if (error is not null) return error;
        var change = new DeviceChange(DeviceType: body?.DeviceType, Worker: body?.WorkerHost, Description: body?.Description);
        var device = await lab.UpdateDeviceAsync(TokenAuthentication.Caller(context).Username, hostname, change, body?.Health, context.RequestAborted);
        return Results.Ok(await ResourceAsync(lab, device, context.RequestAborted));
    });

    private static Task<IResult> GetDictionaryAsync(HttpContext context, string hostname, LabService lab) => RestRequests.LabAsync(async () =>
    {
        var query = context.Request.Query;
        var render = query["render"].ToString() is "1" or "true" or "True";
        if (render)
        {
            var config = await lab.RenderAsync(hostname, query["context"].ToString() is { Length: > 0 } c ? c : null, context.RequestAborted);
            return Results.Text(config, "application/yaml");
        }

        var device = await lab.RequireDeviceAsync(hostname, context.RequestAborted);
        return device.Dictionary.Length > 0
            ? Results.Text(device.Dictionary, "text/plain")
            : ApiErrors.NotFound($"Device '{hostname}' does not have a device dictionary");
    });

    private static async Task<DeviceResource> ResourceAsync(LabService lab, Device device, CancellationToken ct) =>
        DeviceResource.From(device, await lab.Registry.ListDeviceTagsAsync(device.Hostname, ct));
}
