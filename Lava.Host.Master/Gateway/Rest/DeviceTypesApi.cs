using System.Text.Json;
using Lava.Actors.Lab;
using Lava.Host.Master.Gateway.Lab;

namespace Lava.Host.Master.Gateway.Rest;

/// <summary>
/// <c>/api/v0.2/devicetypes/</c> (list, detail, create, update; <c>NAME/health-check/</c> and <c>NAME/template/</c>),
/// <c>/api/v0.2/aliases/</c> and <c>/api/v0.2/tags/</c>. Templates are shipped files: reading one works, writing one is
/// refused with 400. Writes are for superusers (403 otherwise).
/// </summary>
internal static class DeviceTypesApi
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var types = api.MapGroup("/devicetypes");
        types.MapGet("/", async (HttpContext context, LabService lab) =>
        {
            var resources = new List<DeviceTypeResource>();
            foreach (var type in await lab.Registry.ListDeviceTypesAsync(context.RequestAborted))
            {
                resources.Add(DeviceTypeResource.From(type, await lab.Registry.ListDeviceTypeAliasesAsync(type.Name, context.RequestAborted)));
            }

            return RestRequests.Page(context, resources);
        });
        types.MapGet("/{name}/", (string name, LabService lab, CancellationToken ct) => RestRequests.LabAsync(async () =>
            Results.Ok(DeviceTypeResource.From(await lab.RequireDeviceTypeAsync(name, ct), await lab.Registry.ListDeviceTypeAliasesAsync(name, ct)))));
        types.MapPost("/", (HttpContext context, LabService lab, JsonSerializerOptions json) => DevicesApi.Superuser(context, async () =>
        {
            var (body, error) = await RestRequests.ReadBodyAsync<DeviceTypeRequest>(context, json);
            if (error is not null) return error;
            if (body?.Name is not { } name) return ApiErrors.BadRequest("name", "name is required");
            var type = await lab.AddDeviceTypeAsync(TokenAuthentication.Caller(context).Username, name, body.HealthFrequency, body.HealthDenominator, body.DisableHealthCheck, context.RequestAborted);
            return Results.Created($"{TokenAuthentication.ApiPrefix}/devicetypes/{name}/", DeviceTypeResource.From(type, []));
        }));
        types.MapMethods("/{name}/", ["PUT", "PATCH"], (HttpContext context, string name, LabService lab, JsonSerializerOptions json) => DevicesApi.Superuser(context, async () =>
        {
            var (body, error) = await RestRequests.ReadBodyAsync<DeviceTypeRequest>(context, json);
            if (error is not null) return error;
            if (body?.Name is { } renamed && renamed != name) return ApiErrors.BadRequest("name", "a device type cannot be renamed");
            var type = await lab.UpdateDeviceTypeAsync(TokenAuthentication.Caller(context).Username, name, body?.HealthFrequency, body?.HealthDenominator, body?.DisableHealthCheck, context.RequestAborted);
            return Results.Ok(DeviceTypeResource.From(type, await lab.Registry.ListDeviceTypeAliasesAsync(name, context.RequestAborted)));
        }));
        types.MapGet("/{name}/health-check/", (string name, LabService lab, CancellationToken ct) => RestRequests.LabAsync(async () =>
            (await lab.RequireDeviceTypeAsync(name, ct)).HealthCheckJob is { Length: > 0 } job
                ? Results.Text(job, "application/yaml")
                : ApiErrors.NotFound($"Device-type '{name}' has no health check.")));
        types.MapPost("/{name}/health-check/", (HttpContext context, string name, LabService lab, JsonSerializerOptions json) => DevicesApi.Superuser(context, async () =>
        {
            var (body, error) = await RestRequests.ReadBodyAsync<HealthCheckRequest>(context, json);
            if (error is not null) return error;
            if (body?.Config is not { } config) return ApiErrors.BadRequest("config", "config is required");
            await lab.SetHealthCheckAsync(TokenAuthentication.Caller(context).Username, name, config, context.RequestAborted);
            return Results.Ok(new { message = "health check updated" });
        }));
        types.MapGet("/{name}/template/", (string name, LabService lab, CancellationToken ct) => RestRequests.LabAsync(async () =>
        {
            await lab.RequireDeviceTypeAsync(name, ct);
            return lab.TemplateOf(name) is { } template ? Results.Text(template, "text/plain") : ApiErrors.NotFound($"Device-type '{name}' has no template installed.");
        }));
        types.MapPost("/{name}/template/", (HttpContext context, string name) => DevicesApi.Superuser(context, () => Task.FromResult(ApiErrors.BadRequest(
            "template", "Device-type templates are files shipped with Lava (device-types/NAME.jinja2) and cannot be changed through the API; change the file on the master instead."))));

        var aliases = api.MapGroup("/aliases");
        aliases.MapGet("/", async (HttpContext context, LabService lab) => RestRequests.Page(context, await AliasesAsync(lab, context.RequestAborted)));
        aliases.MapGet("/{alias}/", (string alias, LabService lab, CancellationToken ct) => RestRequests.LabAsync(async () =>
            (await AliasesAsync(lab, ct)).FirstOrDefault(a => a.Name == alias) is { } found ? Results.Ok(found) : ApiErrors.NotFound($"Alias '{alias}' was not found.")));
        aliases.MapPost("/", (HttpContext context, LabService lab, JsonSerializerOptions json) => DevicesApi.Superuser(context, async () =>
        {
            var (body, error) = await RestRequests.ReadBodyAsync<AliasResource>(context, json);
            if (error is not null) return error;
            if (body?.Name is not { } alias) return ApiErrors.BadRequest("name", "name is required");
            if (body.DeviceType is not { } type) return ApiErrors.BadRequest("device_type", "device_type is required");
            await lab.AddAliasAsync(TokenAuthentication.Caller(context).Username, type, alias, context.RequestAborted);
            return Results.Created($"{TokenAuthentication.ApiPrefix}/aliases/{alias}/", new AliasResource(alias, type));
        }));
        aliases.MapDelete("/{alias}/", (HttpContext context, string alias, LabService lab) => DevicesApi.Superuser(context, async () =>
        {
            var found = (await AliasesAsync(lab, context.RequestAborted)).FirstOrDefault(a => a.Name == alias)
                ?? throw LabRequestException.NotFound($"Alias '{alias}' was not found.");
            await lab.RemoveAliasAsync(TokenAuthentication.Caller(context).Username, found.DeviceType!, alias, context.RequestAborted);
            return Results.NoContent();
        }));

        api.MapGet("/tags/", async (HttpContext context, LabService lab) =>
            RestRequests.Page(context, [.. (await lab.ListTagsAsync(context.RequestAborted)).Select(t => new TagResource(t, null))]));
    }

    private static async Task<IReadOnlyList<AliasResource>> AliasesAsync(LabService lab, CancellationToken ct)
    {
        var all = new List<AliasResource>();
        foreach (var type in await lab.Registry.ListDeviceTypesAsync(ct))
        {
            all.AddRange((await lab.Registry.ListDeviceTypeAliasesAsync(type.Name, ct)).Select(a => new AliasResource(a, type.Name)));
        }

        return [.. all.OrderBy(a => a.Name, StringComparer.Ordinal)];
    }
}
