using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Lava.Actors.Lab;
using Lava.Host.Master.Gateway.XmlRpc;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Lava.Host.Master.Tests;

public sealed class XmlRpcSpec : IAsyncLifetime
{
    private const string Dictionary = "{% extends 'qemu.jinja2' %}\n{% set memory = 256 %}\n{% set no_kvm = True %}\n";
    private TestMaster _master = null!;
    private string _bobToken = null!;

    public async Task InitializeAsync()
    {
        _master = await TestMaster.StartAsync();
        _bobToken = ApiTokens.Generate();
        await _master.Services.GetRequiredService<ITokenStore>().AddTokenAsync("bob", isSuperuser: false, ApiTokens.Hash(_bobToken), "test");
    }

    public async Task DisposeAsync() => await _master.DisposeAsync();

    private XmlRpcClient Admin() => new(_master.BaseAddress, "admin", _master.AdminToken);

    private IDeviceRegistry Devices => _master.Services.GetRequiredService<IDeviceRegistry>();

    [Fact]
    public async Task Anonymous_callers_must_read_but_not_write()
    {
        using var anonymous = new XmlRpcClient(_master.BaseAddress);

        Assert.False(string.IsNullOrEmpty((await anonymous.CallAsync("system.version")).Value<string>()));
        Assert.Null((await anonymous.CallAsync("system.whoami")).Result);
        Assert.Empty((await anonymous.CallAsync("scheduler.devices.list")).Value<List<object?>>());
        var write = await anonymous.CallAsync("scheduler.device_types.add", "qemu", null, true, false, 24, "hours");

        Assert.Equal(401, write.FaultCode);
        Assert.Equal("Authentication with user and token required for this API.", write.FaultString);
        Assert.Null(await Devices.FindDeviceTypeAsync("qemu"));
    }

    [Theory]
    [InlineData("Basic", "Invalid HTTP_AUTHORIZATION header")]
    [InlineData("Token abc", "Unsupported HTTP_AUTHORIZATION header, only Basic scheme is supported")]
    [InlineData("Basic %%%notbase64", "Corrupted HTTP_AUTHORIZATION header, bad base64 encoding")]
    [InlineData("Basic bm9jb2xvbg==", "Corrupted HTTP_AUTHORIZATION header, no user:pass")]
    public async Task Malformed_authorization_headers_must_be_answered_400_as_LAVA(string header, string text)
    {
        using var http = new HttpClient { BaseAddress = _master.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "RPC2") { Content = new StringContent(XmlRpcClient.Call("system.version")) };
        request.Headers.TryAddWithoutValidation("Authorization", header);

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(text, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("admin", "wrong")]
    [InlineData("bob", "ADMIN")]
    [InlineData("admin", "")]
    public async Task Unknown_tokens_and_tokens_of_another_user_must_be_answered_401(string username, string token)
    {
        using var client = new XmlRpcClient(_master.BaseAddress, username, token == "ADMIN" ? _master.AdminToken : token);

        using var response = await client.PostAsync(XmlRpcClient.Call("scheduler.device_types.add", "qemu"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Invalid token", await response.Content.ReadAsStringAsync());
        Assert.Equal("Basic realm=\"XML-RPC Authentication token\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Null(await Devices.FindDeviceTypeAsync("qemu"));
    }

    [Fact]
    public async Task Ordinary_users_must_be_refused_admin_writes_with_403_and_nothing_changed()
    {
        using var bob = new XmlRpcClient(_master.BaseAddress, "bob", _bobToken);

        Assert.Equal("bob", (await bob.CallAsync("system.whoami")).Value<string>());
        var add = await bob.CallAsync("scheduler.device_types.add", "qemu", null, true, false, 24, "hours");
        var worker = await bob.CallAsync("scheduler.workers.add", "w1", null, false);

        Assert.Equal(403, add.FaultCode);
        Assert.Equal(403, worker.FaultCode);
        Assert.Null(await Devices.FindDeviceTypeAsync("qemu"));
        Assert.Null(await _master.Services.GetRequiredService<IWorkerRegistry>().FindAsync("w1"));
    }

    [Fact]
    public async Task Unknown_methods_bad_params_and_unknown_objects_must_fault()
    {
        using var admin = Admin();

        Assert.Equal(XmlRpcFault.NoSuchMethod, (await admin.CallAsync("scheduler.nothing")).FaultCode);
        Assert.Equal(XmlRpcFault.InvalidParams, (await admin.CallAsync("scheduler.devices.show")).FaultCode);
        Assert.Equal(XmlRpcFault.InvalidParams, (await admin.CallAsync("scheduler.devices.show", 1)).FaultCode);
        Assert.Equal(XmlRpcFault.InvalidParams, (await admin.CallAsync("scheduler.devices.show", "a", "b")).FaultCode);
        Assert.Equal(404, (await admin.CallAsync("scheduler.devices.show", "nothing")).FaultCode);
        Assert.Equal(404, (await admin.CallAsync("scheduler.workers.show", "nothing")).FaultCode);
        Assert.Equal(404, (await admin.CallAsync("scheduler.device_types.show", "nothing")).FaultCode);
        var malformed = await admin.PostAsync("<methodCall><methodName>x");
        Assert.Equal(HttpStatusCode.OK, malformed.StatusCode);
        Assert.Equal(XmlRpcFault.ParseError, XmlRpcClient.Parse(await malformed.Content.ReadAsStringAsync()).FaultCode);
    }

    [Fact]
    public async Task Huge_requests_must_be_refused_before_they_are_read()
    {
        using var admin = Admin();

        using var response = await admin.PostAsync(XmlRpcClient.Call("scheduler.jobs.validate", new string('a', XmlRpcEndpoint.MaxRequestBytes + 1)));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Introspection_and_multicall_must_follow_the_method_table()
    {
        using var admin = Admin();
        using var http = new HttpClient { BaseAddress = _master.BaseAddress };

        var names = (await admin.CallAsync("system.listMethods")).Value<List<object?>>();
        var help = (await admin.CallAsync("system.methodHelp", "scheduler.devices.add")).Value<string>();
        var multi = (await admin.CallAsync("system.multicall", new List<object?>
        {
            new Dictionary<string, object?> { ["methodName"] = "system.api_version", ["params"] = new List<object?>() },
            new Dictionary<string, object?> { ["methodName"] = "no.such", ["params"] = new List<object?>() },
        })).Value<List<object?>>();

        Assert.Contains("scheduler.devices.set_dictionary", names);
        Assert.Contains("scheduler.jobs.validate", names);
        Assert.Contains("superuser only", help, StringComparison.Ordinal);
        Assert.Equal(2, ((List<object?>)multi[0]!)[0]);
        Assert.Equal(XmlRpcFault.NoSuchMethod, ((Dictionary<string, object?>)multi[1]!)["faultCode"]);
        Assert.Contains("scheduler.devices.list", await http.GetStringAsync("RPC2/"), StringComparison.Ordinal);
        Assert.NotNull((await admin.CallAsync("system.getCapabilities")).Value<Dictionary<string, object?>>());
        Assert.Equal("signatures not supported", (await admin.CallAsync("system.methodSignature", "system.version")).Value<string>());
    }

    [Fact]
    public async Task Lab_methods_must_add_show_and_change_device_types_workers_and_devices()
    {
        using var admin = Admin();

        Assert.Null((await admin.CallAsync("scheduler.device_types.add", "qemu", null, true, false, 12, "jobs")).Value<object?>());
        Assert.Equal(400, (await admin.CallAsync("scheduler.device_types.add", "qemu", null, true, false, 12, "jobs")).FaultCode);
        Assert.Equal(400, (await admin.CallAsync("scheduler.device_types.add", "other", null, true, false, 12, "weeks")).FaultCode);
        Assert.Null(await Devices.FindDeviceTypeAsync("other"));
        Assert.Null((await admin.CallAsync("scheduler.workers.add", "worker01", "local worker", false)).Value<object?>());
        Assert.Null((await admin.CallAsync("scheduler.devices.add", "qemu01", "qemu", "worker01", null, null, true, null, "first")).Value<object?>());
        Assert.Equal(400, (await admin.CallAsync("scheduler.devices.add", "qemu02", "nope", "worker01")).FaultCode);
        Assert.True((await admin.CallAsync("scheduler.devices.set_dictionary", "qemu01", Dictionary)).Value<bool>());
        Assert.Null((await admin.CallAsync("scheduler.devices.update", "qemu01", null, null, null, true, "GOOD", null)).Value<object?>());
        Assert.Equal(400, (await admin.CallAsync("scheduler.devices.update", "qemu01", null, null, null, true, "SHINY", null)).FaultCode);
        Assert.Null((await admin.CallAsync("scheduler.devices.tags.add", "qemu01", "fast")).Value<object?>());
        Assert.Null((await admin.CallAsync("scheduler.device_types.aliases.add", "qemu", "kvm")).Value<object?>());
        Assert.Null((await admin.CallAsync("scheduler.device_types.set_health_check", "qemu", "job_name: hc\n")).Value<object?>());
        Assert.Null((await admin.CallAsync("scheduler.workers.update", "worker01", "changed", "MAINTENANCE")).Value<object?>());

        var device = (await admin.CallAsync("scheduler.devices.show", "qemu01")).Value<Dictionary<string, object?>>();
        Assert.Equal(("qemu", "Good", "Idle", "worker01", "first", true, true), (device["device_type"], device["health"], device["state"], device["worker"], device["description"], device["has_device_dict"], device["health_job"]));
        Assert.Equal(new List<object?> { "fast" }, device["tags"]);
        var list = Assert.Single((await admin.CallAsync("scheduler.devices.list", false)).Value<List<object?>>());
        Assert.Equal("qemu", ((Dictionary<string, object?>)list!)["type"]);
        var types = (await admin.CallAsync("scheduler.device_types.list", false)).Value<List<object?>>();
        Assert.Equal(new Dictionary<string, object?> { ["name"] = "qemu", ["devices"] = 1, ["installed"] = true, ["template"] = true }, types.Single());
        var type = (await admin.CallAsync("scheduler.device_types.show", "qemu")).Value<Dictionary<string, object?>>();
        Assert.Equal(("jobs", 12), (type["health_denominator"], type["health_frequency"]));
        Assert.Equal(new List<object?> { "kvm" }, type["aliases"]);
        Assert.Equal("job_name: hc\n", (await admin.CallAsync("scheduler.device_types.get_health_check", "qemu")).Value<string>());
        Assert.Contains("qemu-system", (await admin.CallAsync("scheduler.device_types.get_template", "qemu")).Value<string>(), StringComparison.Ordinal);
        Assert.Equal(400, (await admin.CallAsync("scheduler.device_types.set_template", "qemu", "x")).FaultCode);
        var worker = (await admin.CallAsync("scheduler.workers.show", "worker01")).Value<Dictionary<string, object?>>();
        Assert.Equal(("changed", "Maintenance"), (worker["description"], worker["health"]));
        Assert.Equal(new List<object?> { "qemu01" }, worker["devices"]);
        Assert.Equal(new List<object?> { "worker01" }, (await admin.CallAsync("scheduler.workers.list")).Value<List<object?>>());
        Assert.Equal("fast", ((Dictionary<string, object?>)(await admin.CallAsync("scheduler.tags.list")).Value<List<object?>>().Single()!)["name"]);
        Assert.Equal(Dictionary, Encoding.UTF8.GetString((await admin.CallAsync("scheduler.devices.get_dictionary", "qemu01")).Value<byte[]>()));
        var rendered = Encoding.UTF8.GetString((await admin.CallAsync("scheduler.devices.get_dictionary", "qemu01", true, "arch: arm64")).Value<byte[]>());
        Assert.Contains("qemu-system-aarch64", rendered, StringComparison.Ordinal);
        Assert.Null((await admin.CallAsync("scheduler.devices.tags.delete", "qemu01", "fast")).Value<object?>());
        Assert.Empty((await admin.CallAsync("scheduler.devices.tags.list", "qemu01")).Value<List<object?>>());
    }

    [Fact]
    public async Task Dictionaries_that_do_not_render_must_be_refused_and_not_stored()
    {
        using var admin = Admin();
        await admin.CallAsync("scheduler.device_types.add", "qemu", null, true, false, 24, "hours");
        await admin.CallAsync("scheduler.workers.add", "worker01");
        Assert.Null((await admin.CallAsync("scheduler.devices.add", "qemu01", "qemu", "worker01")).Value<object?>());

        var answer = await admin.CallAsync("scheduler.devices.set_dictionary", "qemu01", "{% extends 'missing.jinja2' %}");

        Assert.Equal(400, answer.FaultCode);
        Assert.Equal("", (await Devices.FindDeviceAsync("qemu01"))!.Dictionary);
    }

    [Fact]
    public async Task Validate_must_answer_as_LAVA_and_name_the_line_of_a_YAML_error()
    {
        using var anonymous = new XmlRpcClient(_master.BaseAddress);
        const string Valid = "device_type: qemu\njob_name: x\nvisibility: public\ntimeouts:\n  job:\n    minutes: 5\nactions: []\n";

        var ok = (await anonymous.CallAsync("scheduler.jobs.validate", Valid, false)).Value<Dictionary<string, object?>>();
        var missing = (await anonymous.CallAsync("scheduler.jobs.validate", Valid.Replace("visibility: public\n", "", StringComparison.Ordinal), false)).Value<Dictionary<string, object?>>();
        var strict = (await anonymous.CallAsync("scheduler.jobs.validate", Valid + "foo: 1\n", true)).Value<Dictionary<string, object?>>();
        var syntax = (await anonymous.CallAsync("scheduler.jobs.validate", "a: [\n", false)).Value<Dictionary<string, object?>>();

        Assert.Empty(ok);
        Assert.Equal("['visibility']", missing["path"]);
        Assert.Equal("required key not provided", missing["msg"]);
        Assert.Equal("extra keys not allowed", strict["msg"]);
        Assert.Equal("definition", syntax["path"]);
        Assert.Contains("line 2, column 1", (string)syntax["msg"]!, StringComparison.Ordinal);
    }
}
