using System.Globalization;
using System.Text;
using Lava.Actors.Yaml;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Lava.Actors.Jobs.ReadModels;

/// <summary>How PyYAML's block emitter and Python's <c>repr</c> write a string.</summary>
internal static class PyYamlText
{
    /// <summary>
    /// <paramref name="value"/> as PyYAML writes a str in block context: plain when that reads back as the same string,
    /// else single-quoted, else (control characters, line breaks) double-quoted.
    /// </summary>
    public static string Scalar(string value)
    {
        if (PlainAllowed(value))
        {
            return value;
        }

        if (value.All(ch => ch is >= ' ' and <= '~' || ch > '\xA0' && ch != '\uFEFF' && !char.IsSurrogate(ch)))
        {
            return "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
        }

        var sb = new StringBuilder("\"");
        foreach (var ch in value)
        {
            sb.Append(ch switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => "\\t",
                '\r' => "\\r",
                '\0' => "\\0",
                _ when ch < ' ' || ch is '\x7F' => string.Create(CultureInfo.InvariantCulture, $"\\x{(int)ch:X2}"),
                _ => ch.ToString(),
            });
        }

        return sb.Append('"').ToString();
    }

    /// <summary>Python's <c>repr</c> of a str: single quotes unless it holds one and no double quote.</summary>
    public static string PythonString(string value)
    {
        var quote = value.Contains('\'', StringComparison.Ordinal) && !value.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        var sb = new StringBuilder().Append(quote);
        foreach (var ch in value)
        {
            sb.Append(ch switch
            {
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when ch == quote => "\\" + ch,
                _ when ch < ' ' || ch == '\x7F' => string.Create(CultureInfo.InvariantCulture, $"\\x{(int)ch:x2}"),
                _ => ch.ToString(),
            });
        }

        return sb.Append(quote).ToString();
    }

    // PyYAML's analyze_scalar for block context, and its implicit resolvers: a plain scalar must not read back as
    // another type (null, bool, number, timestamp).
    private static bool PlainAllowed(string value)
    {
        if (value.Length == 0 || value[0] is ' ' || value[^1] is ' ')
        {
            return false;
        }

        if ("#,[]{}&*!|>'\"%@`".Contains(value[0], StringComparison.Ordinal)
            || value[0] is '-' or '?' or ':' && (value.Length == 1 || value[1] == ' '))
        {
            return false;
        }

        if (value.Contains(": ", StringComparison.Ordinal) || value.Contains(" #", StringComparison.Ordinal) || value[^1] == ':'
            || value.StartsWith("---", StringComparison.Ordinal) || value.StartsWith("...", StringComparison.Ordinal))
        {
            return false;
        }

        if (value.Any(ch => ch < ' ' || ch > '~'))
        {
            return false;
        }

        return PyYamlScalars.Resolve(new Scalar(AnchorName.Empty, TagName.Empty, value, ScalarStyle.Plain, true, false)) is string;
    }
}
