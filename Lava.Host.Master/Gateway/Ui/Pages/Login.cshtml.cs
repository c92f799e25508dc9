using Microsoft.AspNetCore.Mvc;

namespace Lava.Host.Master.Gateway.Ui.Pages;

/// <summary><c>/login</c>: the sign-in form; a good password sets the session cookie and goes back where the user was.</summary>
internal sealed class LoginModel(ILogger<LoginModel> logger) : UiPage
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string? Username { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (await UiSession.SignInAsync(HttpContext, Username ?? "", Password ?? "") is not { } user)
        {
            Error = "Unknown user or wrong password.";
            return Page();
        }
        LogMessages.SignedIn(logger, user.Username);
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
    }
}
