using System.Text.Json;
using Lava.Actors.Lab;
using Lava.Actors.Lab.Store;

namespace Lava.Host.Master.Gateway.Rest;

/// <summary>
/// <c>Authorization: Token T</c> under /api/v0.2/: as LAVA's <c>IsAuthenticatedOrReadOnly</c>, a GET or HEAD without
/// the header is served anonymously (reads of public things), every other request needs a token. A wrong token, or a
/// token of an inactive user, is 401 even on a read. Answers 401 with Django REST framework's messages, else records
/// the caller for <see cref="Caller"/>. Tokens are looked up through <see cref="RecentTokens"/>: a revoked token, or a
/// deactivated user, is refused within a second. Being the API's first middleware, it also answers 503 naming the
/// database when the lab store is out of reach, whether its own token lookup or the endpoint met the outage.
/// </summary>
internal sealed class TokenAuthentication(RequestDelegate next, RecentTokens tokens, JsonSerializerOptions json, ILogger<TokenAuthentication> logger)
{
    public const string ApiPrefix = "/api/v0.2";
    private const string VersionPath = "/api/v0.2/system/version";
    private const string Scheme = "Token ";

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (!path.StartsWithSegments(ApiPrefix, StringComparison.OrdinalIgnoreCase)
            || path.Value!.TrimEnd('/').Equals(VersionPath, StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }

        try
        {
            await AuthenticateAsync(context);
        }
        catch (LabStoreUnavailableException e) when (!context.Response.HasStarted)
        {
            LogMessages.LabStoreUnavailable(logger, context.Request.Method, path.Value ?? "", e);
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "5";
            await context.Response.WriteAsJsonAsync(ApiErrors.StoreUnavailable(e), json, context.RequestAborted);
        }
    }

    /// <summary>The authenticated user of a request, or null for an anonymous read.</summary>
    public static ApiUser? OptionalCaller(HttpContext context) => context.Features.Get<ApiUser>();

    /// <summary>The authenticated user of a request under /api/v0.2/ that is not a read (the middleware let it through).</summary>
    public static ApiUser Caller(HttpContext context) =>
        context.Features.Get<ApiUser>() ?? throw new InvalidOperationException("no authenticated user: the token middleware did not run");

    private async Task AuthenticateAsync(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (header.Length == 0 && (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)))
        {
            await next(context);
            return;
        }

        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            await RefuseAsync(context, "Authentication credentials were not provided.");
            return;
        }

        var user = await tokens.FindAsync(header[Scheme.Length..].Trim(), context.RequestAborted);
        if (user is null)
        {
            await RefuseAsync(context, "Invalid token.");
            return;
        }

        if (!user.IsActive)
        {
            await RefuseAsync(context, "User inactive or deleted.");
            return;
        }

        context.Features.Set(user);
        await next(context);
    }

    private Task RefuseAsync(HttpContext context, string detail)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Token";
        return context.Response.WriteAsJsonAsync(new ApiError(detail), json, context.RequestAborted);
    }
}
