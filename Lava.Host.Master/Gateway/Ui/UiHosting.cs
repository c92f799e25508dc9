using Akka.Hosting;
using Microsoft.AspNetCore.DataProtection;

namespace Lava.Host.Master.Gateway.Ui;

/// <summary>
/// The web UI at <c>/</c>: Razor Pages under Gateway/Ui/Pages, a session cookie (its keys under the data directory's
/// <c>ui-keys/</c>, so sessions survive a restart), antiforgery tokens on every form (a post without one is 400), the
/// script and style sheet under <c>/ui/assets/</c>, and the live endpoints of <see cref="LiveEndpoints"/>.
/// </summary>
internal static class UiHosting
{
    public static void AddLavaUi(this IServiceCollection services, MasterOptions options)
    {
        services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(options.DataDir, "ui-keys"))).SetApplicationName("lava");
        services.AddAuthentication(UiSession.Scheme).AddCookie(UiSession.Scheme, cookie =>
        {
            cookie.Cookie.Name = "lava_session";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.LoginPath = "/login";
            cookie.LogoutPath = "/logout";
            cookie.SlidingExpiration = true;
            cookie.ExpireTimeSpan = TimeSpan.FromDays(7);
        });
        services.AddAuthorization();
        services.AddAntiforgery(o => o.Cookie.Name = "lava_csrf");
        services.AddRazorPages(o => o.RootDirectory = "/Gateway/Ui/Pages").AddApplicationPart(typeof(UiHosting).Assembly);
        services.AddSingleton<LiveFeed>();
    }

    /// <summary>Starts the live feed's subscriber on the actor system.</summary>
    public static AkkaConfigurationBuilder WithLiveFeed(this AkkaConfigurationBuilder akka, LiveFeed feed) =>
        akka.WithActors((system, _) => system.ActorOf(LiveFeedSubscriber.Props(feed), "live-feed"));

    public static void MapLavaUi(this WebApplication app)
    {
        // A page's 404 or 400 (a forged form) gets a body: browsers show their own error page for an empty one.
        app.UseWhen(
            context => !context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) && !context.Request.Path.StartsWithSegments("/RPC2", StringComparison.OrdinalIgnoreCase),
            ui => ui.UseStatusCodePages("text/html; charset=utf-8", "<!DOCTYPE html><title>Lava</title><h1>{0}</h1><p><a href=\"/\">Lava</a></p>"));
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapRazorPages();
        Assets.Map(app);
        LiveEndpoints.Map(app);
    }
}
