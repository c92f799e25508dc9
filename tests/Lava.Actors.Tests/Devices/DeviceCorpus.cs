using System.Collections;
using System.Globalization;
using System.Text.Json;
using Xunit;

namespace Lava.Actors.Tests.Devices;

/// <summary>
/// The device dictionaries LAVA rendered (shared/corpus/device-configs) and the device-type templates Lava ships
/// (device-types/ at the repository root), found by walking up from the test binaries.
/// </summary>
internal static class DeviceCorpus
{
    public static string? ConfigsDirectory { get; } = FindUp(dir =>
        new[] { Path.Combine(dir, "shared", "corpus"), Path.Combine(dir, "..", "shared", "corpus") }
            .Select(corpus => Path.GetFullPath(Path.Combine(corpus, "device-configs")))
            .FirstOrDefault(Directory.Exists));

    public static string? ShippedDeviceTypes { get; } = FindUp(dir =>
        File.Exists(Path.Combine(dir, "device-types", "base.jinja2")) ? Path.Combine(dir, "device-types") : null);

    public static string? SkipReason =>
        ConfigsDirectory is null && Environment.GetEnvironmentVariable("CI") != "true"
            ? "shared/corpus/device-configs not found beside the repository"
            : null;

    /// <summary>Every rendered case, <c>NAME.ctxN</c>.</summary>
    public static IEnumerable<object[]> Cases() =>
        ConfigsDirectory is null
            ? []
            : Directory.GetFiles(Path.Combine(ConfigsDirectory, "rendered"), "*.context.yaml")
                .Select(path => Path.GetFileName(path)[..^".context.yaml".Length])
                .Order(StringComparer.Ordinal)
                .Select(name => new object[] { name });

    private static string? FindUp(Func<string, string?> probe)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (probe(dir.FullName) is { } found) return found;
        }

        return null;
    }

    /// <summary>JSON read into the shapes <see cref="Lava.Actors.Lab.Devices.DeviceYaml"/> produces.</summary>
    public static object? FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => new OrderedDictionary<string, object?>(element.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, FromJson(p.Value)))),
        JsonValueKind.Array => element.EnumerateArray().Select(FromJson).ToList(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null => null,
        _ => element.GetRawText().IndexOfAny(['.', 'e', 'E']) < 0 && element.TryGetInt64(out var l)
            ? (object)l
            : element.GetDouble(),
    };

    /// <summary>The first difference between two parsed structures as "path: expected vs actual", or null.</summary>
    public static string? Difference(object? expected, object? actual, string path = "$")
    {
        switch (expected, actual)
        {
            case (IDictionary e, IDictionary a):
                foreach (var key in e.Keys.Cast<object>().Concat(a.Keys.Cast<object>()).Distinct())
                {
                    if (!e.Contains(key)) return $"{path}.{key}: unexpected key";
                    if (!a.Contains(key)) return $"{path}.{key}: missing";
                    if (Difference(e[key], a[key], $"{path}.{key}") is { } d) return d;
                }

                return null;
            case (IList e, IList a) when e is not IDictionary && a is not IDictionary:
                for (var i = 0; i < Math.Max(e.Count, a.Count); i++)
                {
                    if (i >= e.Count) return $"{path}[{i}]: unexpected item {Show(a[i])}";
                    if (i >= a.Count) return $"{path}[{i}]: missing {Show(e[i])}";
                    if (Difference(e[i], a[i], $"{path}[{i}]") is { } d) return d;
                }

                return null;
            default:
                return Equals(expected, actual) && expected?.GetType() == actual?.GetType()
                    ? null
                    : $"{path}: expected {Show(expected)}, got {Show(actual)}";
        }
    }

    private static string Show(object? value) => value switch
    {
        null => "null",
        string s => $"'{s}' (string)",
        IFormattable f => $"{f.ToString(null, CultureInfo.InvariantCulture)} ({value.GetType().Name})",
        _ => value.ToString() ?? string.Empty,
    };
}

/// <summary>A theory over the corpus: skipped when the corpus is absent, except under <c>CI=true</c> (then it fails).</summary>
public sealed class CorpusTheoryAttribute : TheoryAttribute
{
    public CorpusTheoryAttribute()
    {
        if (DeviceCorpus.SkipReason is { } reason) Skip = reason;
    }
}
