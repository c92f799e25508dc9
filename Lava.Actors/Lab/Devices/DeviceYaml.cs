using Lava.Actors.Yaml;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Lava.Actors.Lab.Devices;

/// <summary>
/// Reads YAML as LAVA's <c>yaml.safe_load</c> does, scalars typed by <see cref="PyYamlScalars"/> as for job
/// definitions. Mappings become <c>OrderedDictionary&lt;string, object?&gt;</c> with keys written as JSON would write
/// them, sequences <c>List&lt;object?&gt;</c>.
/// </summary>
public static class DeviceYaml
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
            value = PyYamlScalars.Resolve(scalar);
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
}
