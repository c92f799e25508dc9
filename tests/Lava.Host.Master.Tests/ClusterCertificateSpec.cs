using System.Runtime.Versioning;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Xunit;

namespace Lava.Host.Master.Tests;

public sealed class ClusterCertificateSpec : IAsyncLifetime
{
    private TestMaster _master = null!;

    public async Task InitializeAsync() => _master = await TestMaster.StartAsync();

    public async Task DisposeAsync() => await _master.DisposeAsync();

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task Cluster_certificate_must_be_made_once_and_keep_its_fingerprint_across_restarts()
    {
        var path = Path.Combine(_master.DataDir, "cluster.pfx");
        var before = await File.ReadAllBytesAsync(path);
        var fingerprint = await FingerprintAsync();

        await _master.RestartAsync();

        Assert.Equal(before, await File.ReadAllBytesAsync(path));
        Assert.Equal(fingerprint, await FingerprintAsync());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public async Task Cluster_fingerprint_must_be_the_colon_separated_sha256_of_the_certificate()
    {
        using var certificate = X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(_master.DataDir, "cluster.pfx"), password: null);
        var expected = string.Join(':', Convert.ToHexString(SHA256.HashData(certificate.RawData)).Chunk(2).Select(c => new string(c)));

        Assert.Equal(expected, await FingerprintAsync());
        Assert.Matches("^([0-9A-F]{2}:){31}[0-9A-F]{2}$", expected);
        Assert.True(certificate.HasPrivateKey);
        var names = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Contains("localhost", names.EnumerateDnsNames());
        Assert.Contains(System.Net.IPAddress.Loopback, names.EnumerateIPAddresses());
        Assert.Contains(System.Net.IPAddress.IPv6Loopback, names.EnumerateIPAddresses());
    }

    [Fact]
    public async Task Worker_create_must_return_the_cluster_fingerprint_and_endpoint()
    {
        using var client = _master.Client();

        using var response = await client.PostAsJsonAsync("api/v0.2/workers/", new { hostname = "w1" });
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(await FingerprintAsync(), created.GetProperty("certificate_fingerprint").GetString());
        // The test master asks for port 0; the endpoint handed to workers is the bound one.
        Assert.Matches(@"^127\.0\.0\.1:[1-9][0-9]*$", created.GetProperty("cluster_endpoint").GetString());
    }

    private async Task<string> FingerprintAsync()
    {
        using var client = _master.Client();
        var cluster = await client.GetFromJsonAsync<JsonElement>("api/v0.2/system/cluster/");
        return cluster.GetProperty("certificate_fingerprint").GetString()!;
    }
}
