using System.Globalization;
using Lava.Actors.Jobs.Definition;
using Lava.Actors.Lab.Devices;

namespace Lava.Devices.Pipeline;

/// <summary>
/// The rendered device configuration (device.yaml) as the pipeline reads it: LAVA's keys (spec §2.3) — commands,
/// constants, boot method parameters, timeouts and character delays.
/// </summary>
public sealed class DeviceConfiguration
{
    private readonly OrderedDictionary<string, object?> _tree;

    public DeviceConfiguration(OrderedDictionary<string, object?> tree)
    {
        _tree = tree;
        Timeouts = Get("timeouts") is OrderedDictionary<string, object?> timeouts
            ? JobTimeouts.FromTree((OrderedDictionary<object, object?>)ObjectKeyed(timeouts)!)
            : null;
    }

    /// <summary>The device's <c>timeouts</c> block, or null without one.</summary>
    public JobTimeouts? Timeouts { get; }

    /// <summary>Reads device.yaml's text; an empty document is an empty configuration.</summary>
    /// <exception cref="ConfigurationError">The text is not YAML or not a mapping.</exception>
    public static DeviceConfiguration Parse(string yaml)
    {
        try
        {
            return DeviceYaml.Load(yaml) switch
            {
                null => new DeviceConfiguration([]),
                OrderedDictionary<string, object?> map => new DeviceConfiguration(map),
                _ => throw new ConfigurationError("The device configuration is not a mapping."),
            };
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new ConfigurationError($"The device configuration is not valid YAML: {e.Message}");
        }
    }

    /// <summary>The value at <paramref name="path"/> (map keys), or null.</summary>
    public object? Get(params string[] path)
    {
        object? node = _tree;
        foreach (var key in path)
        {
            node = (node as OrderedDictionary<string, object?>)?.GetValueOrDefault(key);
        }
        return node;
    }

    /// <summary>The primary console's command: <c>commands.connect</c>, else a top-level <c>connection_command</c>.</summary>
    public string? ConnectCommand => Text(Get("commands", "connect")) ?? Text(Get("connection_command"));

    /// <summary>
    /// The command(s) of <c>commands.<paramref name="name"/></c> (e.g. <c>power_on</c>), else of a top-level
    /// <c>NAME_command</c>: a string is one command, a list several run in order. Empty when none is set.
    /// </summary>
    public IReadOnlyList<string> Commands(string name) =>
        Strings(Get("commands", name) ?? Get(name + "_command"));

    /// <summary><c>constants.PREFIX.NAME</c> when a prefix is given and has it, else <c>constants.NAME</c>.</summary>
    public object? Constant(string name, string? prefix = null) =>
        (prefix is null ? null : Get("constants", prefix, name)) ?? Get("constants", name);

    /// <summary>The method's block under <c>actions.boot.methods</c>, or null when the device does not offer it.</summary>
    public OrderedDictionary<string, object?>? BootMethod(string method) =>
        (Get("actions", "boot", "methods") as OrderedDictionary<string, object?>) is { } methods && methods.TryGetValue(method, out var block)
            ? block as OrderedDictionary<string, object?> ?? []
            : null;

    /// <summary>The delay between characters typed for <paramref name="kind"/> (<c>boot</c>, <c>test</c>): <c>character_delays</c>, in ms.</summary>
    public TimeSpan CharacterDelay(string kind) =>
        Get("character_delays", kind) is { } ms && double.TryParse(Convert.ToString(ms, CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? TimeSpan.FromMilliseconds(value)
            : TimeSpan.Zero;

    /// <summary>A scalar as text (numbers and booleans as YAML writes them); null for null, maps and lists.</summary>
    public static string? Text(object? value) => value switch
    {
        null => null,
        string s => s,
        bool b => b ? "true" : "false",
        OrderedDictionary<string, object?> or List<object?> => null,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    /// <summary>A string or a list of strings as a list; empty for null or empty text.</summary>
    public static IReadOnlyList<string> Strings(object? value) => value switch
    {
        List<object?> list => [.. list.Select(Text).OfType<string>().Where(s => s.Length > 0)],
        _ when Text(value) is { Length: > 0 } one => [one],
        _ => [],
    };

    // Job definitions' helpers (JobTimeouts) read object-keyed maps; device YAML has string keys.
    private static object? ObjectKeyed(object? node) => node switch
    {
        OrderedDictionary<string, object?> map => new OrderedDictionary<object, object?>(map.Select(kv => KeyValuePair.Create((object)kv.Key, ObjectKeyed(kv.Value)))),
        List<object?> list => list.Select(ObjectKeyed).ToList(),
        _ => node,
    };
}
