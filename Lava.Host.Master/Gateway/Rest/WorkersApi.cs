using System.Text.Json;
using Lava.Actors.Lab;

namespace Lava.Host.Master.Gateway.Rest;

/// <summary>
/// <c>/api/v0.2/workers/</c>: LAVA's list and detail, plus the admin verbs (superuser only) as POSTs on the
/// worker's sub-resources. Input is validated completely before the one store write each verb makes. Creating a
/// worker and re-issuing its certificate answer with its credentials, private key included, this once.
/// </summary>
internal static class WorkersApi
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var workers = api.MapGroup("/workers");
        workers.MapGet("/", ListAsync);
        workers.MapPost("/", CreateAsync);
        workers.MapGet("/{hostname}/", ShowAsync);
        workers.MapMethods("/{hostname}/", ["PATCH"], UpdateAsync);
        workers.MapPost("/{hostname}/enable/", (HttpContext c, string hostname, WorkerAdministration admin) =>
            ChangeAsync(c, hostname, "enabled", admin.EnableAsync));
        workers.MapPost("/{hostname}/disable/", (HttpContext c, string hostname, WorkerAdministration admin) =>
            ChangeAsync(c, hostname, "disabled", admin.DisableAsync));
        workers.MapPost("/{hostname}/maintenance/", (HttpContext c, string hostname, WorkerAdministration admin) =>
            ChangeAsync(c, hostname, "set to maintenance", (h, ct) => admin.SetHealthAsync(h, WorkerHealth.Maintenance, ct)));
        workers.MapPost("/{hostname}/retire/", (HttpContext c, string hostname, WorkerAdministration admin) =>
            ChangeAsync(c, hostname, "retired", (h, ct) => admin.SetHealthAsync(h, WorkerHealth.Retired, ct)));
        workers.MapPost("/{hostname}/revoke/", (HttpContext c, string hostname, WorkerAdministration admin) =>
            ChangeAsync(c, hostname, "revoked the certificate of", admin.RevokeAsync));
        workers.MapPost("/{hostname}/certificate/", IssueCertificateAsync);
        workers.MapPost("/{hostname}/token/", IssueCertificateAsync); // the route's name before workers had certificates
    }

    private static async Task<IResult> ListAsync(HttpContext context, IWorkerRegistry registry) =>
        RestRequests.Page(context, [.. (await registry.ListAsync(context.RequestAborted)).Select(WorkerResource.From)]);

    private static async Task<IResult> ShowAsync(string hostname, IWorkerRegistry registry, CancellationToken cancellationToken) =>
        await registry.FindAsync(hostname, cancellationToken) is { } worker
            ? Results.Ok(WorkerResource.From(worker))
            : ApiErrors.WorkerNotFound(hostname);

    private static async Task<IResult> CreateAsync(HttpContext context, WorkerAdministration admin, MasterClusterAddress master, JsonSerializerOptions json, ILogger<WorkerAdministration> logger)
    {
        if (!IsSuperuser(context))
        {
            return ApiErrors.Forbidden();
        }

        var (body, error) = await RestRequests.ReadBodyAsync<CreateWorkerRequest>(context, json);
        if (error is not null)
        {
            return error;
        }

        if (WorkerNames.Validate(body?.Hostname) is { } invalid)
        {
            return ApiErrors.BadRequest("hostname", invalid);
        }

        WorkerHealth? requested = null;
        if (body!.Health is not null && (requested = WorkerNames.ParseHealth(body.Health)) is null)
        {
            return ApiErrors.BadRequest("health", $"health '{body.Health}' is invalid: use ACTIVE, MAINTENANCE or RETIRED");
        }

        if (body.Disabled == true && requested is not (null or WorkerHealth.Retired))
        {
            return ApiErrors.BadRequest("disabled", $"disabled creates a RETIRED worker, which contradicts health '{body.Health}'");
        }

        var health = body.Disabled == true ? WorkerHealth.Retired : requested ?? WorkerHealth.Active;
        var issued = await admin.TryCreateAsync(body.Hostname!, body.Description ?? "", health, context.RequestAborted);
        if (issued is null)
        {
            return ApiErrors.Conflict("hostname", $"worker '{body.Hostname}' already exists");
        }

        LogMessages.WorkerChanged(logger, TokenAuthentication.Caller(context).Username, "added", issued.Worker.Hostname);
        return Results.Created($"{TokenAuthentication.ApiPrefix}/workers/{issued.Worker.Hostname}/", WorkerCredentialsResource.From(issued, master));
    }

    private static async Task<IResult> UpdateAsync(HttpContext context, string hostname, WorkerAdministration admin, JsonSerializerOptions json, ILogger<WorkerAdministration> logger)
    {
        if (!IsSuperuser(context))
        {
            return ApiErrors.Forbidden();
        }

        var (body, error) = await RestRequests.ReadBodyAsync<UpdateWorkerRequest>(context, json);
        if (error is not null)
        {
            return error;
        }

        WorkerHealth? health = null;
        if (body?.Health is { } text)
        {
            health = WorkerNames.ParseHealth(text);
            if (health is null)
            {
                return ApiErrors.BadRequest("health", $"health '{text}' is invalid: use ACTIVE, MAINTENANCE or RETIRED");
            }
        }

        var worker = await admin.UpdateAsync(hostname, body?.Description, health, context.RequestAborted);
        if (worker is null)
        {
            return ApiErrors.WorkerNotFound(hostname);
        }

        LogMessages.WorkerChanged(logger, TokenAuthentication.Caller(context).Username, "updated", hostname);
        return Results.Ok(WorkerResource.From(worker));
    }

    private static async Task<IResult> ChangeAsync(HttpContext context, string hostname, string verb, Func<string, CancellationToken, Task<Worker?>> change)
    {
        if (!IsSuperuser(context))
        {
            return ApiErrors.Forbidden();
        }

        var worker = await change(hostname, context.RequestAborted);
        if (worker is null)
        {
            return ApiErrors.WorkerNotFound(hostname);
        }

        LogMessages.WorkerChanged(context.RequestServices.GetRequiredService<ILogger<WorkerAdministration>>(), TokenAuthentication.Caller(context).Username, verb, hostname);
        return Results.Ok(WorkerResource.From(worker));
    }

    private static async Task<IResult> IssueCertificateAsync(HttpContext context, string hostname, WorkerAdministration admin, MasterClusterAddress master, ILogger<WorkerAdministration> logger)
    {
        if (!IsSuperuser(context))
        {
            return ApiErrors.Forbidden();
        }

        var issued = await admin.IssueCertificateAsync(hostname, context.RequestAborted);
        if (issued is null)
        {
            return ApiErrors.WorkerNotFound(hostname);
        }

        LogMessages.WorkerChanged(logger, TokenAuthentication.Caller(context).Username, "issued a new certificate to", hostname);
        return Results.Ok(WorkerCredentialsResource.From(issued, master));
    }

    private static bool IsSuperuser(HttpContext context) => RestRequests.IsSuperuser(context);
}
