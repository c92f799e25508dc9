using System.Numerics;
using Lava.Actors.Yaml;
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
            var value = PyYamlScalars.Resolve(scalar);
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
        if (!tag.IsEmpty && !tag.IsNonSpecific && tag.Value != PyYamlScalars.TagPrefix + expected)
        {
            throw new JobDefinitionSyntaxException($"could not determine a constructor for the tag '{tag.Value}'", mark.Line, mark.Column);
        }
    }
}
