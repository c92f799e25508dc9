using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Lava.Actors.Yaml;

/// <summary>
/// YAML 1.1 scalars typed as PyYAML's safe loader types them (LAVA reads job definitions and device configurations
/// with it): null, bool (yes/no/on/off too), int (octal, hex, binary, base 60; <see cref="BigInteger"/> beyond 64 bits),
/// float, timestamp and binary.
/// </summary>
internal static partial class PyYamlScalars
{
    /// <summary>The prefix of YAML's standard tags.</summary>
    public const string TagPrefix = "tag:yaml.org,2002:";

    /// <summary>
    /// The value of <paramref name="scalar"/>: its explicit tag's, a quoted scalar's text, or for a plain one the type
    /// PyYAML's implicit resolvers give it.
    /// </summary>
    /// <exception cref="YamlException">The text does not fit its tag, or the tag has no safe constructor.</exception>
    public static object? Resolve(Scalar scalar)
    {
        var text = scalar.Value;
        string kind;
        if (!scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific)
        {
            kind = scalar.Tag.Value.StartsWith(TagPrefix, StringComparison.Ordinal) ? scalar.Tag.Value[TagPrefix.Length..] : scalar.Tag.Value;
        }
        else if (scalar.Style != ScalarStyle.Plain || !scalar.Tag.IsEmpty)
        {
            kind = "str";
        }
        else
        {
            kind = Implicit(text);
        }
        try
        {
            return kind switch
            {
                "str" => text,
                "null" => null,
                "bool" => BoolWords().IsMatch(text) ? text[0] is 'y' or 'Y' or 't' or 'T' || text.Equals("on", StringComparison.OrdinalIgnoreCase)
                    : throw new FormatException($"invalid boolean '{text}'"),
                "int" => ToInteger(text),
                "float" => ToFloat(text),
                "timestamp" => ToTimestamp(text),
                "binary" => Convert.FromBase64String(text),
                _ => throw new FormatException($"could not determine a constructor for the tag '{scalar.Tag.Value}'"),
            };
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw new YamlException(scalar.Start, scalar.End, e.Message);
        }
    }

    private static string Implicit(string text) =>
        // PyYAML picks its implicit resolvers by the first character; most plain scalars (keys, names, URLs) start
        // with one that none of them takes, and need no pattern tried.
        text.Length > 0 && !TypedFirstCharacters.Contains(text[0]) ? "str"
        : NullWords().IsMatch(text) ? "null"
        : BoolWords().IsMatch(text) ? "bool"
        : IntForm().IsMatch(text) ? "int"
        : FloatForm().IsMatch(text) ? "float"
        : TimestampForm().IsMatch(text) ? "timestamp"
        : "str";

    private static object ToInteger(string text)
    {
        var digits = text.Replace("_", "", StringComparison.Ordinal);
        var negative = digits.StartsWith('-');
        if (digits.Length > 0 && digits[0] is '-' or '+')
        {
            digits = digits[1..];
        }
        BigInteger value;
        if (digits.Contains(':', StringComparison.Ordinal))
        {
            value = digits.Split(':').Aggregate(BigInteger.Zero, (sum, part) => sum * 60 + BigInteger.Parse(part, CultureInfo.InvariantCulture));
        }
        else if (digits.StartsWith("0b", StringComparison.Ordinal))
        {
            value = digits[2..].Aggregate(BigInteger.Zero, (sum, c) => sum * 2 + (c - '0'));
        }
        else if (digits.StartsWith("0x", StringComparison.Ordinal))
        {
            value = BigInteger.Parse("0" + digits[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        }
        else if (digits.Length > 1 && digits[0] == '0')
        {
            value = digits[1..].Aggregate(BigInteger.Zero, (sum, c) => sum * 8 + (c - '0'));
        }
        else
        {
            value = BigInteger.Parse(digits, CultureInfo.InvariantCulture);
        }
        value = negative ? -value : value;
        return value >= long.MinValue && value <= long.MaxValue ? (object)(long)value : value;
    }

    private static double ToFloat(string text)
    {
        var digits = text.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();
        var sign = digits.StartsWith('-') ? -1.0 : 1.0;
        if (digits.Length > 0 && digits[0] is '-' or '+')
        {
            digits = digits[1..];
        }
        if (digits == ".inf")
        {
            return sign * double.PositiveInfinity;
        }
        if (digits == ".nan")
        {
            return double.NaN;
        }
        if (digits.Contains(':', StringComparison.Ordinal))
        {
            return sign * digits.Split(':').Aggregate(0.0, (sum, part) => sum * 60 + double.Parse(part, CultureInfo.InvariantCulture));
        }
        return sign * double.Parse(digits, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    private static DateTime ToTimestamp(string text)
    {
        var match = TimestampParts().Match(text);
        var date = new DateTime(int.Parse(match.Groups["y"].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups["m"].Value, CultureInfo.InvariantCulture),
            int.Parse(match.Groups["d"].Value, CultureInfo.InvariantCulture), 0, 0, 0, DateTimeKind.Unspecified);
        if (!match.Groups["h"].Success)
        {
            return date;
        }
        var fraction = match.Groups["f"].Value;
        var ticks = fraction.Length == 0 ? 0 : long.Parse(fraction.PadRight(7, '0')[..7], CultureInfo.InvariantCulture);
        var time = date.AddHours(int.Parse(match.Groups["h"].Value, CultureInfo.InvariantCulture))
            .AddMinutes(int.Parse(match.Groups["mi"].Value, CultureInfo.InvariantCulture))
            .AddSeconds(int.Parse(match.Groups["s"].Value, CultureInfo.InvariantCulture)).AddTicks(ticks);
        if (!match.Groups["tz"].Success)
        {
            return time;
        }
        var offset = match.Groups["tz"].Value == "Z" ? TimeSpan.Zero
            : TimeSpan.FromHours(int.Parse(match.Groups["th"].Value, CultureInfo.InvariantCulture))
              + TimeSpan.FromMinutes(match.Groups["tm"].Success ? int.Parse(match.Groups["tm"].Value, CultureInfo.InvariantCulture) : 0);
        offset = match.Groups["ts"].Value == "-" ? -offset : offset;
        return DateTime.SpecifyKind(time - offset, DateTimeKind.Utc);
    }

    // The first characters of PyYAML's null, bool, int, float and timestamp forms.
    private static readonly SearchValues<char> TypedFirstCharacters = SearchValues.Create("~nNyYtTfFoO+-.0123456789");

    [GeneratedRegex("^(?:~|null|Null|NULL|)$")]
    private static partial Regex NullWords();

    [GeneratedRegex("^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$")]
    private static partial Regex BoolWords();

    [GeneratedRegex("^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$")]
    private static partial Regex IntForm();

    [GeneratedRegex(@"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")]
    private static partial Regex FloatForm();

    [GeneratedRegex("^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$")]
    private static partial Regex TimestampForm();

    [GeneratedRegex("^(?<y>[0-9]{4})-(?<m>[0-9]{1,2})-(?<d>[0-9]{1,2})(?:(?:[Tt]|[ \t]+)(?<h>[0-9]{1,2}):(?<mi>[0-9]{2}):(?<s>[0-9]{2})(?:\\.(?<f>[0-9]*))?(?:[ \t]*(?<tz>Z|(?<ts>[-+])(?<th>[0-9]{1,2})(?::(?<tm>[0-9]{2}))?))?)?$")]
    private static partial Regex TimestampParts();
}
