using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Lava.Actors.Jobs.Definition;

/// <summary>
/// A job definition that is not well-formed YAML (or uses a tag a safe loader refuses). Line and column are
/// 1-based and point at the offending text.
/// </summary>
public sealed class JobDefinitionSyntaxException(string message, long line, long column)
    : Exception($"{message} (line {line}, column {column})")
{
    public string Reason { get; } = message;
    public long Line { get; } = line;
    public long Column { get; } = column;
}

/// <summary>
/// Loads a job definition (YAML; JSON is YAML) the way LAVA's safe loader does, into a plain tree: maps are
/// <see cref="OrderedDictionary{TKey,TValue}"/> of object keys (document order), sequences are
/// <see cref="List{T}"/>, scalars are <see cref="string"/>, <see cref="long"/> (or <see cref="BigInteger"/>),
/// <see cref="double"/>, <see cref="bool"/>, <see cref="DateTime"/>, <see cref="byte"/>[] or null, resolved by
/// YAML 1.1 rules like PyYAML (so <c>on</c> is true and <c>2018.4</c> a float). Throws
/// <see cref="JobDefinitionSyntaxException"/> on any syntax error.
/// </summary>
public static partial class JobDefinitionParser
{
    private const string TagPrefix = "tag:yaml.org,2002:";

    public static object? Parse(string text)
    {
        try
        {
            var parser = new Parser(new StringReader(text));
            parser.Consume<StreamStart>();
            if (parser.TryConsume<StreamEnd>(out _))
            {
                return null;
            }
            var start = parser.Consume<DocumentStart>();
            var anchors = new Dictionary<string, object?>();
            var root = ReadNode(parser, anchors);
            parser.Consume<DocumentEnd>();
            if (!parser.TryConsume<StreamEnd>(out _))
            {
                throw new JobDefinitionSyntaxException("expected a single document in the stream", parser.Current!.Start.Line, parser.Current.Start.Column);
            }
            return root;
        }
        catch (YamlException e)
        {
            throw new JobDefinitionSyntaxException(e.Message, e.Start.Line, e.Start.Column);
        }
    }

    private static object? ReadNode(IParser parser, Dictionary<string, object?> anchors)
    {
        if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            return anchors.TryGetValue(alias.Value.Value, out var target)
                ? target
                : throw new JobDefinitionSyntaxException($"found undefined alias '{alias.Value.Value}'", alias.Start.Line, alias.Start.Column);
        }
        if (parser.TryConsume<Scalar>(out var scalar))
        {
            var value = Resolve(scalar);
            Remember(anchors, scalar.Anchor, value);
            return value;
        }
        if (parser.TryConsume<SequenceStart>(out var sequenceStart))
        {
            RequireTag(sequenceStart.Tag, "seq", sequenceStart.Start);
            var list = new List<object?>();
            Remember(anchors, sequenceStart.Anchor, list);
            while (!parser.TryConsume<SequenceEnd>(out _))
            {
                list.Add(ReadNode(parser, anchors));
            }
            return list;
        }
        var mappingStart = parser.Consume<MappingStart>();
        RequireTag(mappingStart.Tag, "map", mappingStart.Start);
        var map = new OrderedDictionary<object, object?>();
        Remember(anchors, mappingStart.Anchor, map);
        var merged = new List<OrderedDictionary<object, object?>>();
        while (!parser.TryConsume<MappingEnd>(out _))
        {
            var keyMark = parser.Current!.Start;
            if (parser.Current is Scalar { Style: ScalarStyle.Plain, Value: "<<" } merge && merge.Tag.IsEmpty)
            {
                parser.MoveNext();
                merged.AddRange(MergeSources(ReadNode(parser, anchors), keyMark));
                continue;
            }
            // Python dicts need hashable keys; LAVA never uses null, list or map keys, so they are refused.
            var key = ReadNode(parser, anchors) is { } k and not List<object?> and not OrderedDictionary<object, object?>
                ? k
                : throw new JobDefinitionSyntaxException("unsupported mapping key (null, sequence or mapping)", keyMark.Line, keyMark.Column);
            map[key] = ReadNode(parser, anchors);
        }
        return merged.Count == 0 ? map : Merge(map, merged);
    }

    // PyYAML's merge keys: merged entries come first, explicit keys win, and among merged maps the first listed wins.
    private static OrderedDictionary<object, object?> Merge(OrderedDictionary<object, object?> map, List<OrderedDictionary<object, object?>> sources)
    {
        var result = new OrderedDictionary<object, object?>();
        foreach (var (key, value) in sources.AsEnumerable().Reverse().SelectMany(m => m).Concat(map))
        {
            result[key] = value;
        }
        return result;
    }

    private static IEnumerable<OrderedDictionary<object, object?>> MergeSources(object? value, Mark mark) => value switch
    {
        OrderedDictionary<object, object?> single => [single],
        List<object?> list when list.All(v => v is OrderedDictionary<object, object?>) => list.Cast<OrderedDictionary<object, object?>>(),
        _ => throw new JobDefinitionSyntaxException("expected a mapping or list of mappings for merging", mark.Line, mark.Column),
    };

    private static void Remember(Dictionary<string, object?> anchors, AnchorName anchor, object? value)
    {
        if (!anchor.IsEmpty)
        {
            anchors[anchor.Value] = value;
        }
    }

    private static void RequireTag(TagName tag, string expected, Mark mark)
    {
        if (!tag.IsEmpty && !tag.IsNonSpecific && tag.Value != TagPrefix + expected)
        {
            throw new JobDefinitionSyntaxException($"could not determine a constructor for the tag '{tag.Value}'", mark.Line, mark.Column);
        }
    }

    private static object? Resolve(Scalar scalar)
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
            throw new JobDefinitionSyntaxException(e.Message, scalar.Start.Line, scalar.Start.Column);
        }
    }

    private static string Implicit(string text) =>
        NullWords().IsMatch(text) ? "null"
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
