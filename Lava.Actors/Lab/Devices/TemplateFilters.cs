using System.Collections;
using System.Globalization;

namespace Lava.Actors.Lab.Devices;

/// <summary>The jinja2 builtin filters that device-type templates and dictionaries use, with jinja2's arguments.</summary>
internal static class TemplateFilters
{
    /// <summary>The filter names, checked when a template is parsed, as jinja2 checks them when it compiles.</summary>
    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal)
    {
        "default", "d", "string", "join", "indent", "lower", "upper", "capitalize", "trim", "replace", "int", "float",
        "length", "count", "list", "first", "abs", "last",
    };

    public static object? Apply(string name, object? value, IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> kwargs)
    {
        object? Arg(int index, string key, object? fallback) =>
            index < args.Count ? args[index] : kwargs.TryGetValue(key, out var v) ? v : fallback;

        switch (name)
        {
            case "default" or "d":
                var useDefault = value is Undefined || (TemplateValues.Truthy(Arg(1, "boolean", false)) && !TemplateValues.Truthy(value));
                return useDefault ? Arg(0, "default_value", string.Empty) : value;
            case "string":
                return TemplateValues.Str(value);
            case "join":
                var separator = TemplateValues.Str(Arg(0, "d", string.Empty));
                return string.Join(separator, TemplateValues.Iterate(value).Select(TemplateValues.Str));
            case "indent":
                return Indent(TemplateValues.Str(value), Arg(0, "width", 4L), TemplateValues.Truthy(Arg(1, "first", false)), TemplateValues.Truthy(Arg(2, "blank", false)));
            case "lower":
                return TemplateValues.Str(value).ToLowerInvariant();
            case "upper":
                return TemplateValues.Str(value).ToUpperInvariant();
            case "capitalize":
                var text = TemplateValues.Str(value);
                return text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..].ToLowerInvariant();
            case "trim":
                return Arg(0, "chars", null) is string chars ? TemplateValues.Str(value).Trim(chars.ToCharArray()) : TemplateValues.Str(value).Trim();
            case "replace":
                return Replace(TemplateValues.Str(value), TemplateValues.Str(args[0]), TemplateValues.Str(args[1]), Arg(2, "count", null));
            case "int":
                return ToInt(value, Arg(0, "default", 0L));
            case "float":
                return ToFloat(value, Arg(0, "default", 0.0));
            case "length" or "count":
                return value switch
                {
                    string s => (long)s.Length,
                    ICollection c => (long)c.Count,
                    Undefined => 0L,
                    _ => throw new TemplateRuntimeError($"object of type {TemplateValues.TypeName(value)} has no len()"),
                };
            case "list":
                return TemplateValues.Iterate(value).ToList();
            case "first":
                return TemplateValues.Iterate(value).Cast<object?>().DefaultIfEmpty(new Undefined("first")).First();
            case "abs":
                return value is double d ? Math.Abs(d) : Math.Abs((long)TemplateValues.ToDouble(value));
            case "last":
                return TemplateValues.Iterate(value).Cast<object?>().DefaultIfEmpty(new Undefined("last")).Last();
            default:
                throw new TemplateRuntimeError($"no filter named '{name}'");
        }
    }

    /// <summary>jinja2's indent: every line but the first (unless <paramref name="first"/>), blank lines only with <paramref name="blank"/>.</summary>
    private static string Indent(string text, object? width, bool first, bool blank)
    {
        var indention = width is string s ? s : new string(' ', (int)TemplateValues.ToDouble(width));
        var lines = SplitLines(text + "\n");
        string result;
        if (blank)
        {
            result = string.Join("\n" + indention, lines);
        }
        else
        {
            result = lines[0];
            if (lines.Count > 1) result += "\n" + string.Join("\n", lines.Skip(1).Select(line => line.Length > 0 ? indention + line : line));
        }

        return first ? indention + result : result;
    }

    /// <summary>Python's <c>str.splitlines()</c> for \n, \r\n and \r: no empty item after a final line break.</summary>
    private static List<string> SplitLines(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n').ToList();
        if (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        return lines.Count == 0 ? [string.Empty] : lines;
    }

    private static string Replace(string text, string old, string replacement, object? count)
    {
        if (count is null) return text.Replace(old, replacement, StringComparison.Ordinal);
        var remaining = (long)TemplateValues.ToDouble(count);
        var result = text;
        var from = 0;
        while (remaining-- > 0 && old.Length > 0 && result.IndexOf(old, from, StringComparison.Ordinal) is var at and >= 0)
        {
            result = string.Concat(result.AsSpan(0, at), replacement, result.AsSpan(at + old.Length));
            from = at + replacement.Length;
        }

        return result;
    }

    private static object? ToInt(object? value, object? fallback) => value switch
    {
        bool b => b ? 1L : 0L,
        long or int => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        double d => (long)Math.Truncate(d),
        string s when long.TryParse(s.Trim().Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => l,
        string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => (long)Math.Truncate(d),
        _ => fallback,
    };

    private static object? ToFloat(object? value, object? fallback) => value switch
    {
        bool b => b ? 1.0 : 0.0,
        long or int or double => TemplateValues.ToDouble(value),
        string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => fallback,
    };
}
