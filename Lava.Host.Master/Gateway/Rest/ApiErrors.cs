using System.Text.Json.Serialization;
using Lava.Actors.Lab.Store;

namespace Lava.Host.Master.Gateway.Rest;

/// <summary>
/// The body of every REST error: <c>detail</c> as Django REST framework (and so LAVA) writes it, and
/// <c>field</c> naming the offending input field when there is one.
/// </summary>
internal sealed record ApiError(string Detail, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Field = null);

/// <summary>The error responses of the REST API, all JSON.</summary>
internal static class ApiErrors
{
    public static IResult BadRequest(string field, string detail) => Results.Json(new ApiError(detail, field), statusCode: StatusCodes.Status400BadRequest);

    public static IResult NotFound(string detail) => Results.Json(new ApiError(detail), statusCode: StatusCodes.Status404NotFound);

    public static IResult Conflict(string field, string detail) => Results.Json(new ApiError(detail, field), statusCode: StatusCodes.Status409Conflict);

    public static IResult Forbidden() =>
        Results.Json(new ApiError("You do not have permission to perform this action."), statusCode: StatusCodes.Status403Forbidden);

    /// <summary>401 for a write without a token (reads may be anonymous).</summary>
    public static IResult Unauthorized() =>
        Results.Json(new ApiError("Authentication credentials were not provided."), statusCode: StatusCodes.Status401Unauthorized);

    public static IResult WorkerNotFound(string hostname) => NotFound($"worker '{hostname}' not found");

    /// <summary>503: the lab database is out of reach; the request changed nothing and may be retried.</summary>
    public static ApiError StoreUnavailable(LabStoreUnavailableException e) => new($"{e.Message}; nothing was changed, retry later");
}
