using System.Security.Claims;
using Lava.Actors.Jobs.ReadModels;
using Lava.Actors.Lab;
using Lava.Host.Master.Jobs;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Lava.Host.Master.Gateway.Ui;

/// <summary>
/// Who is using the web UI: the user of the session cookie, read again from the lab store on each request (a user
/// made inactive loses the UI at once), or nobody; and the <see cref="Viewer"/> the read models filter by, as the API's.
/// </summary>
internal static class UiSession
{
    public const string Scheme = CookieAuthenticationDefaults.AuthenticationScheme;

    /// <summary>The signed-in, active user, or null.</summary>
    public static async Task<ApiUser?> UserAsync(HttpContext context)
    {
        if (context.Items.TryGetValue(typeof(ApiUser), out var cached)) return cached as ApiUser;
        ApiUser? user = null;
        if (context.User.Identity is { IsAuthenticated: true, Name: { } name })
        {
            user = await context.RequestServices.GetRequiredService<ITokenStore>().FindUserAsync(name, context.RequestAborted);
            if (user is { IsActive: false }) user = null;
        }
        context.Items[typeof(ApiUser)] = user;
        return user;
    }

    public static async Task<Viewer> ViewerAsync(HttpContext context) =>
        await context.RequestServices.GetRequiredService<JobGateway>().ViewerAsync(await UserAsync(context), context.RequestAborted);

    /// <summary>Checks the password; signs the user in and returns it, or returns null (unknown, inactive, no password, wrong).</summary>
    public static async Task<ApiUser?> SignInAsync(HttpContext context, string username, string password)
    {
        var passwords = context.RequestServices.GetRequiredService<IUserPasswords>();
        if (await passwords.FindPasswordHashAsync(username, context.RequestAborted) is not ({ IsActive: true } user, { } hash)
            || !UserPasswords.Verify(password, hash))
        {
            return null;
        }
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, user.Username)], Scheme);
        await context.SignInAsync(Scheme, new ClaimsPrincipal(identity));
        context.Items[typeof(ApiUser)] = user;
        return user;
    }

    public static Task SignOutAsync(HttpContext context) => context.SignOutAsync(Scheme);
}
