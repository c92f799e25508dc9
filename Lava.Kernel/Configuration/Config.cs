namespace Lava.Kernel.Configuration;

/// <summary>
/// An immutable HOCON configuration tree. Instances come from <see cref="ConfigFactory"/> and are combined
/// with <see cref="WithFallback"/>; substitutions are resolved against the merged whole, once, on the
/// first read (or explicitly with <see cref="Resolve"/>), so a value in one layer can refer to a value
/// defined in another. Paths use HOCON path syntax: <c>akka.actor."ask-timeout"</c>.
/// </summary>
public sealed partial class Config
{
    private readonly HoconObject _root;
    private readonly Lazy<HoconObject> _resolved;

    internal Config(HoconObject root)
    {
        _root = root;
        _resolved = new Lazy<HoconObject>(() => HoconResolver.Resolve(root));
    }

    /// <summary>A configuration with no keys; <see cref="GetConfig"/> returns it for missing paths.</summary>
    public static Config Empty { get; } = new(HoconObject.Empty(new ConfigOrigin("empty", 0, 0)));

    /// <summary>True when the tree contains no substitution left to resolve.</summary>
    public bool IsResolved => _root.IsResolved;

    /// <summary>True when the resolved configuration has no keys at all.</summary>
    public bool IsEmpty => Resolved.Fields.Count == 0;

    /// <summary>The keys of the root object in the order they were first defined. Resolves the configuration.</summary>
    public IReadOnlyList<string> Keys => [.. Resolved.Fields.Keys];

    internal HoconObject Resolved => _resolved.Value;

    /// <summary>
    /// Resolves every substitution now and returns the resolved configuration, so errors surface at a
    /// chosen moment instead of on the first read.
    /// </summary>
    /// <exception cref="ConfigException">A required substitution is missing, substitutions form a cycle, or a concatenation mixes kinds.</exception>
    public Config Resolve() => IsResolved ? this : new Config(Resolved);

    /// <summary>
    /// Returns a configuration where keys of this one win and keys only in <paramref name="fallback"/> are
    /// added; where both hold objects they merge recursively. Substitutions in either are resolved later,
    /// against the combined tree. Chains read left to right: <c>app.WithFallback(site).WithFallback(reference)</c>.
    /// </summary>
    public Config WithFallback(Config fallback)
    {
        ArgumentNullException.ThrowIfNull(fallback);
        return new Config(HoconMerge.MergeObjects(fallback._root, _root));
    }

    /// <summary>True when <paramref name="path"/> holds a value other than <c>null</c>.</summary>
    public bool HasPath(string path) => Find(path) is { } node && node is not HoconScalar { Kind: ScalarKind.Null };

    /// <summary>
    /// The object at <paramref name="path"/> as a configuration of its own (resolved), or <see cref="Empty"/>
    /// when the path is missing or null.
    /// </summary>
    /// <exception cref="ConfigException">The path holds something other than an object.</exception>
    public Config GetConfig(string path) => Find(path) switch
    {
        null or HoconScalar { Kind: ScalarKind.Null } => Empty,
        HoconObject obj => new Config(obj),
        var other => throw WrongType(path, other, "an object"),
    };

    /// <summary>The resolved configuration as indented JSON, object keys in ordinal order.</summary>
    public string ToJson() => ConfigJsonWriter.Write(Resolved);

    /// <summary>The resolved value at a path, or null when any element of the path is missing.</summary>
    internal HoconNode? Find(string path)
    {
        HoconNode current = Resolved;
        foreach (var key in HoconPath.Parse(path))
        {
            if (current is not HoconObject obj || !obj.Fields.TryGetValue(key, out var child))
            {
                return null;
            }

            current = child;
        }

        return current;
    }

    private HoconNode Require(string path) =>
        Find(path) ?? throw new ConfigException($"no configuration setting found for path '{path}'");

    private static ConfigException WrongType(string path, HoconNode node, string expected)
    {
        var value = node is HoconScalar { Kind: not ScalarKind.Null } scalar ? $" ('{scalar.Text}')" : string.Empty;
        return new ConfigException(node.Origin, $"path '{path}' is {HoconMerge.KindName(node)}{value}; expected {expected}");
    }
}
