using System.CommandLine;
using System.Text.Json;
using static Lava.Cli.Commands.WorkersCommand;

namespace Lava.Cli.Commands;

/// <summary><c>lava-cli device-types …</c>: add, update, show and list the lab's device types through the master's REST API (--url and --token as for workers).</summary>
internal static class DeviceTypesCommand
{
    public static Command Create()
    {
        var command = new Command("device-types", "Manage the device types of the lab.");
        command.Options.Add(Url);
        command.Options.Add(Token);
        command.Subcommands.Add(Write("add", "Add a device type (its template must be shipped in device-types/NAME.jinja2 to render devices)."));
        command.Subcommands.Add(Write("update", "Change a device type's health-check frequency or whether health checks run."));

        var name = NameArgument();
        var show = new Command("show", "Show a device type.");
        show.Arguments.Add(name);
        show.SetAction((parse, ct) => RunAsync(parse, async (client, output) =>
        {
            var type = await client.GetAsync($"devicetypes/{Uri.EscapeDataString(parse.GetValue(name)!)}/", ct);
            output.WriteLine($"name             : {Text(type, "name")}");
            output.WriteLine($"health frequency : {type.GetProperty("health_frequency").GetInt32()} {Text(type, "health_denominator")}");
            output.WriteLine($"health disabled  : {type.GetProperty("disable_health_check").GetBoolean()}");
            output.WriteLine($"aliases          : {string.Join(", ", type.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()))}");
        }, ct));
        command.Subcommands.Add(show);

        var list = new Command("list", "List the device types.");
        list.SetAction((parse, ct) => RunAsync(parse, async (client, output) =>
        {
            output.WriteLine("Device-Types:");
            foreach (var type in await AllAsync(client, "devicetypes/", ct))
            {
                output.WriteLine($"* {Text(type, "name")}");
            }
        }, ct));
        command.Subcommands.Add(list);
        return command;
    }

    /// <summary>Every result of a paged list, following <c>next</c>.</summary>
    internal static async Task<List<JsonElement>> AllAsync(Api.MasterClient client, string path, CancellationToken ct)
    {
        var all = new List<JsonElement>();
        string? next = path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "limit=100";
        while (next is not null)
        {
            var page = await client.GetAsync(next, ct);
            all.AddRange(page.GetProperty("results").EnumerateArray());
            next = page.GetProperty("next").GetString();
        }

        return all;
    }

    private static Command Write(string verb, string description)
    {
        var name = NameArgument();
        var frequency = new Option<int?>("--health-frequency") { Description = "Hours or jobs between health checks (LAVA's default 24)." };
        var denominator = new Option<string?>("--health-denominator") { Description = "hours or jobs." };
        denominator.AcceptOnlyFromAmong("hours", "jobs");
        var disabled = new Option<bool?>("--health-disabled") { Description = "true: schedule its devices without health checks." };
        var command = new Command(verb, description);
        command.Arguments.Add(name);
        command.Options.Add(frequency);
        command.Options.Add(denominator);
        command.Options.Add(disabled);
        command.SetAction((parse, ct) => RunAsync(parse, async (client, output) =>
        {
            var type = parse.GetValue(name)!;
            var body = new Dictionary<string, object?> { ["name"] = type };
            if (parse.GetValue(frequency) is { } f) body["health_frequency"] = f;
            if (parse.GetValue(denominator) is { } d) body["health_denominator"] = d;
            if (parse.GetValue(disabled) is { } h) body["disable_health_check"] = h;
            var result = verb == "add"
                ? await client.PostAsync("devicetypes/", body, ct)
                : await client.PatchAsync($"devicetypes/{Uri.EscapeDataString(type)}/", body, ct);
            output.WriteLine($"Device type {Text(result, "name")} {(verb == "add" ? "added" : "updated")}.");
        }, ct));
        return command;
    }

    private static Argument<string> NameArgument() => new("NAME") { Description = "The device type's name." };
}
