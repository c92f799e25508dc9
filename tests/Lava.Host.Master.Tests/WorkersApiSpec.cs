using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Lava.Actors.Lab;
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
    public async Task Workers_add_must_return_201_with_the_token_once_and_list_and_show_the_worker_in_LAVA_shape()
    {
        using var response = await _admin.PostAsJsonAsync("api/v0.2/workers/", new { hostname = "w1", description = "bench 1" });
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("/api/v0.2/workers/w1/", response.Headers.Location?.OriginalString);
        var token = created.GetProperty("token").GetString()!;
        Assert.Matches("^[0-9a-f]{40}$", token);

        var list = await _admin.GetFromJsonAsync<JsonElement>("api/v0.2/workers/");
        Assert.Equal(["count", "next", "previous", "results"], list.EnumerateObject().Select(p => p.Name));
        Assert.Equal(1, list.GetProperty("count").GetInt32());
        Assert.Equal(JsonValueKind.Null, list.GetProperty("next").ValueKind);
        Assert.Equal(JsonValueKind.Null, list.GetProperty("previous").ValueKind);
        var listed = list.GetProperty("results")[0];
        var shown = await _admin.GetFromJsonAsync<JsonElement>("api/v0.2/workers/w1/");
        Assert.Equal(listed.GetRawText(), shown.GetRawText());
        Assert.Equal(
            ["hostname", "description", "state", "health", "last_ping", "job_limit", "enabled", "token_revoked"],
            shown.EnumerateObject().Select(p => p.Name));
        Assert.Equal("w1", shown.GetProperty("hostname").GetString());
        Assert.Equal("bench 1", shown.GetProperty("description").GetString());
        Assert.Equal("Offline", shown.GetProperty("state").GetString());
        Assert.Equal("Active", shown.GetProperty("health").GetString());
        Assert.Equal(JsonValueKind.Null, shown.GetProperty("last_ping").ValueKind);
        Assert.DoesNotContain(token, shown.GetRawText(), StringComparison.Ordinal);
        Assert.True((await Admission.AdmitAsync("w1", token)).Admitted);
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
    public async Task Worker_verbs_must_answer_404_naming_an_unknown_hostname(string verb)
    {
        using var response = await _admin.PostAsync($"api/v0.2/workers/w9/{verb}/", content: null);

        await AssertErrorAsync(response, HttpStatusCode.NotFound, field: null, "w9");
    }

    [Fact]
    public async Task Worker_verbs_must_move_health_enabled_and_revocation_as_documented()
    {
        var token = await CreateAsync("w1");

        var maintenance = await PostVerbAsync("w1", "maintenance");
        Assert.Equal(("Maintenance", true, false), Summary(maintenance));
        Assert.True((await Admission.AdmitAsync("w1", token)).Admitted);

        var disabled = await PostVerbAsync("w1", "disable");
        Assert.Equal(("Maintenance", false, false), Summary(disabled));
        Assert.Equal(AdmissionRefusal.Disabled, (await Admission.AdmitAsync("w1", token)).Refusal);

        var enabled = await PostVerbAsync("w1", "enable");
        Assert.Equal(("Active", true, false), Summary(enabled));
        Assert.True((await Admission.AdmitAsync("w1", token)).Admitted);

        var retired = await PostVerbAsync("w1", "retire");
        Assert.Equal(("Retired", true, false), Summary(retired));
        Assert.Equal(AdmissionRefusal.Retired, (await Admission.AdmitAsync("w1", token)).Refusal);

        Assert.Equal(("Active", true, false), Summary(await PostVerbAsync("w1", "enable")));
        var revoked = await PostVerbAsync("w1", "revoke");
        Assert.Equal(("Active", true, true), Summary(revoked));
        Assert.Equal(AdmissionRefusal.Revoked, (await Admission.AdmitAsync("w1", token)).Refusal);

        var renewed = await PostVerbAsync("w1", "token");
        var newToken = renewed.GetProperty("token").GetString()!;
        Assert.Equal(("Active", true, false), Summary(renewed));
        Assert.False(string.IsNullOrEmpty(renewed.GetProperty("certificate_fingerprint").GetString()));
        Assert.Equal(AdmissionRefusal.WrongToken, (await Admission.AdmitAsync("w1", token)).Refusal);
        Assert.True((await Admission.AdmitAsync("w1", newToken)).Admitted);
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

    private async Task<string> CreateAsync(string hostname, string description = "")
    {
        using var response = await _admin.PostAsJsonAsync("api/v0.2/workers/", new { hostname, description });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    private async Task<JsonElement> ShowAsync(string hostname) => await _admin.GetFromJsonAsync<JsonElement>($"api/v0.2/workers/{hostname}/");

    private async Task<JsonElement> PostVerbAsync(string hostname, string verb)
    {
        using var response = await _admin.PostAsync($"api/v0.2/workers/{hostname}/{verb}/", content: null);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{verb} {hostname}: HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static (string?, bool, bool) Summary(JsonElement worker) =>
        (worker.GetProperty("health").GetString(), worker.GetProperty("enabled").GetBoolean(), worker.GetProperty("token_revoked").GetBoolean());

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
