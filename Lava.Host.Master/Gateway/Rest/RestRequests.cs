using System.Globalization;
using System.Text.Json;
using Lava.Host.Master.Gateway.Lab;

namespace Lava.Host.Master.Gateway.Rest;

/// <summary>What the REST endpoints share: JSON bodies read with errors naming the field, LAVA's pages, superuser checks, lab refusals.</summary>
internal static class RestRequests
{
    public const int DefaultPageSize = 50;

    public static bool IsSuperuser(HttpContext context) => TokenAuthentication.OptionalCaller(context) is { IsSuperuser: true };

    /// <summary>Runs a lab operation, answering its <see cref="LabRequestException"/> as 400 (naming the field), 404 or 409.</summary>
    public static async Task<IResult> LabAsync(Func<Task<IResult>> operation)
    {
        try
        {
            return await operation();
        }
        catch (LabRequestException e)
        {
            return e.Refusal switch
            {
                LabRefusal.NotFound => ApiErrors.NotFound(e.Message),
                LabRefusal.Conflict => ApiErrors.Conflict(e.Field ?? "body", e.Message),
                _ => ApiErrors.BadRequest(e.Field ?? "body", e.Message),
            };
        }
    }

    /// <summary>Reads a JSON body; an empty body is null, malformed JSON a 400 on "body", a value of the wrong type a 400 naming its field.</summary>
    public static async Task<(T? Body, IResult? Error)> ReadBodyAsync<T>(HttpContext context, JsonSerializerOptions json)
        where T : class
    {
        if (context.Request.ContentLength == 0)
        {
            return (null, null);
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        }
        catch (JsonException)
        {
            return (null, ApiErrors.BadRequest("body", "the body is not valid JSON"));
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, ApiErrors.BadRequest("body", "the body must be a JSON object"));
            }

            try
            {
                return (document.RootElement.Deserialize<T>(json), null);
            }
            catch (JsonException e)
            {
                var field = e.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : "body";
                return (null, ApiErrors.BadRequest(field, $"{field} has the wrong type"));
            }
        }
    }

    /// <summary>LAVA's limit/offset page of <paramref name="all"/>, or a 400 naming limit or offset.</summary>
    public static IResult Page<T>(HttpContext context, IReadOnlyList<T> all)
    {
        var query = context.Request.Query;
        if (!TryReadInt(query["limit"], DefaultPageSize, 1, out var limit))
        {
            return ApiErrors.BadRequest("limit", "limit must be a positive integer");
        }

        if (!TryReadInt(query["offset"], 0, 0, out var offset))
        {
            return ApiErrors.BadRequest("offset", "offset must be a non-negative integer");
        }

        return Results.Ok(PageOf(context, all.Count, limit, offset, [.. all.Skip(offset).Take(limit)]));
    }

    /// <summary>LAVA's page holding <paramref name="rows"/> of <paramref name="count"/>, with its next and previous links (other filters kept).</summary>
    public static Page<T> PageOf<T>(HttpContext context, int count, int limit, int offset, IReadOnlyList<T> rows)
    {
        var baseUrl = $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}{context.Request.Path}";
        var others = string.Concat(context.Request.Query.Where(q => q.Key is not ("limit" or "offset")).Select(q => $"&{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value.ToString())}"));
        var next = offset + limit < count ? $"{baseUrl}?limit={limit}&offset={offset + limit}{others}" : null;
        var previous = offset > 0 ? $"{baseUrl}?limit={limit}&offset={Math.Max(0, offset - limit)}{others}" : null;
        return new Page<T>(count, next, previous, rows);
    }

    private static bool TryReadInt(string? text, int fallback, int minimum, out int value)
    {
        if (string.IsNullOrEmpty(text))
        {
            value = fallback;
            return true;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= minimum;
    }
}
