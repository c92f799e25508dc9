using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Lava.Actors.Lab.Devices;

/// <summary>
/// Reads YAML as LAVA's <c>yaml.safe_load</c> does (YAML 1.1 typing of plain scalars: yes/no/on/off booleans,
/// octal, hex and base-60 integers, <c>~</c> nulls). Mappings become <c>OrderedDictionary&lt;string, object?&gt;</c>
/// with keys written as JSON would write them, sequences <c>List&lt;object?&gt;</c>, scalars string, long, double,
/// bool or null.
/// </summary>
public static partial class DeviceYaml
{
    /// <summary>The first document of <paramref name="yaml"/>; null for an empty one. A repeated key keeps its last value, as PyYAML does.</summary>
    /// <exception cref="YamlException">The text is not YAML.</exception>
    public static object? Load(string yaml)
    {
        using var reader = new StringReader(yaml);
        var parser = new Parser(reader);
        parser.Consume<StreamStart>();
        if (parser.Accept<StreamEnd>(out _)) return null;
        parser.Consume<DocumentStart>();
        var anchors = new Dictionary<string, object?>();
        return Node(parser, anchors);
    }

    /// <summary>A job context map (the job's <c>context:</c>) as template variables; an empty map for empty text.</summary>
    public static IReadOnlyDictionary<string, object?> LoadContext(string yaml) => Load(yaml) switch
    {
        null => new Dictionary<string, object?>(),
        OrderedDictionary<string, object?> map => map.ToDictionary(p => p.Key, p => p.Value),
        _ => throw new InvalidDataException("a job context must be a mapping"),
    };

    private static object? Node(IParser parser, Dictionary<string, object?> anchors)
    {
        if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            return anchors.TryGetValue(alias.Value.Value, out var target) ? target : throw new YamlException(alias.Start, alias.End, $"unknown alias {alias.Value}");
        }

        object? value;
        AnchorName anchor;
        if (parser.TryConsume<Scalar>(out var scalar))
        {
            anchor = scalar.Anchor;
            value = Scalar(scalar);
        }
        else if (parser.TryConsume<SequenceStart>(out var sequenceStart))
        {
            anchor = sequenceStart.Anchor;
            var list = new List<object?>();
            while (!parser.TryConsume<SequenceEnd>(out _)) list.Add(Node(parser, anchors));
            value = list;
        }
        else
        {
            var mappingStart = parser.Consume<MappingStart>();
            anchor = mappingStart.Anchor;
            var map = new OrderedDictionary<string, object?>();
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var key = KeyText(Node(parser, anchors));
                map[key] = Node(parser, anchors);
            }

            value = map;
        }

        if (!anchor.IsEmpty) anchors[anchor.Value] = value;
        return value;
    }

    private static string KeyText(object? key) => key switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        string s => s,
        _ => TemplateValues.Repr(key),
    };

    private static object? Scalar(Scalar scalar)
    {
        var text = scalar.Value;
        var tag = scalar.Tag.IsEmpty ? null : scalar.Tag.Value;
        if (tag == "!") return text;
        if (tag is not null and not "?") return Tagged(tag, text);
        return scalar.Style is ScalarStyle.Plain or ScalarStyle.Any ? Resolve(text) : text;
    }

    private static object? Tagged(string tag, string text) => tag switch
    {
        "tag:yaml.org,2002:str" => text,
        "tag:yaml.org,2002:int" => Resolve(text) as long? ?? throw new InvalidDataException($"'{text}' is not an int"),
        "tag:yaml.org,2002:float" => Resolve(text) is long l ? (double)l : Resolve(text) as double? ?? throw new InvalidDataException($"'{text}' is not a float"),
        "tag:yaml.org,2002:bool" => Resolve(text) as bool? ?? throw new InvalidDataException($"'{text}' is not a bool"),
        "tag:yaml.org,2002:null" => null,
        _ => text,
    };

    /// <summary>PyYAML's implicit resolvers for a plain scalar.</summary>
    private static object? Resolve(string text)
    {
        if (NullPattern().IsMatch(text)) return null;
        if (BoolPattern().IsMatch(text)) return text[0] is 'y' or 'Y' or 't' or 'T' || text is "on" or "On" or "ON";
        if (IntPattern().IsMatch(text)) return ParseInt(text);
        if (FloatPattern().IsMatch(text)) return ParseFloat(text);
        return text;
    }

    private static long ParseInt(string text)
    {
        var value = text.Replace("_", string.Empty, StringComparison.Ordinal);
        var sign = 1L;
        if (value[0] is '-' or '+')
        {
            sign = value[0] == '-' ? -1 : 1;
            value = value[1..];
        }

        if (value == "0") return 0;
        if (value.StartsWith("0b", StringComparison.Ordinal)) return sign * System.Convert.ToInt64(value[2..], 2);
        if (value.StartsWith("0x", StringComparison.Ordinal)) return sign * long.Parse(value[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        if (value[0] == '0') return sign * System.Convert.ToInt64(value, 8);
        if (value.Contains(':', StringComparison.Ordinal))
        {
            return sign * value.Split(':').Aggregate(0L, (acc, digits) => (acc * 60) + long.Parse(digits, CultureInfo.InvariantCulture));
        }

        return sign * long.Parse(value, CultureInfo.InvariantCulture);
    }

    private static double ParseFloat(string text)
    {
        var value = text.Replace("_", string.Empty, StringComparison.Ordinal).ToLowerInvariant();
        var sign = 1.0;
        if (value[0] is '-' or '+')
        {
            sign = value[0] == '-' ? -1 : 1;
            value = value[1..];
        }

        if (value == ".inf") return sign * double.PositiveInfinity;
        if (value == ".nan") return double.NaN;
        if (value.Contains(':', StringComparison.Ordinal))
        {
            return sign * value.Split(':').Aggregate(0.0, (acc, digits) => (acc * 60) + double.Parse(digits, CultureInfo.InvariantCulture));
        }

        return sign * double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^(?:~|null|Null|NULL|)$")]
    private static partial Regex NullPattern();

    [GeneratedRegex(@"^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$")]
    private static partial Regex BoolPattern();

    [GeneratedRegex(@"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$")]
    private static partial Regex IntPattern();

    [GeneratedRegex(@"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")]
    private static partial Regex FloatPattern();
}
