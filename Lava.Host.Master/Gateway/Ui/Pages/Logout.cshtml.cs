using Microsoft.AspNetCore.Mvc;

namespace Lava.Host.Master.Gateway.Ui.Pages;

/// <summary><c>/logout</c>: a post (with its antiforgery token) ends the session.</summary>
internal sealed class LogoutModel : UiPage
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await UiSession.SignOutAsync(HttpContext);
        return LocalRedirect("/");
    }
}
