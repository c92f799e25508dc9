using System.Text;
using Lava.Actors.Lab;
using Lava.Actors.Lab.Store;
using Lava.Host.Master.Gateway.Lab;

namespace Lava.Host.Master.Gateway.XmlRpc;

/// <summary>
/// LAVA's XML-RPC endpoint, <c>POST /RPC2</c> (and <c>/RPC2/</c>), as lavacli calls it. Authentication is HTTP Basic
/// <c>user:token</c> (lavacli puts them in the URI): a malformed header is HTTP 400 with LAVA's text, an unknown token,
/// a token of another user or an inactive user HTTP 401; without a header the caller is anonymous. Every answer to a
/// call is HTTP 200 with a methodResponse: the result or a fault (401/403 by <see cref="XmlRpcAccess"/>, −32601 for an
/// unknown method, −32700 for a body that is not a methodCall, −32603 for a bug or an unreachable lab database).
/// GET answers a short help text.
/// </summary>
internal static class XmlRpcEndpoint
{
    /// <summary>The largest request body accepted (a job definition is well below it).</summary>
    public const int MaxRequestBytes = 8 * 1024 * 1024;

    private const string Realm = "Basic realm=\"XML-RPC Authentication token\"";

    public static void Map(IEndpointRouteBuilder app, XmlRpcMethods methods)
    {
        // Routing matches "/RPC2/" too: a trailing slash is optional for ASP.NET Core's route templates.
        app.MapGet("/RPC2", () => Results.Text(HelpText(methods), "text/plain"));
        app.MapPost("/RPC2", (HttpContext context, ITokenStore tokens, ILogger<XmlRpcMethods> logger) => ServeAsync(context, methods, tokens, logger));
    }

    /// <summary>Runs one method for <paramref name="user"/>: checks access, then calls it; faults are thrown.</summary>
    public static async Task<object?> DispatchAsync(XmlRpcMethods methods, string name, IReadOnlyList<object?> parameters, ApiUser? user, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (!methods.TryGet(name, out var method))
        {
            throw new XmlRpcFault(XmlRpcFault.NoSuchMethod, $"No such method: {name}");
        }

        if (method.Access != XmlRpcAccess.Anonymous && user is null)
        {
            throw XmlRpcFault.LoginRequired();
        }

        if (method.Access == XmlRpcAccess.Superuser && user is { IsSuperuser: false })
        {
            throw XmlRpcFault.Forbidden();
        }

        try
        {
            return await method.Handler(new XmlRpcCall(new XmlRpcParams(parameters), user, services, cancellationToken));
        }
        catch (LabRequestException e)
        {
            throw new XmlRpcFault(e.Refusal == LabRefusal.NotFound ? 404 : 400, e.Message);
        }
    }

    private static async Task ServeAsync(HttpContext context, XmlRpcMethods methods, ITokenStore tokens, ILogger logger)
    {
        if (context.Request.ContentLength > MaxRequestBytes)
        {
            await PlainAsync(context, StatusCodes.Status413PayloadTooLarge, $"The request is larger than {MaxRequestBytes} bytes.");
            return;
        }

        ApiUser? user;
        try
        {
            var (status, text, caller) = await AuthenticateAsync(context, tokens);
            if (status != 0)
            {
                if (status == StatusCodes.Status401Unauthorized)
                {
                    context.Response.Headers.WWWAuthenticate = Realm;
                }

                await PlainAsync(context, status, text!);
                return;
            }

            user = caller;
        }
        catch (LabStoreUnavailableException e)
        {
            LogMessages.LabStoreUnavailable(logger, context.Request.Method, context.Request.Path.Value ?? "", e);
            await PlainAsync(context, StatusCodes.Status503ServiceUnavailable, $"{e.Message}; nothing was changed, retry later");
            return;
        }

        byte[] answer;
        try
        {
            var body = await ReadBodyAsync(context);
            if (body is null)
            {
                await PlainAsync(context, StatusCodes.Status413PayloadTooLarge, $"The request is larger than {MaxRequestBytes} bytes.");
                return;
            }

            var request = XmlRpcCodec.ParseCall(body, MaxRequestBytes);
            var result = await DispatchAsync(methods, request.MethodName, request.Params, user, context.RequestServices, context.RequestAborted);
            answer = XmlRpcCodec.WriteResponse(result);
        }
        catch (XmlRpcFormatException e)
        {
            answer = XmlRpcCodec.WriteFault(XmlRpcFault.ParseError, e.Message);
        }
        catch (XmlRpcFault fault)
        {
            answer = XmlRpcCodec.WriteFault(fault.Code, fault.Message);
        }
        catch (LabStoreUnavailableException e)
        {
            LogMessages.LabStoreUnavailable(logger, context.Request.Method, context.Request.Path.Value ?? "", e);
            answer = XmlRpcCodec.WriteFault(XmlRpcFault.InternalError, $"{e.Message}; nothing was changed, retry later");
        }
        catch (Exception e) when (e is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            LogMessages.XmlRpcFailed(logger, e);
            answer = XmlRpcCodec.WriteFault(XmlRpcFault.InternalError, $"Internal Server Error (contact server administrator for details): {e.Message}");
        }

        context.Response.ContentType = "application/xml";
        context.Response.ContentLength = answer.Length;
        await context.Response.Body.WriteAsync(answer, context.RequestAborted);
    }

    /// <summary>LAVA's checks of the Authorization header: (0, null, user or null) when the call may go on, else the HTTP status and text.</summary>
    private static async Task<(int Status, string? Text, ApiUser? User)> AuthenticateAsync(HttpContext context, ITokenStore tokens)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            return (0, null, null);
        }

        var space = header.IndexOf(' ', StringComparison.Ordinal);
        if (space < 0)
        {
            return (StatusCodes.Status400BadRequest, "Invalid HTTP_AUTHORIZATION header", null);
        }

        if (header[..space] != "Basic")
        {
            return (StatusCodes.Status400BadRequest, "Unsupported HTTP_AUTHORIZATION header, only Basic scheme is supported", null);
        }

        string credentials;
        try
        {
            credentials = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(header[(space + 1)..].Trim()));
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return (StatusCodes.Status400BadRequest, "Corrupted HTTP_AUTHORIZATION header, bad base64 encoding", null);
        }

        var colon = credentials.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return (StatusCodes.Status400BadRequest, "Corrupted HTTP_AUTHORIZATION header, no user:pass", null);
        }

        var (username, token) = (credentials[..colon], credentials[(colon + 1)..]);
        var user = token.Length == 0 ? null : await tokens.FindByTokenHashAsync(ApiTokens.Hash(token), context.RequestAborted);
        // A token authenticates only its owner: a valid token with another user's name is as unknown as a wrong one.
        return user is { IsActive: true } && user.Username == username
            ? (0, null, user)
            : (StatusCodes.Status401Unauthorized, "Invalid token", null);
    }

    /// <summary>The body, or null when it exceeds <see cref="MaxRequestBytes"/> (a chunked body has no Content-Length to check first).</summary>
    private static async Task<MemoryStream?> ReadBodyAsync(HttpContext context)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (buffer.Length + read > MaxRequestBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        buffer.Position = 0;
        return buffer;
    }

    private static Task PlainAsync(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsync(text, context.RequestAborted);
    }

    private static string HelpText(XmlRpcMethods methods)
    {
        var text = new StringBuilder();
        text.AppendLine("Lava XML-RPC API (LAVA v2 compatible). POST a methodCall to this address, e.g. with lavacli:");
        text.AppendLine("  lavacli --uri http://USER:TOKEN@HOST/RPC2 system version");
        text.AppendLine("Authentication: HTTP Basic, the user's name and one of its API tokens. Methods:");
        foreach (var method in methods.All)
        {
            text.AppendLine($"  {method.Name}{method.Signature}");
        }

        return text.ToString();
    }
}
