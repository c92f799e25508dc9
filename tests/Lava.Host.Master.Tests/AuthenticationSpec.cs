using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Lava.Actors.Lab;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Lava.Host.Master.Tests;

public sealed class AuthenticationSpec : IAsyncLifetime
{
    private TestMaster _master = null!;

    public async Task InitializeAsync() => _master = await TestMaster.StartAsync();

    public async Task DisposeAsync() => await _master.DisposeAsync();

    [Fact]
    public async Task Version_endpoint_must_answer_without_a_token()
    {
        using var client = _master.Client(token: "");

        var version = await client.GetFromJsonAsync<JsonElement>("api/v0.2/system/version/");

        Assert.False(string.IsNullOrEmpty(version.GetProperty("version").GetString()));
    }

    [Theory]
    [InlineData("api/v0.2/workers/")]
    [InlineData("api/v0.2/devices/")]
    [InlineData("api/v0.2/devicetypes/")]
    [InlineData("api/v0.2/system/whoami/")]
    public async Task Api_must_serve_reads_without_a_token(string path)
    {
        using var client = _master.Client(token: "");

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("api/v0.2/workers/")]
    [InlineData("api/v0.2/devices/")]
    [InlineData("api/v0.2/devicetypes/")]
    [InlineData("api/v0.2/jobs/validate/")]
    public async Task Api_must_answer_401_with_a_json_error_to_writes_without_a_token(string path)
    {
        using var client = _master.Client(token: "");

        using var response = await client.PostAsJsonAsync(path, new { hostname = "w1", name = "qemu" });

        await AssertUnauthorizedAsync(response, "Authentication credentials were not provided.");
        Assert.Null(await _master.Services.GetRequiredService<IWorkerRegistry>().FindAsync("w1"));
        Assert.Null(await _master.Services.GetRequiredService<IDeviceRegistry>().FindDeviceTypeAsync("qemu"));
    }

    [Fact]
    public async Task Api_must_answer_401_to_a_read_with_a_wrong_token()
    {
        using var client = _master.Client(ApiTokens.Generate());

        await AssertUnauthorizedAsync(await client.GetAsync("api/v0.2/workers/"), "Invalid token.");
    }

    [Fact]
    public async Task Api_must_answer_401_with_a_json_error_for_a_wrong_token()
    {
        using var client = _master.Client(ApiTokens.Generate());

        using var response = await client.PostAsJsonAsync("api/v0.2/workers/", new { hostname = "w1" });

        await AssertUnauthorizedAsync(response, "Invalid token.");
        using var admin = _master.Client();
        Assert.Equal(0, (await admin.GetFromJsonAsync<JsonElement>("api/v0.2/workers/")).GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Api_must_accept_the_admin_token()
    {
        using var client = _master.Client();

        var whoami = await client.GetFromJsonAsync<JsonElement>("api/v0.2/system/whoami/");

        Assert.Equal("admin", whoami.GetProperty("user").GetString());
    }

    [Theory]
    [InlineData("api/v0.2/workers/")]
    [InlineData("api/v0.2/workers/w1/disable/")]
    [InlineData("api/v0.2/workers/w1/revoke/")]
    [InlineData("api/v0.2/workers/w1/token/")]
    [InlineData("api/v0.2/workers/w1/certificate/")]
    public async Task Admin_writes_must_answer_403_for_a_user_who_is_not_a_superuser(string path)
    {
        var token = ApiTokens.Generate();
        await _master.Services.GetRequiredService<ITokenStore>().AddTokenAsync("bob", isSuperuser: false, ApiTokens.Hash(token), "test");
        using var admin = _master.Client();
        (await admin.PostAsJsonAsync("api/v0.2/workers/", new { hostname = "w1" })).EnsureSuccessStatusCode();
        var registry = _master.Services.GetRequiredService<IWorkerRegistry>();
        var thumbprint = (await registry.FindAsync("w1"))!.CertificateThumbprint;
        using var bob = _master.Client(token);

        using var response = await bob.PostAsJsonAsync(path, new { hostname = "w2" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("permission", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        var w1 = await bob.GetFromJsonAsync<JsonElement>("api/v0.2/workers/w1/");
        Assert.True(w1.GetProperty("enabled").GetBoolean());
        Assert.False(w1.GetProperty("revoked").GetBoolean());
        Assert.Equal(thumbprint, (await registry.FindAsync("w1"))!.CertificateThumbprint);
        Assert.Null(await registry.FindAsync("w2"));
    }

    private static async Task AssertUnauthorizedAsync(HttpResponseMessage response, string detail)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(detail, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }
}
