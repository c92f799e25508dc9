using System.Text.RegularExpressions;
using Lava.Actors.Lab;
using Microsoft.AspNetCore.Mvc;

namespace Lava.Host.Master.Gateway.Ui.Pages;

/// <summary>
/// <c>/admin/users</c>, superusers only (403 otherwise): the users and their groups; add a user, set a web UI password,
/// issue an API token (shown once), put a user in a group (made when missing). The same stores and rules as the API's.
/// </summary>
internal sealed partial class UsersModel(IUserDirectory directory, ITokenStore tokens, IUserPasswords passwords) : UiPage
{
    private const int MinPasswordLength = 8;

    public IReadOnlyList<(ApiUser User, IReadOnlyList<string> Groups)> Users { get; private set; } = [];

    public (string User, string Token)? IssuedToken { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!IsSuperuser) return StatusCode(StatusCodes.Status403Forbidden);
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAddAsync(string username, bool superuser, CancellationToken ct)
    {
        if (!IsSuperuser) return StatusCode(StatusCodes.Status403Forbidden);
        if (!ValidName(username)) return Done("A name of 1 to 150 letters, digits and @.+-_ is required.");
        if (await tokens.FindUserAsync(username, ct) is not null) return Done($"User '{username}' already exists.");
        return await IssueAsync(username, superuser, "created with the user", ct);
    }

    public async Task<IActionResult> OnPostPasswordAsync(string username, string password, CancellationToken ct)
    {
        if (!IsSuperuser) return StatusCode(StatusCodes.Status403Forbidden);
        if (password is not { Length: >= MinPasswordLength }) return Done($"A password of at least {MinPasswordLength} characters is required.");
        return Done(await passwords.SetPasswordHashAsync(username, UserPasswords.Hash(password), ct) ? $"Password of {username} set." : $"User '{username}' not found.");
    }

    public async Task<IActionResult> OnPostTokenAsync(string username, CancellationToken ct)
    {
        if (!IsSuperuser) return StatusCode(StatusCodes.Status403Forbidden);
        return await tokens.FindUserAsync(username, ct) is { } user
            ? await IssueAsync(user.Username, user.IsSuperuser, $"issued by {UserName}", ct)
            : Done($"User '{username}' not found.");
    }

    public async Task<IActionResult> OnPostMemberAsync(string username, string group, CancellationToken ct)
    {
        if (!IsSuperuser) return StatusCode(StatusCodes.Status403Forbidden);
        if (!ValidName(group)) return Done("A group name of 1 to 150 letters, digits and @.+-_ is required.");
        await directory.TryAddGroupAsync(group, ct);
        try
        {
            await directory.AddGroupMemberAsync(group, username, ct);
            return Done($"{username} is in {group}.");
        }
        catch (UserReferenceException e)
        {
            return Done(e.Message);
        }
    }

    private async Task<IActionResult> IssueAsync(string username, bool superuser, string description, CancellationToken ct)
    {
        var token = ApiTokens.Generate();
        await tokens.AddTokenAsync(username, superuser, ApiTokens.Hash(token), description, ct);
        // Shown on this response only, never stored in clear nor put in a redirect.
        IssuedToken = (username, token);
        await LoadAsync(ct);
        return Page();
    }

    private RedirectResult Done(string message)
    {
        Flash = message;
        return Redirect("/admin/users");
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var users = new List<(ApiUser, IReadOnlyList<string>)>();
        foreach (var user in await directory.ListUsersAsync(ct)) users.Add((user, await directory.GroupsOfAsync(user.Username, ct)));
        Users = users;
    }

    /// <summary>Django's rule for names, as the API's.</summary>
    private static bool ValidName(string? name) => name is { Length: > 0 and <= 150 } && NamePattern().IsMatch(name);

    [GeneratedRegex("^[A-Za-z0-9@.+_-]+$")]
    private static partial Regex NamePattern();
}
