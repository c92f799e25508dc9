using YamlDotNet.RepresentationModel;

namespace Lava.Actors.Jobs.ReadModels;

/// <summary>Reads the top-level <c>metadata</c> map of a job definition.</summary>
internal static class JobMetadata
{
    /// <summary>Each entry of <c>metadata</c> in document order, scalar values as written; other values are skipped.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Read(string definition)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(definition));
        }
        catch (YamlDotNet.Core.YamlException)
        {
            return [];
        }

        if (stream.Documents.Count == 0
            || stream.Documents[0].RootNode is not YamlMappingNode root
            || !root.Children.TryGetValue(new YamlScalarNode("metadata"), out var node)
            || node is not YamlMappingNode metadata)
        {
            return [];
        }

        return [.. metadata.Children
            .Where(e => e.Key is YamlScalarNode { Value.Length: > 0 } && e.Value is YamlScalarNode { Value.Length: > 0 })
            .Select(e => KeyValuePair.Create(((YamlScalarNode)e.Key).Value!, ((YamlScalarNode)e.Value).Value!))];
    }
}
