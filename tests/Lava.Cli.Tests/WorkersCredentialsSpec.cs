using System.Runtime.Versioning;
using System.Text.Json;
using Lava.Actors.Lab;
using Lava.Actors.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Lava.Cli.Tests;

/// <summary>The workers verbs against a stand-in master that answers as the real one does, with credentials from a real lab CA.</summary>
public sealed class WorkersCredentialsSpec : IAsyncLifetime
{
    private const string MasterAddress = "lab.example:4053";
    private readonly string _dir = Directory.CreateTempSubdirectory("lava-cli-workers-").FullName;
    private readonly List<string> _requests = [];
    private CertificateAuthority _authority = null!;
    private IssuedCertificate _issued = null!;
    private WebApplication _master = null!;
    private string _url = null!;

    public async Task InitializeAsync()
    {
        _authority = CertificateAuthority.LoadOrCreate(Path.Combine(_dir, "ca"));
        _issued = _authority.IssueWorker("w1");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _master = builder.Build();
        _master.Use((context, next) =>
        {
            lock (_requests)
            {
                _requests.Add($"{context.Request.Method} {context.Request.Path}");
            }

            return next(context);
        });
        _master.MapPost("/api/v0.2/workers/", () => Results.Json(Issued(revoked: false), statusCode: StatusCodes.Status201Created));
        _master.MapPost("/api/v0.2/workers/{hostname}/certificate/", () => Results.Json(Issued(revoked: false)));
        _master.MapGet("/api/v0.2/workers/{hostname}/", () => Results.Json(Worker(revoked: true)));
        await _master.StartAsync();
        _url = _master.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
    }

    public async Task DisposeAsync()
    {
        await _master.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task Add_must_write_the_issued_credentials_owner_only_and_never_print_the_key()
    {
        var file = Path.Combine(_dir, "w1.token");

        var run = await RunAsync("workers", "add", "w1", "--token-file", file);

        Assert.True(run.ExitCode == 0, run.Error);
        var credentials = WorkerCredentials.Read(file); // also checks the key and the chain to the CA
        Assert.Equal(("w1", MasterAddress), (credentials.Name, credentials.MasterAddress));
        Assert.Equal(_issued.CertificateDer, credentials.CertificateDer);
        Assert.Equal(_authority.Certificate.RawData, credentials.CaCertificateDer);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Contains(file, run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(_issued.PrivateKeyPkcs8), run.Output + run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_must_ask_the_certificate_route_and_replace_the_file()
    {
        var file = Path.Combine(_dir, "w1.token");
        File.WriteAllText(file, "old");

        var run = await RunAsync("workers", "token", "w1", "--token-file", file);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(["POST /api/v0.2/workers/w1/certificate/"], _requests);
        Assert.Equal(_issued.CertificateDer, WorkerCredentials.Read(file).CertificateDer);
    }

    [Fact]
    public async Task Add_must_refuse_a_credentials_file_in_a_missing_directory_before_asking_the_master()
    {
        var file = Path.Combine(_dir, "missing", "w1.token");

        var run = await RunAsync("workers", "add", "w1", "--token-file", file);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(Path.Combine(_dir, "missing"), run.Error, StringComparison.Ordinal);
        Assert.Empty(_requests);
    }

    [Fact]
    public async Task Show_must_print_the_revocation()
    {
        var run = await RunAsync("workers", "show", "w1");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("revoked       : yes", run.Output, StringComparison.Ordinal);
    }

    private Task<CliRun> RunAsync(params string[] args) => CliRun.RunAsync([.. args, "--url", _url, "--token", ApiTokens.Generate()]);

    private static Dictionary<string, object?> Worker(bool revoked) => new()
    {
        ["hostname"] = "w1",
        ["description"] = "",
        ["state"] = "Offline",
        ["health"] = "Active",
        ["last_ping"] = null,
        ["job_limit"] = 0,
        ["enabled"] = true,
        ["revoked"] = revoked,
    };

    private Dictionary<string, object?> Issued(bool revoked)
    {
        var worker = Worker(revoked);
        worker["credentials"] = new Dictionary<string, string>
        {
            ["name"] = "w1",
            ["master"] = MasterAddress,
            ["certificate"] = Convert.ToBase64String(_issued.CertificateDer),
            ["key"] = Convert.ToBase64String(_issued.PrivateKeyPkcs8),
            ["ca"] = Convert.ToBase64String(_issued.CaCertificateDer),
        };
        return worker;
    }
}
