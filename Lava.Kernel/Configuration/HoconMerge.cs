namespace Lava.Kernel.Configuration;

/// <summary>Duplicate-key merging and value concatenation, shared by the parser, fallbacks and the resolver.</summary>
internal static class HoconMerge
{
    /// <summary>
    /// The value of a field set to <paramref name="older"/> and then to <paramref name="newer"/>: objects merge
    /// key by key, any other resolved value replaces; when either side is unresolved the decision waits
    /// for substitution in a <see cref="HoconMergeStack"/>.
    /// </summary>
    public static HoconNode Merge(HoconNode older, HoconNode newer)
    {
        if (older is HoconObject olderObject && newer is HoconObject newerObject)
        {
            return MergeObjects(olderObject, newerObject);
        }

        if (newer is HoconScalar or HoconArray || (newer is HoconObject && older is HoconScalar or HoconArray))
        {
            return newer;
        }

        return new HoconMergeStack(newer.Origin, [.. Layers(older), .. Layers(newer)]);
    }

    public static HoconObject MergeObjects(HoconObject older, HoconObject newer)
    {
        var fields = new OrderedDictionary<string, HoconNode>(older.Fields, StringComparer.Ordinal);
        foreach (var (key, value) in newer.Fields)
        {
            fields[key] = fields.TryGetValue(key, out var previous) ? Merge(previous, value) : value;
        }

        return new HoconObject(newer.Origin, fields);
    }

    /// <summary>
    /// Joins the defined pieces of a concatenation: strings (with the whitespace between them), arrays
    /// (appended) or objects (merged); mixing kinds is an error. Null when no piece is defined.
    /// </summary>
    /// <param name="pieces">Each piece and whether it came from a substitution (a substituted null reads as "").</param>
    public static HoconNode? Concatenate(IReadOnlyList<(HoconNode Node, bool FromSubstitution)> pieces, ConfigOrigin origin)
    {
        var values = pieces.Where(static p => !IsWhitespace(p.Node)).ToList();
        if (values.Count == 0)
        {
            return null;
        }

        if (values.All(static p => p.Node is HoconObject))
        {
            return values.Select(static p => p.Node).Aggregate(Merge);
        }

        if (values.All(static p => p.Node is HoconArray))
        {
            return new HoconArray(origin, [.. values.SelectMany(static p => ((HoconArray)p.Node).Items)]);
        }

        var container = values.FirstOrDefault(static p => p.Node is HoconObject or HoconArray);
        if (container.Node is not null)
        {
            var other = values.First(p => p.Node.GetType() != container.Node.GetType());
            throw new ConfigException(container.Node.Origin, $"cannot concatenate {KindName(container.Node)} with {KindName(other.Node)}");
        }

        // Whitespace before the first and after the last value is not part of the string.
        var first = 0;
        while (IsWhitespace(pieces[first].Node))
        {
            first++;
        }

        var last = pieces.Count - 1;
        while (IsWhitespace(pieces[last].Node))
        {
            last--;
        }

        if (first == last)
        {
            return values[0].Node;
        }

        var text = string.Concat(pieces.Skip(first).Take(last - first + 1).Select(static p =>
            p.FromSubstitution && p.Node is HoconScalar { Kind: ScalarKind.Null } ? string.Empty : ((HoconScalar)p.Node).Text));
        return HoconScalar.String(origin, text);
    }

    public static string KindName(HoconNode node) => node switch
    {
        HoconObject => "an object",
        HoconArray => "an array",
        HoconScalar { Kind: ScalarKind.Number } => "a number",
        HoconScalar { Kind: ScalarKind.Boolean } => "a boolean",
        HoconScalar { Kind: ScalarKind.Null } => "null",
        HoconScalar => "a string",
        _ => "an unresolved value",
    };

    private static bool IsWhitespace(HoconNode node) => node is HoconScalar { IsWhitespace: true };

    private static IEnumerable<HoconNode> Layers(HoconNode node) => node is HoconMergeStack stack ? stack.Layers : [node];
}
