using System.Globalization;

namespace Lava.Devices.TestShell;

/// <summary>Scalars of a YAML tree as the text Python's <c>str()</c> gives them, as LAVA writes them into scripts.</summary>
internal static class TreeText
{
    public static string Scalar(object? value) => value switch
    {
        null => "",
        bool b => b ? "True" : "False",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>The key/value pairs of a map (null or not a map: none), values as <see cref="Scalar"/>.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Pairs(object? map) =>
        map is OrderedDictionary<object, object?> pairs
            ? [.. pairs.Select(p => KeyValuePair.Create(Scalar(p.Key), Scalar(p.Value)))]
            : [];

    /// <summary><paramref name="value"/> quoted for a POSIX shell.</summary>
    public static string ShellQuote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
