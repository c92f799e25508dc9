using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Lava.Actors.Lab;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Lava.Host.Master.Tests;

public sealed class LabRestSpec : IAsyncLifetime
{
    private const string Dictionary = "{% extends 'qemu.jinja2' %}\n{% set memory = 256 %}\n";
    private TestMaster _master = null!;

    public async Task InitializeAsync()
    {
        _master = await TestMaster.StartAsync();
        using var admin = _master.Client();
        (await admin.PostAsJsonAsync("api/v0.2/workers/", new { hostname = "worker01" })).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync() => await _master.DisposeAsync();

    private IDeviceRegistry Devices => _master.Services.GetRequiredService<IDeviceRegistry>();

    [Fact]
    public async Task Devices_must_be_created_listed_filtered_paged_updated_and_deleted()
    {
        using var admin = _master.Client();
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("api/v0.2/devicetypes/", new { name = "qemu", health_denominator = "jobs" })).StatusCode);
        foreach (var name in new[] { "qemu01", "qemu02", "qemu03" })
        {
            var created = await admin.PostAsJsonAsync("api/v0.2/devices/", new { hostname = name, device_type = "qemu", worker_host = "worker01", health = "good" });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var page = await admin.GetFromJsonAsync<JsonElement>("api/v0.2/devices/?limit=2");
        Assert.Equal(3, page.GetProperty("count").GetInt32());
        Assert.Equal(2, page.GetProperty("results").GetArrayLength());
        Assert.EndsWith("api/v0.2/devices/?limit=2&offset=2", page.GetProperty("next").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, page.GetProperty("previous").ValueKind);

        var patched = await admin.PatchAsJsonAsync("api/v0.2/devices/qemu02/", new { health = "Maintenance", description = "spare" });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var maintenance = await admin.GetFromJsonAsync<JsonElement>("api/v0.2/devices/?health=Maintenance");
        var only = Assert.Single(maintenance.GetProperty("results").EnumerateArray());
        Assert.Equal(("qemu02", "spare", "worker01", "Idle"), (only.GetProperty("hostname").GetString(), only.GetProperty("description").GetString(), only.GetProperty("worker_host").GetString(), only.GetProperty("state").GetString()));
        Assert.Equal(2, (await admin.GetFromJsonAsync<JsonElement>("api/v0.2/devices/?health__in=Good,Bad")).GetProperty("count").GetInt32());
        Assert.Equal("qemu03", (await admin.GetFromJsonAsync<JsonElement>("api/v0.2/devices/qemu03/")).GetProperty("hostname").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("api/v0.2/devices/qemu03/")).StatusCode);
        Assert.Null(await Devices.FindDeviceAsync("qemu03"));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("api/v0.2/devices/qemu03/")).StatusCode);
    }

    [Theory]
    [InlineData("{\"hostname\": \"d1\", \"device_type\": \"qemu\", \"health\": \"SHINY\"}", "health")]
    [InlineData("{\"hostname\": \"d1\", \"device_type\": \"nope\"}", "device_type")]
    [InlineData("{\"hostname\": \"d1\", \"device_type\": \"qemu\", \"worker_host\": \"nope\"}", "worker")]
    [InlineData("{\"hostname\": \"../d1\", \"device_type\": \"qemu\"}", "hostname")]
    [InlineData("{\"device_type\": \"qemu\"}", "hostname")]
    [InlineData("{\"hostname\": 5, \"device_type\": \"qemu\"}", "hostname")]
    public async Task Bad_device_input_must_be_400_naming_the_field_with_nothing_written(string body, string field)
    {
        using var admin = _master.Client();
        (await admin.PostAsJsonAsync("api/v0.2/devicetypes/", new { name = "qemu" })).EnsureSuccessStatusCode();

        using var response = await admin.PostAsync("api/v0.2/devices/", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        Assert.Empty(await Devices.ListDevicesAsync());
    }

    [Fact]
    public async Task Ordinary_users_must_get_403_on_lab_writes_and_nothing_changes()
    {
        var token = ApiTokens.Generate();
        await _master.Services.GetRequiredService<ITokenStore>().AddTokenAsync("bob", isSuperuser: false, ApiTokens.Hash(token), "test");
        using var admin = _master.Client();
        (await admin.PostAsJsonAsync("api/v0.2/devicetypes/", new { name = "qemu" })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("api/v0.2/devices/", new { hostname = "qemu01", device_type = "qemu", worker_host = "worker01" })).EnsureSuccessStatusCode();
        using var bob = _master.Client(token);

        Assert.Equal(HttpStatusCode.Forbidden, (await bob.PostAsJsonAsync("api/v0.2/devicetypes/", new { name = "other" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.PostAsJsonAsync("api/v0.2/devices/", new { hostname = "qemu02", device_type = "qemu" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.PostAsJsonAsync("api/v0.2/devices/qemu01/set_health/", new { health = "GOOD" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.PostAsJsonAsync("api/v0.2/devices/qemu01/dictionary/", new { dictionary = Dictionary })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.DeleteAsync("api/v0.2/devices/qemu01/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bob.GetAsync("api/v0.2/devices/qemu01/")).StatusCode);

        var device = await Devices.FindDeviceAsync("qemu01");
        Assert.Equal((DeviceHealth.Maintenance, ""), (device!.Health, device.Dictionary));
        Assert.Null(await Devices.FindDeviceTypeAsync("other"));
        Assert.Single(await Devices.ListDevicesAsync());
    }

    [Fact]
    public async Task Dictionary_health_tags_and_device_type_routes_must_work_as_LAVA()
    {
        using var admin = _master.Client();
        (await admin.PostAsJsonAsync("api/v0.2/devicetypes/", new { name = "qemu" })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("api/v0.2/devices/", new { hostname = "qemu01", device_type = "qemu", worker_host = "worker01" })).EnsureSuccessStatusCode();

        var set = await admin.PostAsJsonAsync("api/v0.2/devices/qemu01/dictionary/", new { dictionary = Dictionary });
        Assert.Equal("Device dictionary updated", (await set.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());
        Assert.Equal(Dictionary, await admin.GetStringAsync("api/v0.2/devices/qemu01/dictionary/"));
        Assert.Contains("qemu-system-aarch64", await admin.GetStringAsync("api/v0.2/devices/qemu01/dictionary/?render=1&context=arch%3A%20arm64"), StringComparison.Ordinal);
        var health = await admin.PostAsJsonAsync("api/v0.2/devices/qemu01/set_health/", new { health = "GOOD", reason = "checked" });
        Assert.Equal(HttpStatusCode.Accepted, health.StatusCode);
        Assert.Equal(DeviceHealth.Good, (await Devices.FindDeviceAsync("qemu01"))!.Health);
        Assert.Equal("health", (await (await admin.PostAsJsonAsync("api/v0.2/devices/qemu01/set_health/", new { health = "SHINY" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());

        (await admin.PostAsJsonAsync("api/v0.2/devices/qemu01/tags/", new { name = "fast" })).EnsureSuccessStatusCode();
        Assert.Equal("fast", (await admin.GetFromJsonAsync<JsonElement>("api/v0.2/tags/")).GetProperty("results")[0].GetProperty("name").GetString());
        (await admin.PostAsJsonAsync("api/v0.2/aliases/", new { name = "kvm", device_type = "qemu" })).EnsureSuccessStatusCode();
        var type = await admin.GetFromJsonAsync<JsonElement>("api/v0.2/devicetypes/qemu/");
        Assert.Equal("kvm", type.GetProperty("aliases")[0].GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("api/v0.2/aliases/kvm/")).StatusCode);
        Assert.Empty(await Devices.ListDeviceTypeAliasesAsync("qemu"));

        (await admin.PatchAsJsonAsync("api/v0.2/devicetypes/qemu/", new { health_frequency = 7, disable_health_check = true })).EnsureSuccessStatusCode();
        Assert.Equal((7, true), ((await Devices.FindDeviceTypeAsync("qemu"))!.HealthFrequency, (await Devices.FindDeviceTypeAsync("qemu"))!.DisableHealthCheck));
        (await admin.PostAsJsonAsync("api/v0.2/devicetypes/qemu/health-check/", new { config = "job_name: hc\n" })).EnsureSuccessStatusCode();
        Assert.Equal("job_name: hc\n", await admin.GetStringAsync("api/v0.2/devicetypes/qemu/health-check/"));
        Assert.Contains("qemu-system", await admin.GetStringAsync("api/v0.2/devicetypes/qemu/template/"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsJsonAsync("api/v0.2/devicetypes/qemu/template/", new { template = "x" })).StatusCode);
    }

    [Fact]
    public async Task Validate_must_answer_200_with_LAVA_messages_and_400_naming_the_line_of_a_YAML_error()
    {
        using var admin = _master.Client();
        const string Valid = "device_type: qemu\njob_name: x\nvisibility: public\ntimeouts:\n  job:\n    minutes: 5\nactions: []\n";

        var ok = await admin.PostAsJsonAsync("api/v0.2/jobs/validate/", new { definition = Valid });
        var invalid = await admin.PostAsJsonAsync("api/v0.2/jobs/validate/", new { definition = Valid + "foo: 1\n", strict = true });
        var syntax = await admin.PostAsJsonAsync("api/v0.2/jobs/validate/", new { definition = "a: [\n" });

        Assert.Equal("Job valid.", (await ok.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.OK, invalid.StatusCode);
        Assert.Equal("Job invalid: extra keys not allowed", (await invalid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, syntax.StatusCode);
        Assert.Contains("line 2, column 1", (await syntax.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
