using System.Diagnostics;
using Akka.Hosting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.ObjectPool;
using Microsoft.Extensions.Options;

namespace Lava.Host.Master.Gateway.Ui;

/// <summary>
/// The web UI at <c>/</c>: Razor Pages under Gateway/Ui/Pages, a session cookie (its keys under the data directory's
/// <c>ui-keys/</c>, so sessions survive a restart), antiforgery tokens on every form (a post without one is 400), the
/// script and style sheet under <c>/ui/assets/</c>, and the live endpoints of <see cref="LiveEndpoints"/>.
/// </summary>
/// <remarks>
/// The UI is an application of its own inside the master, made at its first request: its services (MVC, Razor Pages,
/// data protection, cookie authentication, antiforgery) and its route table. Registering MVC loads some 700 types and
/// their code for good, about 10 MiB of an idle master that only serves lavacli and the workers; a master whose UI is
/// opened pays that once, then. The pages get the master's own services (every Lava type) and its logging.
/// </remarks>
internal static class UiHosting
{
    public static void AddLavaUi(this IServiceCollection services, MasterOptions options)
    {
        services.AddSingleton<LiveFeed>();
        services.AddSingleton(sp => new UiApplication(sp, services, options));
    }

    /// <summary>Starts the live feed's subscriber on the actor system.</summary>
    public static AkkaConfigurationBuilder WithLiveFeed(this AkkaConfigurationBuilder akka, LiveFeed feed) =>
        akka.WithActors((system, _) => system.ActorOf(LiveFeedSubscriber.Props(feed), "live-feed"));

    /// <summary>Serves the UI for every path outside the API (<c>/api</c>) and XML-RPC (<c>/RPC2</c>).</summary>
    public static void UseLavaUi(this WebApplication app)
    {
        var ui = app.Services.GetRequiredService<UiApplication>();
        app.MapWhen(IsUiRequest, branch => branch.Run(ui.ServeAsync));
    }

    private static bool IsUiRequest(HttpContext context) =>
        !context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
        && !context.Request.Path.StartsWithSegments("/RPC2", StringComparison.OrdinalIgnoreCase);

    /// <summary>The UI's services and request pipeline, made at the first UI request.</summary>
    internal sealed class UiApplication(IServiceProvider master, IServiceCollection masterServices, MasterOptions options) : IAsyncDisposable
    {
        private readonly Lazy<(ServiceProvider Services, RequestDelegate Pipeline)> _built = new(() => Build(master, masterServices, options));

        public async Task ServeAsync(HttpContext context)
        {
            var (services, pipeline) = _built.Value;
            var masterRequestServices = context.RequestServices;
            await using var scope = services.CreateAsyncScope();
            context.RequestServices = scope.ServiceProvider;
            try
            {
                await pipeline(context);
            }
            finally
            {
                context.RequestServices = masterRequestServices;
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_built.IsValueCreated) await _built.Value.Services.DisposeAsync();
        }

        private static (ServiceProvider, RequestDelegate) Build(IServiceProvider master, IServiceCollection masterServices, MasterOptions options)
        {
            var services = new ServiceCollection();
            // The master's instances: its host environment, configuration, diagnostics, logging and JSON options.
            services.AddSingleton(master.GetRequiredService<IWebHostEnvironment>());
            services.AddSingleton<IHostEnvironment>(master.GetRequiredService<IWebHostEnvironment>());
            services.AddSingleton(master.GetRequiredService<IConfiguration>());
            services.AddSingleton(master.GetRequiredService<IHostApplicationLifetime>());
            services.AddSingleton(master.GetRequiredService<DiagnosticListener>());
            services.AddSingleton<DiagnosticSource>(master.GetRequiredService<DiagnosticListener>());
            services.AddSingleton(master.GetRequiredService<ILoggerFactory>());
            services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
            services.AddSingleton(master.GetRequiredService<IOptions<JsonOptions>>());
            services.TryAddSingleton<ObjectPoolProvider, DefaultObjectPoolProvider>();
            // The master's own services (stores, gateways, the live feed), one instance each for both.
            foreach (var type in masterServices
                         .Where(d => d.Lifetime == ServiceLifetime.Singleton && !d.ServiceType.IsGenericTypeDefinition && d.ServiceType.Namespace?.StartsWith("Lava.", StringComparison.Ordinal) == true && d.ServiceType != typeof(UiApplication))
                         .Select(d => d.ServiceType)
                         .Distinct())
            {
                services.AddSingleton(type, _ => master.GetRequiredService(type));
            }

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
            var provider = services.BuildServiceProvider();

            var ui = new ApplicationBuilder(provider);
            // A page's 404 or 400 (a forged form) gets a body: browsers show their own error page for an empty one.
            ui.UseStatusCodePages("text/html; charset=utf-8", "<!DOCTYPE html><title>Lava</title><h1>{0}</h1><p><a href=\"/\">Lava</a></p>");
            ui.UseRouting();
            ui.UseAuthentication();
            ui.UseAuthorization();
            ui.UseEndpoints(endpoints =>
            {
                endpoints.MapRazorPages();
                Assets.Map(endpoints);
                LiveEndpoints.Map(endpoints);
            });
            return (provider, ui.Build());
        }
    }
}
