using System.Globalization;
using System.Numerics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Lava.Actors.Yaml;

/// <summary>
/// Writes a tree of the shape <c>JobDefinitionParser</c> reads as PyYAML's <c>safe_dump</c> writes it (LAVA stores
/// the definitions it builds that way): block style, mapping keys sorted, and a string quoted whenever PyYAML would
/// read it back as something else (<c>'on'</c>, <c>'1.0'</c>, <c>''</c>), so that reading the text gives the tree again.
/// </summary>
internal static class PyYamlDumper
{
    public static string Dump(object? tree)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        var emitter = new Emitter(writer, 2, 80, false);
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart(null, null, true));
        Write(emitter, tree);
        emitter.Emit(new DocumentEnd(true));
        emitter.Emit(new StreamEnd());
        return writer.ToString();
    }

    private static void Write(IEmitter emitter, object? node)
    {
        switch (node)
        {
            case OrderedDictionary<object, object?> map:
                emitter.Emit(new MappingStart(AnchorName.Empty, TagName.Empty, true, MappingStyle.Block));
                foreach (var (key, value) in map.OrderBy(e => e.Key, KeyOrder.Instance))
                {
                    Write(emitter, key);
                    Write(emitter, value);
                }
                emitter.Emit(new MappingEnd());
                break;
            case List<object?> list:
                emitter.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, true, SequenceStyle.Block));
                foreach (var item in list)
                {
                    Write(emitter, item);
                }
                emitter.Emit(new SequenceEnd());
                break;
            case string text:
                emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, text, ReadsAsString(text) ? ScalarStyle.Any : ScalarStyle.SingleQuoted, true, true));
                break;
            case byte[] bytes:
                emitter.Emit(new Scalar(AnchorName.Empty, new TagName(PyYamlScalars.TagPrefix + "binary"), Convert.ToBase64String(bytes),
                    ScalarStyle.Literal, false, false));
                break;
            default:
                emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, Plain(node), ScalarStyle.Plain, true, false));
                break;
        }
    }

    // PyYAML reads an untagged plain scalar by YAML 1.1's implicit types; anything not read back as this string is quoted.
    private static bool ReadsAsString(string text)
    {
        if (text.Length == 0)
        {
            return false;
        }
        try
        {
            return PyYamlScalars.Resolve(new Scalar(AnchorName.Empty, TagName.Empty, text, ScalarStyle.Plain, true, false)) is string;
        }
        catch (YamlException)
        {
            return false;
        }
    }

    private static string Plain(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        long or BigInteger => ((IFormattable)value).ToString(null, CultureInfo.InvariantCulture),
        double d => Float(d),
        DateTime t => t.TimeOfDay == TimeSpan.Zero && t.Kind == DateTimeKind.Unspecified
            ? t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : t.ToString("yyyy-MM-dd HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture).TrimEnd('.'),
        _ => throw new ArgumentException($"not a YAML tree value: {value.GetType()}", nameof(value)),
    };

    // PyYAML's represent_float: .nan/.inf, else repr with a ".0" where repr has no fraction.
    private static string Float(double d)
    {
        if (double.IsNaN(d))
        {
            return ".nan";
        }
        if (double.IsInfinity(d))
        {
            return d > 0 ? ".inf" : "-.inf";
        }
        var text = d.ToString("R", CultureInfo.InvariantCulture).ToLowerInvariant();
        return text.Contains('.', StringComparison.Ordinal) ? text
            : text.Contains('e', StringComparison.Ordinal) ? text.Replace("e", ".0e", StringComparison.Ordinal)
            : text + ".0";
    }

    // Python's sorted() on str keys compares code points; other keys follow, by their text.
    private sealed class KeyOrder : IComparer<object>
    {
        public static readonly KeyOrder Instance = new();

        public int Compare(object? x, object? y) => (x, y) switch
        {
            (string a, string b) => string.CompareOrdinal(a, b),
            (string, _) => -1,
            (_, string) => 1,
            _ => string.CompareOrdinal(Convert.ToString(x, CultureInfo.InvariantCulture), Convert.ToString(y, CultureInfo.InvariantCulture)),
        };
    }
}
