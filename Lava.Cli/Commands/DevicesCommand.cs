using System.CommandLine;
using System.Text.Json;
using static Lava.Cli.Commands.WorkersCommand;

namespace Lava.Cli.Commands;

/// <summary>
/// <c>lava-cli devices …</c>: add, update, show and list devices, set their health, tags and device dictionaries,
/// through the master's REST API (--url and --token as for workers).
/// </summary>
internal static class DevicesCommand
{
    private static readonly string[] Healths = ["GOOD", "UNKNOWN", "LOOPING", "BAD", "MAINTENANCE", "RETIRED"];

    public static Command Create()
    {
        var command = new Command("devices", "Manage the devices of the lab.");
        command.Options.Add(Url);
        command.Options.Add(Token);
        command.Subcommands.Add(CreateWrite("add"));
        command.Subcommands.Add(CreateWrite("update"));
        command.Subcommands.Add(CreateShow());
        command.Subcommands.Add(CreateList());
        command.Subcommands.Add(CreateHealth());
        command.Subcommands.Add(CreateTags());
        command.Subcommands.Add(CreateDict());
        return command;
    }

    private static Command CreateWrite(string verb)
    {
        var host = HostArgument();
        var type = new Option<string?>("--type") { Description = "The device type (required by add)." };
        var worker = new Option<string?>("--worker") { Description = "The worker the device is attached to." };
        var description = new Option<string?>("--description") { Description = "Free text shown to admins." };
        var health = HealthOption("--health");
        var command = new Command(verb, verb == "add" ? "Add a device (Maintenance unless --health is given)." : "Change a device's type, worker, description or health.");
        command.Arguments.Add(host);
        command.Options.Add(type);
        command.Options.Add(worker);
        command.Options.Add(description);
        command.Options.Add(health);
        command.SetAction((parse, ct) => RunAsync(parse, async (client, output) =>
        {
            var name = parse.GetValue(host)!;
            var body = new Dictionary<string, object?>();
            if (parse.GetValue(type) is { } t) body["device_type"] = t;
            if (parse.GetValue(worker) is { } w) body["worker_host"] = w;
            if (parse.GetValue(description) is { } d) body["description"] = d;
            if (parse.GetValue(health) is { } h) body["health"] = h;
            JsonElement device;
            if (verb == "add")
            {
                if (!body.ContainsKey("device_type")) throw new CommandFailedException("--type: the device type is required", LavaCli.ExitInvalidInput);
                body["hostname"] = name;
                device = await client.PostAsync("devices/", body, ct);
            }
            else
            {
                device = await client.PatchAsync(DevicePath(name), body, ct);
            }

            output.WriteLine($"Device {Text(device, "hostname")} {(verb == "add" ? "added" : "updated")} ({Summary(device)}).");
        }, ct));
        return command;
    }

    private static Command CreateShow()
    {
        var host = HostArgument();
        var show = new Command("show", "Show a device.");
        show.Arguments.Add(host);
        show.SetAction((parse, ct) => RunAsync(parse, async (client, output) =>
        {
            var device = await client.GetAsync(DevicePath(parse.GetValue(host)!), ct);
            output.WriteLine($"hostname    : {Text(device, "hostname")}");
            output.WriteLine($"device-type : {Text(device, "device_type")}");
            output.WriteLine($"state       : {Text(device, "state")}");
            output.WriteLine($"health      : {Text(device, "health")}");
            output.WriteLine($"worker      : {(device.GetProperty("worker_host").GetString() ?? "none")}");
            output.WriteLine($"description : {Text(device, "description")}");
            output.WriteLine($"tags        : {string.Join(", ", device.GetProperty("tags").EnumerateArray().Select(t => t.GetString()))}");
        }, ct));
        return show;
    }

    private static Command CreateList()
    {
        var all = new Option<bool>("--all") { Description = "Include retired devices." };
        var list = new Command("list", "List the devices (retired ones with --all).");
        list.Options.Add(all);
        list.SetAction((parse, ct) => RunAsync(parse, async (client, output) =>
        {
            output.WriteLine("Devices:");
            foreach (var device in await DeviceTypesCommand.AllAsync(client, "devices/", ct))
            {
                if (parse.GetValue(all) || Text(device, "health") != "Retired")
                {
                    output.WriteLine($"* {Text(device, "hostname")} ({Text(device, "device_type")}): {Summary(device)}");
                }
            }
        }, ct));
        return list;
    }

    private static Command CreateHealth()
    {
        var host = HostArgument();
        var health = new Argument<string>("HEALTH") { Description = string.Join(", ", Healths) + "." };
        health.AcceptOnlyFromAmong(Healths);
        var reason = new Option<string?>("--reason") { Description = "Why, for the log." };
        var command = new Command("health", "Set a device's health.");
        command.Arguments.Add(host);
        command.Arguments.Add(health);
        command.Options.Add(reason);
        command.SetAction((parse, ct) => RunAsync(parse, async (client, output) =>
        {
            var name = parse.GetValue(host)!;
            await client.PostAsync($"{DevicePath(name)}set_health/", new { health = parse.GetValue(health), reason = parse.GetValue(reason) ?? "" }, ct);
            output.WriteLine($"Device {name} health set to {parse.GetValue(health)}.");
        }, ct));
        return command;
    }

    private static Command CreateTags()
    {
        var tags = new Command("tags", "List, add or delete a device's tags.");
        var listHost = HostArgument();
        var list = new Command("list", "List a device's tags.");
        list.Arguments.Add(listHost);
        list.SetAction((parse, ct) => RunAsync(parse, async (client, output) =>
        {
            output.WriteLine("Tags:");
            foreach (var tag in (await client.GetAsync($"{DevicePath(parse.GetValue(listHost)!)}tags/", ct)).EnumerateArray())
            {
                output.WriteLine($"* {tag.GetString()}");
            }
        }, ct));
        tags.Subcommands.Add(list);
        foreach (var verb in new[] { "add", "delete" })
        {
            var host = HostArgument();
            var tag = new Argument<string>("TAG") { Description = "The tag." };
            var command = new Command(verb, verb == "add" ? "Tag a device." : "Remove a tag from a device.");
            command.Arguments.Add(host);
            command.Arguments.Add(tag);
            command.SetAction((parse, ct) => RunAsync(parse, async (client, output) =>
            {
                var (name, value) = (parse.GetValue(host)!, parse.GetValue(tag)!);
                if (verb == "add") await client.PostAsync($"{DevicePath(name)}tags/", new { name = value }, ct);
                else await client.DeleteAsync($"{DevicePath(name)}tags/{Uri.EscapeDataString(value)}/", ct);
                output.WriteLine($"Device {name} {(verb == "add" ? "tagged" : "untagged")} {value}.");
            }, ct));
            tags.Subcommands.Add(command);
        }

        return tags;
    }

    private static Command CreateDict()
    {
        var dict = new Command("dict", "Get or set a device's dictionary.");
        var getHost = HostArgument();
        var render = new Option<bool>("--render") { Description = "Print the rendered device configuration instead." };
        var context = new Option<string?>("--context") { Description = "Job context (YAML) for --render." };
        var get = new Command("get", "Print a device's dictionary.");
        get.Arguments.Add(getHost);
        get.Options.Add(render);
        get.Options.Add(context);
        get.SetAction((parse, ct) => RunAsync(parse, async (client, output) =>
        {
            var query = parse.GetValue(render) ? "?render=1" + (parse.GetValue(context) is { } c ? "&context=" + Uri.EscapeDataString(c) : "") : "";
            output.Write(await client.GetTextAsync($"{DevicePath(parse.GetValue(getHost)!)}dictionary/{query}", ct));
        }, ct));
        dict.Subcommands.Add(get);

        var setHost = HostArgument();
        var file = new Argument<FileInfo>("FILE") { Description = "The dictionary (jinja2, extending the device-type template)." };
        var set = new Command("set", "Set a device's dictionary from FILE; it must render.");
        set.Arguments.Add(setHost);
        set.Arguments.Add(file);
        set.SetAction((parse, ct) => RunAsync(parse, async (client, output) =>
        {
            string text;
            try
            {
                text = await File.ReadAllTextAsync(parse.GetValue(file)!.FullName, ct);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CommandFailedException($"FILE: {e.Message}", LavaCli.ExitInvalidInput);
            }

            var name = parse.GetValue(setHost)!;
            await client.PostAsync($"{DevicePath(name)}dictionary/", new { dictionary = text }, ct);
            output.WriteLine($"Device {name} dictionary set.");
        }, ct));
        dict.Subcommands.Add(set);
        return dict;
    }

    private static Option<string?> HealthOption(string name)
    {
        var option = new Option<string?>(name) { Description = string.Join(", ", Healths) + "." };
        option.AcceptOnlyFromAmong(Healths);
        return option;
    }

    private static string DevicePath(string hostname) => $"devices/{Uri.EscapeDataString(hostname)}/";

    private static string Summary(JsonElement device) => $"{Text(device, "state")},{Text(device, "health")}";

    private static Argument<string> HostArgument() => new("HOST") { Description = "The device's hostname." };
}
