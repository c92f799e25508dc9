using System.Text.Json;
using System.Text.RegularExpressions;
using Lava.Actors.Lab;

namespace Lava.Host.Master.Gateway.Rest;

/// <summary>
/// <c>/api/v0.2/users/</c> and <c>/api/v0.2/groups/</c>: the lab's users, their API tokens and their groups (what a job's
/// <c>visibility: {group: [...]}</c> names). Superusers only, except that a user may issue themself a new token or set their own web UI password (<c>NAME/password/</c>). A new
/// token is answered once and stored only as its hash.
/// </summary>
internal static partial class UsersApi
{
    private const int MinPasswordLength = 8;

    public static void Map(IEndpointRouteBuilder api)
    {
        var users = api.MapGroup("/users");
        users.MapGet("/", async (HttpContext c, IUserDirectory directory) =>
        {
            if (!IsSuperuser(c)) return ApiErrors.Forbidden();
            var list = await directory.ListUsersAsync(c.RequestAborted);
            var resources = new List<UserResource>();
            foreach (var user in list)
            {
                resources.Add(new UserResource(user.Username, user.IsSuperuser, user.IsActive, await directory.GroupsOfAsync(user.Username, c.RequestAborted)));
            }
            return Results.Ok(resources);
        });
        users.MapPost("/", CreateUserAsync);
        users.MapMethods("/{username}/", ["PATCH"], UpdateUserAsync);
        users.MapPost("/{username}/tokens/", IssueTokenAsync);
        users.MapPost("/{username}/password/", SetPasswordAsync);

        var groups = api.MapGroup("/groups");
        groups.MapGet("/", async (HttpContext c, IUserDirectory directory) =>
            IsSuperuser(c) ? Results.Ok(await directory.ListGroupsAsync(c.RequestAborted)) : ApiErrors.Forbidden());
        groups.MapPost("/", CreateGroupAsync);
        groups.MapGet("/{name}/", async (HttpContext c, string name, IUserDirectory directory) =>
        {
            if (!IsSuperuser(c)) return ApiErrors.Forbidden();
            return (await directory.ListGroupsAsync(c.RequestAborted)).Contains(name, StringComparer.Ordinal)
                ? Results.Ok(new GroupResource(name, await directory.ListGroupMembersAsync(name, c.RequestAborted)))
                : ApiErrors.NotFound($"group '{name}' not found");
        });
        groups.MapPost("/{name}/members/", AddMemberAsync);
        groups.MapDelete("/{name}/members/{username}/", async (HttpContext c, string name, string username, IUserDirectory directory) =>
            !IsSuperuser(c) ? ApiErrors.Forbidden()
            : await directory.RemoveGroupMemberAsync(name, username, c.RequestAborted) ? Results.NoContent()
            : ApiErrors.NotFound($"'{username}' is not in group '{name}'"));
    }

    private static async Task<IResult> CreateUserAsync(HttpContext context, ITokenStore tokens, JsonSerializerOptions json)
    {
        if (!IsSuperuser(context)) return ApiErrors.Forbidden();
        var body = await ReadAsync<CreateUserRequest>(context, json);
        if (body is null) return ApiErrors.BadRequest("body", "the body must be a JSON object with \"username\" and optionally \"is_superuser\"");
        if (ValidateName(body.Username) is { } invalid) return ApiErrors.BadRequest("username", invalid);
        if (await tokens.FindUserAsync(body.Username!, context.RequestAborted) is not null)
        {
            return ApiErrors.Conflict("username", $"user '{body.Username}' already exists");
        }
        var token = ApiTokens.Generate();
        await tokens.AddTokenAsync(body.Username!, body.IsSuperuser ?? false, ApiTokens.Hash(token), "created with the user", context.RequestAborted);
        return Results.Json(new IssuedToken(body.Username!, token), json, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> UpdateUserAsync(HttpContext context, string username, IUserDirectory directory, JsonSerializerOptions json)
    {
        if (!IsSuperuser(context)) return ApiErrors.Forbidden();
        var body = await ReadAsync<UpdateUserRequest>(context, json);
        if (body is null) return ApiErrors.BadRequest("body", "the body must be a JSON object with \"is_superuser\" and/or \"is_active\"");
        return await directory.UpdateUserAsync(username, body.IsSuperuser, body.IsActive, context.RequestAborted) is { } user
            ? Results.Ok(new UserResource(user.Username, user.IsSuperuser, user.IsActive, await directory.GroupsOfAsync(username, context.RequestAborted)))
            : ApiErrors.NotFound($"user '{username}' not found");
    }

    private static async Task<IResult> IssueTokenAsync(HttpContext context, string username, ITokenStore tokens, JsonSerializerOptions json)
    {
        var caller = TokenAuthentication.Caller(context);
        if (!caller.IsSuperuser && caller.Username != username) return ApiErrors.Forbidden();
        if (await tokens.FindUserAsync(username, context.RequestAborted) is not { } user) return ApiErrors.NotFound($"user '{username}' not found");
        var token = ApiTokens.Generate();
        await tokens.AddTokenAsync(user.Username, user.IsSuperuser, ApiTokens.Hash(token), $"issued by {caller.Username}", context.RequestAborted);
        return Results.Json(new IssuedToken(user.Username, token), json, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>Sets the web UI password of a user: superusers for anyone, a user for themself.</summary>
    private static async Task<IResult> SetPasswordAsync(HttpContext context, string username, IUserPasswords passwords, JsonSerializerOptions json)
    {
        var caller = TokenAuthentication.Caller(context);
        if (!caller.IsSuperuser && caller.Username != username) return ApiErrors.Forbidden();
        var body = await ReadAsync<SetPasswordRequest>(context, json);
        if (body?.Password is not { Length: >= MinPasswordLength } password)
        {
            return ApiErrors.BadRequest("password", $"a password of at least {MinPasswordLength} characters is required");
        }
        return await passwords.SetPasswordHashAsync(username, UserPasswords.Hash(password), context.RequestAborted)
            ? Results.Ok(new { message = $"password of '{username}' set" })
            : ApiErrors.NotFound($"user '{username}' not found");
    }

    private static async Task<IResult> CreateGroupAsync(HttpContext context, IUserDirectory directory, JsonSerializerOptions json)
    {
        if (!IsSuperuser(context)) return ApiErrors.Forbidden();
        var body = await ReadAsync<CreateGroupRequest>(context, json);
        if (ValidateName(body?.Name) is { } invalid) return ApiErrors.BadRequest("name", invalid);
        return await directory.TryAddGroupAsync(body!.Name!, context.RequestAborted)
            ? Results.Created($"{TokenAuthentication.ApiPrefix}/groups/{body.Name}/", new GroupResource(body.Name!, []))
            : ApiErrors.Conflict("name", $"group '{body.Name}' already exists");
    }

    private static async Task<IResult> AddMemberAsync(HttpContext context, string name, IUserDirectory directory, JsonSerializerOptions json)
    {
        if (!IsSuperuser(context)) return ApiErrors.Forbidden();
        var body = await ReadAsync<AddMemberRequest>(context, json);
        if (string.IsNullOrEmpty(body?.Username)) return ApiErrors.BadRequest("username", "username is required");
        try
        {
            await directory.AddGroupMemberAsync(name, body.Username, context.RequestAborted);
        }
        catch (UserReferenceException e)
        {
            return e.Kind == "group" ? ApiErrors.NotFound(e.Message) : ApiErrors.BadRequest("username", e.Message);
        }
        return Results.Ok(new GroupResource(name, await directory.ListGroupMembersAsync(name, context.RequestAborted)));
    }

    private static bool IsSuperuser(HttpContext context) => RestRequests.IsSuperuser(context);

    /// <summary>Django's rule for user names, which LAVA keeps: 1 to 150 of letters, digits and <c>@.+-_</c>.</summary>
    private static string? ValidateName(string? name) => name is { Length: > 0 and <= 150 } && NamePattern().IsMatch(name)
        ? null
        : "a name of 1 to 150 letters, digits and @.+-_ is required";

    private static async Task<T?> ReadAsync<T>(HttpContext context, JsonSerializerOptions json)
        where T : class => (await RestRequests.ReadBodyAsync<T>(context, json)).Body;

    [GeneratedRegex("^[A-Za-z0-9@.+_-]+$")]
    private static partial Regex NamePattern();

    private sealed record CreateUserRequest(string? Username, bool? IsSuperuser);

    private sealed record UpdateUserRequest(bool? IsSuperuser, bool? IsActive);

    private sealed record SetPasswordRequest(string? Password);

    private sealed record CreateGroupRequest(string? Name);

    private sealed record AddMemberRequest(string? Username);

    private sealed record UserResource(string Username, bool IsSuperuser, bool IsActive, IReadOnlyList<string> Groups);

    private sealed record GroupResource(string Name, IReadOnlyList<string> Members);

    private sealed record IssuedToken(string Username, string Token);
}
