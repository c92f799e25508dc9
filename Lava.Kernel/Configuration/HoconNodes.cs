namespace Lava.Kernel.Configuration;

/// <summary>
/// A node of a parsed HOCON tree. Parsed trees may hold substitutions, concatenations and delayed merges;
/// a resolved tree holds only objects, arrays and scalars. Nodes are never mutated once built, so
/// trees can share subtrees.
/// </summary>
internal abstract class HoconNode(ConfigOrigin origin)
{
    public ConfigOrigin Origin { get; } = origin;

    /// <summary>True when the subtree contains no substitution, concatenation or delayed merge.</summary>
    public abstract bool IsResolved { get; }
}

internal enum ScalarKind
{
    String,
    Number,
    Boolean,
    Null,
}

internal sealed class HoconScalar : HoconNode
{
    private HoconScalar(ConfigOrigin origin, ScalarKind kind, string text, bool isWhitespace)
        : base(origin)
    {
        Kind = kind;
        Text = text;
        IsWhitespace = isWhitespace;
    }

    public ScalarKind Kind { get; }

    /// <summary>The value as written (numbers keep their original spelling, as concatenation requires).</summary>
    public string Text { get; }

    /// <summary>Unquoted whitespace between concatenated values: kept between strings, dropped between arrays or objects.</summary>
    public bool IsWhitespace { get; }

    public override bool IsResolved => true;

    public static HoconScalar String(ConfigOrigin origin, string text) => new(origin, ScalarKind.String, text, false);

    public static HoconScalar Whitespace(ConfigOrigin origin, string text) => new(origin, ScalarKind.String, text, true);

    public static HoconScalar Number(ConfigOrigin origin, string text) => new(origin, ScalarKind.Number, text, false);

    public static HoconScalar Boolean(ConfigOrigin origin, bool value) => new(origin, ScalarKind.Boolean, value ? "true" : "false", false);

    public static HoconScalar Null(ConfigOrigin origin) => new(origin, ScalarKind.Null, "null", false);
}

internal sealed class HoconObject : HoconNode
{
    private bool? _isResolved;

    public HoconObject(ConfigOrigin origin, OrderedDictionary<string, HoconNode> fields)
        : base(origin) => Fields = fields;

    /// <summary>Fields in definition order. Callers copy before changing (see <see cref="HoconMerge"/>).</summary>
    public OrderedDictionary<string, HoconNode> Fields { get; }

    public override bool IsResolved => _isResolved ??= Fields.Values.All(static v => v.IsResolved);

    public static HoconObject Empty(ConfigOrigin origin) => new(origin, new OrderedDictionary<string, HoconNode>(StringComparer.Ordinal));
}

internal sealed class HoconArray(ConfigOrigin origin, IReadOnlyList<HoconNode> items) : HoconNode(origin)
{
    private bool? _isResolved;

    public IReadOnlyList<HoconNode> Items { get; } = items;

    public override bool IsResolved => _isResolved ??= Items.All(static v => v.IsResolved);
}

/// <summary>
/// <c>${path}</c> or <c>${?path}</c>. <see cref="FallbackPath"/> is the path as written in an included
/// file: the spec looks it up relative to the include point first (<see cref="Path"/>), then from the root.
/// </summary>
internal sealed class HoconSubstitution(ConfigOrigin origin, IReadOnlyList<string> path, IReadOnlyList<string>? fallbackPath, bool optional)
    : HoconNode(origin)
{
    public IReadOnlyList<string> Path { get; } = path;

    public IReadOnlyList<string>? FallbackPath { get; } = fallbackPath;

    public bool Optional { get; } = optional;

    public override bool IsResolved => false;

    /// <summary>The path as written in the source, which is also the environment variable name tried last.</summary>
    public string WrittenPath => HoconPath.Render(FallbackPath ?? Path);

    public override string ToString() => Optional ? $"${{?{WrittenPath}}}" : $"${{{WrittenPath}}}";
}

/// <summary>Values written side by side on one line whose kinds are only known after substitution.</summary>
internal sealed class HoconConcatenation(ConfigOrigin origin, IReadOnlyList<HoconNode> pieces) : HoconNode(origin)
{
    public IReadOnlyList<HoconNode> Pieces { get; } = pieces;

    public override bool IsResolved => false;
}

/// <summary>
/// Successive values of one field (oldest first) that cannot be merged before substitution, because a
/// layer's kind is unknown or because a later layer refers to the earlier ones (<c>path = ${path}":/bin"</c>).
/// </summary>
internal sealed class HoconMergeStack(ConfigOrigin origin, IReadOnlyList<HoconNode> layers) : HoconNode(origin)
{
    public IReadOnlyList<HoconNode> Layers { get; } = layers;

    public override bool IsResolved => false;
}
