using Lava.Actors.Jobs.ReadModels;
using Lava.Actors.Lab;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Lava.Host.Master.Gateway.Ui.Pages;

/// <summary>
/// What every page knows before its handler runs: the signed-in user (null: anonymous) and the viewer the read models
/// filter by. Forms are checked for their antiforgery token by Razor Pages before any handler (400 without it).
/// </summary>
internal abstract class UiPage : PageModel
{
    protected ApiUser? CurrentUser { get; private set; }

    /// <summary>The signed-in user's name, or null.</summary>
    public string? UserName => CurrentUser?.Username;

    public bool IsSuperuser => CurrentUser?.IsSuperuser ?? false;

    public Viewer Viewer { get; private set; } = Viewer.Anonymous;

    /// <summary>A message shown once at the top of the page (after a form's redirect).</summary>
    [TempData]
    public string? Flash { get; set; }

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        CurrentUser = await UiSession.UserAsync(HttpContext);
        Viewer = await UiSession.ViewerAsync(HttpContext);
        await next();
    }
}
