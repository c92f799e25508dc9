using System.Text.RegularExpressions;

namespace Lava.Devices.Pipeline.Boot;

/// <summary>
/// The boot commands of a job's boot block, as LAVA's <c>bootloader-overlay</c> makes them: <c>commands: NAME</c>
/// names a set in the device configuration (<c>actions.boot.methods.METHOD.NAME.commands</c>), a list is used as
/// is; placeholders (<c>{SERVER_IP}</c>, <c>{KERNEL}</c>, one per deployed label) are replaced, and a command naming a
/// file the job did not deploy is dropped.
/// </summary>
public static partial class BootCommands
{
    // The file placeholders LAVA knows; a command using one the job did not deploy is dropped (substitute(drop=True)).
    private static readonly string[] FileLabels = ["KERNEL", "RAMDISK", "INITRD", "DTB", "TEE", "NFSROOTFS", "PRESEED_CONFIG"];

    /// <summary>The commands the block asks for; problems (unknown set, no commands) go to <paramref name="errors"/>.</summary>
    public static IReadOnlyList<string> Resolve(DeviceConfiguration device, string method, object? commands, List<string> errors)
    {
        switch (commands)
        {
            case List<object?> literal:
                return DeviceConfiguration.Strings(literal);
            case string name:
                var set = device.BootMethod(method)?.GetValueOrDefault(name) as OrderedDictionary<string, object?>;
                if (set is null)
                {
                    errors.Add($"Command '{name}' not found in supported methods");
                    return [];
                }
                var list = DeviceConfiguration.Strings(set.GetValueOrDefault("commands"));
                if (list.Count == 0)
                {
                    errors.Add("No commands found in parameters");
                }
                return list;
            default:
                errors.Add("missing commands");
                return [];
        }
    }

    /// <summary>Replaces the placeholders with what this job deployed and where the worker serves it.</summary>
    public static IReadOnlyList<string> Substitute(PipelineContext context, IReadOnlyList<string> commands)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["SERVER_IP"] = context.FileServer?.Host,
            ["FILE_SERVER"] = context.FileServer?.ToString(),
        };
        foreach (var label in FileLabels)
        {
            values[label] = null;
        }
        foreach (var (label, path) in context.Downloads)
        {
            values[label.ToUpperInvariant()] = path;
        }
        if (values["INITRD"] is null && values["RAMDISK"] is { } ramdisk)
        {
            values["INITRD"] = ramdisk;
        }
        var result = new List<string>();
        foreach (var command in commands)
        {
            var dropped = false;
            var text = Placeholder().Replace(command, m =>
            {
                if (!values.TryGetValue(m.Groups[1].Value, out var value))
                {
                    return m.Value; // not ours: U-Boot's or the admin's braces stay
                }
                dropped |= value is null;
                return value ?? "";
            });
            if (!dropped)
            {
                result.Add(text);
            }
        }
        return result;
    }

    [GeneratedRegex(@"\{([A-Z_]+)\}")]
    private static partial Regex Placeholder();
}
