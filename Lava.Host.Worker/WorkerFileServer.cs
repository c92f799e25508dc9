using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;

namespace Lava.Host.Worker;

/// <summary>
/// The worker's own HTTP file server: serves each job's directory (<c>&lt;data-dir&gt;/jobs/N/</c>, read-only, ranges
/// allowed, no listings) at <c>/jobs/N/</c> for the devices that fetch files during a job (a board's bootloader or
/// shell downloading an image or an overlay). It runs for the whole process, across the worker's cluster incarnations,
/// as the job runners do.
/// </summary>
internal sealed class WorkerFileServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WorkerFileServer(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>Where a device finds job N's files: <c>BaseUrl + "jobs/N/"</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The URL of job <paramref name="jobId"/>'s directory.</summary>
    public string JobUrl(long jobId) => new Uri(BaseUrl, $"jobs/{jobId}/").ToString();

    /// <summary>
    /// Listens on <paramref name="host"/>:<paramref name="port"/> (0: a free port) and serves <paramref name="jobsDirectory"/>.
    /// A wildcard host is announced to devices as <paramref name="announcedHost"/>.
    /// </summary>
    public static async Task<WorkerFileServer> StartAsync(string host, int port, string announcedHost, string jobsDirectory, ILoggerFactory loggerFactory)
    {
        Directory.CreateDirectory(jobsDirectory);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(WorkerFileServer).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Parse(host), port));
        var app = builder.Build();
        app.UseFileServer(new FileServerOptions
        {
            FileProvider = new PhysicalFileProvider(Path.GetFullPath(jobsDirectory)),
            RequestPath = "/jobs",
            EnableDirectoryBrowsing = false,
            EnableDefaultFiles = false,
            StaticFileOptions = { ServeUnknownFileTypes = true },
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var bound = new Uri(address);
        var announced = IPAddress.Parse(host) is var ip && (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any)) ? announcedHost : host;
        return new WorkerFileServer(app, new UriBuilder(Uri.UriSchemeHttp, announced, bound.Port, "/").Uri);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
