using System.Reflection;
using System.Text.Json;
using Lava.Actors.Lab;
using Lava.Actors.Lab.Sqlite;
using Lava.Host.Master.Admin;
using Lava.Host.Master.Cluster;
using Lava.Host.Master.Gateway.Rest;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Events;

namespace Lava.Host.Master;

/// <summary>
/// Builds the master's web application from <see cref="MasterOptions"/>: data directory, logging, lab store,
/// admin user, cluster identity and the HTTP gateway. Program.cs runs it; tests start it on port 0.
/// </summary>
internal static class MasterHost
{
    public static string Version { get; } =
        typeof(MasterHost).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public static async Task<WebApplication> CreateAsync(MasterOptions options, CancellationToken cancellationToken = default)
    {
        CreatePrivateDirectory(options.DataDir);
        var store = await SqliteLabStore.OpenAsync(options.DatabasePath, cancellationToken: cancellationToken);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = options.DataDir });
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Trace).AddSerilog(CreateLogger(options), dispose: true);
        builder.WebHost.UseUrls("http://" + options.HttpEndpoint);

        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        // The token middleware and the body reader use the very options the endpoints answer with.
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton<IWorkerRegistry>(store);
        builder.Services.AddSingleton<ITokenStore>(store);
        builder.Services.AddSingleton<WorkerAdmission>();
        builder.Services.AddSingleton<WorkerAdministration>();
        builder.Services.AddSingleton(sp => ClusterIdentity.LoadOrCreate(options, sp.GetRequiredService<ILogger<ClusterIdentity>>()));
        builder.Services.AddSingleton<MasterClusterService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<MasterClusterService>());

        var app = builder.Build();
        try
        {
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Lava.Host.Master");
            var cluster = app.Services.GetRequiredService<ClusterIdentity>();
            LogMessages.ClusterCertificateLoaded(logger, cluster.Path, cluster.Fingerprint);
            await AdminBootstrap.EnsureAdminAsync(store, options.AdminTokenPath, logger, cancellationToken);

            app.UseMiddleware<TokenAuthentication>();
            var api = app.MapGroup(TokenAuthentication.ApiPrefix);
            SystemApi.Map(api, Version);
            WorkersApi.Map(api);

            app.Lifetime.ApplicationStarted.Register(() =>
            {
                LogMessages.MasterStarted(logger, Version, string.Join(", ", HttpAddresses(app)), options.ClusterEndpoint, options.DataDir);
                LogMessages.AdminTokenLocation(logger, options.AdminTokenPath);
            });
            app.Lifetime.ApplicationStopped.Register(() => LogMessages.MasterStopped(logger));
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>The addresses Kestrel listens on, with the real port when the endpoint asked for port 0; valid once started.</summary>
    public static IReadOnlyCollection<string> HttpAddresses(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];

    private static Serilog.ILogger CreateLogger(MasterOptions options) =>
        new LoggerConfiguration()
            .MinimumLevel.Is(options.LogLevel)
            // Request-level chatter of ASP.NET Core drowns the lab's own messages at Information.
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}")
            .WriteTo.File(
                Path.Combine(options.LogDirectory, "master-.log"),
                rollingInterval: RollingInterval.Day,
                retainedFileCountLimit: 14,
                outputTemplate: "{Timestamp:yyyy-MM-dd HH:mm:ss.fff zzz} [{Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}")
            .CreateLogger();

    private static void CreatePrivateDirectory(string path)
    {
        // The directory holds the admin token and the cluster key: only the master's user may enter it.
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
