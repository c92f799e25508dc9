using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Lava.Actors.Lab;
using Lava.Actors.Security;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Lava.Host.Master.Tests;

public sealed class WorkersApiSpec : IAsyncLifetime
{
    private TestMaster _master = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _master = await TestMaster.StartAsync();
        _admin = _master.Client();
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _master.DisposeAsync();
    }

    [Fact]
    public async Task Workers_add_must_return_201_with_credentials_that_chain_to_the_lab_CA_and_whose_thumbprint_the_registry_holds()
    {
        using var response = await _admin.PostAsJsonAsync("api/v0.2/workers/", new { hostname = "w1", description = "bench 1" });
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("/api/v0.2/workers/w1/", response.Headers.Location?.OriginalString);
        var credentials = created.GetProperty("credentials");
        Assert.Equal(["name", "master", "certificate", "key", "ca"], credentials.EnumerateObject().Select(p => p.Name));
        Assert.Equal("w1", credentials.GetProperty("name").GetString());
        Assert.Equal(_master.Services.GetRequiredService<MasterClusterAddress>().HostPort, credentials.GetProperty("master").GetString());
        // The test master asks for port 0; workers are handed the bound one.
        Assert.Matches(@"^127\.0\.0\.1:[1-9][0-9]*$", credentials.GetProperty("master").GetString());
        var authority = _master.Services.GetRequiredService<CertificateAuthority>();
        Assert.Equal(authority.Certificate.RawData, Convert.FromBase64String(credentials.GetProperty("ca").GetString()!));
        using var certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(credentials.GetProperty("certificate").GetString()!));
        var verdict = new LabTrust(authority.Certificate).Check(certificate);
        Assert.True(verdict.Trusted, verdict.Reason);
        Assert.Equal((NodeKind.Worker, "w1"), (verdict.Kind, verdict.Name));
        using var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(Convert.FromBase64String(credentials.GetProperty("key").GetString()!), out _);
        Assert.Equal(certificate.GetECDsaPublicKey()!.ExportSubjectPublicKeyInfo(), key.ExportSubjectPublicKeyInfo());
        var thumbprint = Thumbprint(created);
        Assert.Equal(thumbprint, (await Registry.FindAsync("w1"))!.CertificateThumbprint);

        var list = await _admin.GetFromJsonAsync<JsonElement>("api/v0.2/workers/");
        Assert.Equal(["count", "next", "previous", "results"], list.EnumerateObject().Select(p => p.Name));
        Assert.Equal(1, list.GetProperty("count").GetInt32());
        Assert.Equal(JsonValueKind.Null, list.GetProperty("next").ValueKind);
        Assert.Equal(JsonValueKind.Null, list.GetProperty("previous").ValueKind);
        var listed = list.GetProperty("results")[0];
        var shown = await _admin.GetFromJsonAsync<JsonElement>("api/v0.2/workers/w1/");
        Assert.Equal(listed.GetRawText(), shown.GetRawText());
        Assert.Equal(
            ["hostname", "description", "state", "health", "last_ping", "job_limit", "enabled", "revoked"],
            shown.EnumerateObject().Select(p => p.Name));
        Assert.Equal("w1", shown.GetProperty("hostname").GetString());
        Assert.Equal("bench 1", shown.GetProperty("description").GetString());
        Assert.Equal("Offline", shown.GetProperty("state").GetString());
        Assert.Equal("Active", shown.GetProperty("health").GetString());
        Assert.Equal(JsonValueKind.Null, shown.GetProperty("last_ping").ValueKind);
        Assert.DoesNotContain("credentials", list.GetRawText(), StringComparison.Ordinal);
        Assert.True((await Admission.AdmitAsync("w1", thumbprint)).Admitted);
    }

    [Fact]
    public async Task Workers_add_must_refuse_a_duplicate_hostname_with_409_and_keep_the_first()
    {
        var first = await CreateAsync("w1", description: "first");

        using var response = await _admin.PostAsJsonAsync("api/v0.2/workers/", new { hostname = "w1", description = "second" });

        await AssertErrorAsync(response, HttpStatusCode.Conflict, "hostname", "w1");
        Assert.Equal("first", (await ShowAsync("w1")).GetProperty("description").GetString());
        Assert.True((await Admission.AdmitAsync("w1", first)).Admitted);
    }

    [Theory]
    [InlineData("""{"hostname": "bad name"}""", "hostname")]
    [InlineData("""{"hostname": "../etc"}""", "hostname")]
    [InlineData("""{"description": "no name"}""", "hostname")]
    [InlineData("""{"hostname": "w1", "health": "GOOD"}""", "health")]
    [InlineData("""{"hostname": "w1", "health": 3}""", "health")]
    [InlineData("""{"hostname": "w1", "disabled": "yes"}""", "disabled")]
    [InlineData("""{"hostname": "w1", "disabled": true, "health": "ACTIVE"}""", "disabled")]
    [InlineData("""{"hostname": """, "body")]
    public async Task Workers_add_must_answer_400_naming_the_field_and_write_nothing(string body, string field)
    {
        using var response = await _admin.PostAsync("api/v0.2/workers/", new StringContent(body, Encoding.UTF8, "application/json"));

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, field, field == "body" ? "JSON" : field);
        Assert.Equal(0, (await _admin.GetFromJsonAsync<JsonElement>("api/v0.2/workers/")).GetProperty("count").GetInt32());
    }

    [Theory]
    [InlineData("MAINTENANCE", false, "Maintenance")]
    [InlineData("retired", false, "Retired")]
    [InlineData(null, true, "Retired")]
    public async Task Workers_add_must_take_the_health_or_disabled(string? health, bool disabled, string expected)
    {
        using var response = await _admin.PostAsJsonAsync("api/v0.2/workers/", new { hostname = "w1", health, disabled });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(expected, (await ShowAsync("w1")).GetProperty("health").GetString());
    }

    [Fact]
    public async Task Workers_show_must_answer_404_naming_the_hostname()
    {
        using var response = await _admin.GetAsync("api/v0.2/workers/w9/");

        await AssertErrorAsync(response, HttpStatusCode.NotFound, field: null, "w9");
    }

    [Theory]
    [InlineData("enable")]
    [InlineData("disable")]
    [InlineData("maintenance")]
    [InlineData("retire")]
    [InlineData("revoke")]
    [InlineData("token")]
    [InlineData("certificate")]
    public async Task Worker_verbs_must_answer_404_naming_an_unknown_hostname(string verb)
    {
        using var response = await _admin.PostAsync($"api/v0.2/workers/w9/{verb}/", content: null);

        await AssertErrorAsync(response, HttpStatusCode.NotFound, field: null, "w9");
    }

    [Fact]
    public async Task Worker_verbs_must_move_health_enabled_and_revocation_as_documented()
    {
        var thumbprint = await CreateAsync("w1");

        var maintenance = await PostVerbAsync("w1", "maintenance");
        Assert.Equal(("Maintenance", true, false), Summary(maintenance));
        Assert.True((await Admission.AdmitAsync("w1", thumbprint)).Admitted);

        var disabled = await PostVerbAsync("w1", "disable");
        Assert.Equal(("Maintenance", false, false), Summary(disabled));
        Assert.Equal(AdmissionRefusal.Disabled, (await Admission.AdmitAsync("w1", thumbprint)).Refusal);

        var enabled = await PostVerbAsync("w1", "enable");
        Assert.Equal(("Active", true, false), Summary(enabled));
        Assert.True((await Admission.AdmitAsync("w1", thumbprint)).Admitted);

        var retired = await PostVerbAsync("w1", "retire");
        Assert.Equal(("Retired", true, false), Summary(retired));
        Assert.Equal(AdmissionRefusal.Retired, (await Admission.AdmitAsync("w1", thumbprint)).Refusal);

        Assert.Equal(("Active", true, false), Summary(await PostVerbAsync("w1", "enable")));
        var revoked = await PostVerbAsync("w1", "revoke");
        Assert.Equal(("Active", true, true), Summary(revoked));
        Assert.Equal(AdmissionRefusal.Revoked, (await Admission.AdmitAsync("w1", thumbprint)).Refusal);

        var renewed = await PostVerbAsync("w1", "certificate");
        var renewedThumbprint = Thumbprint(renewed);
        Assert.Equal(("Active", true, false), Summary(renewed));
        Assert.NotEqual(thumbprint, renewedThumbprint);
        Assert.Equal(AdmissionRefusal.NotCurrentCertificate, (await Admission.AdmitAsync("w1", thumbprint)).Refusal);
        Assert.True((await Admission.AdmitAsync("w1", renewedThumbprint)).Admitted);
    }

    [Fact]
    public async Task Token_route_must_reissue_like_the_certificate_route_and_withdraw_the_old_certificate()
    {
        var first = await CreateAsync("w1");
        var withdrawn = new List<WorkerAccessWithdrawn>();
        using var subscription = Admission.Withdrawals.Subscribe(new Recorder(withdrawn));

        var renewed = Thumbprint(await PostVerbAsync("w1", "token"));

        Assert.NotEqual(first, renewed);
        Assert.Equal(renewed, (await Registry.FindAsync("w1"))!.CertificateThumbprint);
        Assert.Equal(AdmissionRefusal.NotCurrentCertificate, (await Admission.AdmitAsync("w1", first)).Refusal);
        Assert.Equal([("w1", AdmissionRefusal.NotCurrentCertificate)], withdrawn.Select(w => (w.Hostname, w.Reason)));
    }

    [Fact]
    public async Task Revoke_and_disable_through_the_api_must_publish_a_withdrawal_before_answering()
    {
        await CreateAsync("w1");
        await CreateAsync("w2");
        var withdrawn = new List<WorkerAccessWithdrawn>();
        using var subscription = Admission.Withdrawals.Subscribe(new Recorder(withdrawn));

        await PostVerbAsync("w1", "revoke");
        await PostVerbAsync("w2", "disable");
        await PostVerbAsync("w2", "maintenance");

        Assert.Equal(
            [("w1", AdmissionRefusal.Revoked), ("w2", AdmissionRefusal.Disabled)],
            withdrawn.Select(w => (w.Hostname, w.Reason)));
    }

    [Fact]
    public async Task Patch_must_change_description_and_health_or_answer_400_changing_nothing()
    {
        await CreateAsync("w1", description: "old");

        using var bad = await _admin.PatchAsJsonAsync("api/v0.2/workers/w1/", new { description = "new", health = "BROKEN" });
        await AssertErrorAsync(bad, HttpStatusCode.BadRequest, "health", "BROKEN");
        Assert.Equal("old", (await ShowAsync("w1")).GetProperty("description").GetString());

        using var good = await _admin.PatchAsJsonAsync("api/v0.2/workers/w1/", new { description = "new", health = "MAINTENANCE" });
        var patched = await good.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("new", "Maintenance"), (patched.GetProperty("description").GetString(), patched.GetProperty("health").GetString()));
    }

    [Fact]
    public async Task Workers_list_must_page_with_limit_and_offset_in_hostname_order()
    {
        foreach (var name in new[] { "w3", "w1", "w2" })
        {
            await CreateAsync(name);
        }

        var first = await _admin.GetFromJsonAsync<JsonElement>("api/v0.2/workers/?limit=2");
        var second = await _admin.GetFromJsonAsync<JsonElement>(first.GetProperty("next").GetString());

        Assert.Equal(["w1", "w2"], Hostnames(first));
        Assert.Equal(["w3"], Hostnames(second));
        Assert.Equal(3, second.GetProperty("count").GetInt32());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next").ValueKind);
        Assert.EndsWith("/api/v0.2/workers/?limit=2&offset=0", second.GetProperty("previous").GetString(), StringComparison.Ordinal);
    }

    private WorkerAdmission Admission => _master.Services.GetRequiredService<WorkerAdmission>();

    private IWorkerRegistry Registry => _master.Services.GetRequiredService<IWorkerRegistry>();

    /// <summary>Adds the worker and returns the thumbprint of the certificate it was issued.</summary>
    private async Task<string> CreateAsync(string hostname, string description = "")
    {
        using var response = await _admin.PostAsJsonAsync("api/v0.2/workers/", new { hostname, description });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return Thumbprint(await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    /// <summary>The upper-case hex SHA-256 of the certificate in an answer's credentials, as admission compares it.</summary>
    private static string Thumbprint(JsonElement issued) =>
        Convert.ToHexString(SHA256.HashData(Convert.FromBase64String(issued.GetProperty("credentials").GetProperty("certificate").GetString()!)));

    private async Task<JsonElement> ShowAsync(string hostname) => await _admin.GetFromJsonAsync<JsonElement>($"api/v0.2/workers/{hostname}/");

    private async Task<JsonElement> PostVerbAsync(string hostname, string verb)
    {
        using var response = await _admin.PostAsync($"api/v0.2/workers/{hostname}/{verb}/", content: null);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{verb} {hostname}: HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static (string?, bool, bool) Summary(JsonElement worker) =>
        (worker.GetProperty("health").GetString(), worker.GetProperty("enabled").GetBoolean(), worker.GetProperty("revoked").GetBoolean());

    private static IEnumerable<string?> Hostnames(JsonElement page) =>
        page.GetProperty("results").EnumerateArray().Select(w => w.GetProperty("hostname").GetString());

    private static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string? field, string detailPart)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {body}");
        var error = JsonDocument.Parse(body).RootElement;
        Assert.Contains(detailPart, error.GetProperty("detail").GetString(), StringComparison.Ordinal);
        if (field is null)
        {
            Assert.False(error.TryGetProperty("field", out _), body);
        }
        else
        {
            Assert.Equal(field, error.GetProperty("field").GetString());
        }
    }

    private sealed class Recorder(List<WorkerAccessWithdrawn> into) : IObserver<WorkerAccessWithdrawn>
    {
        public void OnCompleted()
        {
        }

        public void OnError(Exception error) => throw error;

        public void OnNext(WorkerAccessWithdrawn value) => into.Add(value);
    }
}
