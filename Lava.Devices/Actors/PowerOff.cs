using System.Diagnostics;
using Lava.Actors.Jobs.Logs;
using YamlDotNet.RepresentationModel;

namespace Lava.Devices.Actors;

/// <summary>
/// The device's power-off command, run by the device actor itself when a runner it stopped could not (it was
/// SIGKILLed): <c>commands.power_off</c> of the rendered device configuration, or LAVA's older
/// <c>power_off_command</c>, a string or a list of strings, each run with <c>/bin/sh -c</c>.
/// </summary>
internal static class PowerOff
{
    /// <summary>The power-off commands of <paramref name="deviceConfiguration"/> (YAML); empty when it has none or is unreadable.</summary>
    public static IReadOnlyList<string> Commands(string deviceConfiguration)
    {
        try
        {
            var yaml = new YamlStream();
            yaml.Load(new StringReader(deviceConfiguration));
            if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root) return [];
            var node = Child(Child(root, "commands") as YamlMappingNode, "power_off") ?? Child(root, "power_off_command");
            return node switch
            {
                YamlScalarNode { Value: { Length: > 0 } one } => [one],
                YamlSequenceNode list => [.. list.Children.OfType<YamlScalarNode>().Select(s => s.Value).OfType<string>().Where(s => s.Length > 0)],
                _ => [],
            };
        }
        catch (YamlDotNet.Core.YamlException)
        {
            return [];
        }
    }

    /// <summary>Runs <paramref name="commands"/> in order, each within <paramref name="timeout"/>; returns the log records LAVA would write for them.</summary>
    public static async Task<IReadOnlyList<LogRecord>> RunAsync(IReadOnlyList<string> commands, TimeSpan timeout)
    {
        var records = new List<LogRecord>();
        foreach (var command in commands)
        {
            records.Add(LogRecord.Text(DateTimeOffset.UtcNow, "info", $"Calling: '{command}'"));
            var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(command);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var deadline = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                records.Add(LogRecord.Text(DateTimeOffset.UtcNow, "error", $"'{command}' timed out after {timeout.TotalSeconds:0}s"));
                continue;
            }
            foreach (var line in ((await output.ConfigureAwait(false)) + (await errors.ConfigureAwait(false))).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                records.Add(LogRecord.Text(DateTimeOffset.UtcNow, "debug", line.TrimEnd('\r')));
            if (process.ExitCode != 0)
                records.Add(LogRecord.Text(DateTimeOffset.UtcNow, "error", $"'{command}' failed with exit code {process.ExitCode}"));
        }
        return records;
    }

    private static YamlNode? Child(YamlMappingNode? map, string key) =>
        map is not null && map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;
}
