using System.Text.Json;
using Lava.Host.Master.Gateway.Lab;

namespace Lava.Host.Master.Gateway.Rest;

/// <summary>
/// <c>POST /api/v0.2/jobs/validate/</c> <c>{definition, strict}</c>: 200 with LAVA's <c>{"message": "Job valid."}</c> or
/// <c>{"message": "Job invalid: MSG"}</c>; a definition that is not YAML is 400 naming its line and column (LAVA
/// answers an internal error there).
/// </summary>
internal static class JobValidationApi
{
    public static void Map(IEndpointRouteBuilder api) => api.MapPost("/jobs/validate/", async (HttpContext context, JsonSerializerOptions json) =>
    {
        var (body, error) = await RestRequests.ReadBodyAsync<ValidateRequest>(context, json);
        if (error is not null) return error;
        if (body?.Definition is not { } definition) return ApiErrors.BadRequest("definition", "definition is required");
        var invalid = JobValidation.Validate(definition, body.Strict ?? false);
        return invalid switch
        {
            null => Results.Ok(new { message = "Job valid." }),
            { Path: JobValidation.SyntaxErrorPath } => Results.Json(
                new { message = $"Job invalid: {invalid.Message}", detail = invalid.Message, field = "definition" }, statusCode: StatusCodes.Status400BadRequest),
            _ => Results.Ok(new { message = $"Job invalid: {invalid.Message}" }),
        };
    });
}
