namespace Lava.Kernel.Configuration;

/// <summary>
/// Replaces every substitution in a merged tree. Lookups walk objects field by field and resolve only
/// the fields on their way, so an object may refer to its own fields (<c>bar { foo = 1, baz = ${bar.foo} }</c>).
/// A substitution that names its own field, or a path under it, sees the value the field had before
/// this assignment (<c>path = ${path}":/bin"</c>). A value that is undefined (an optional substitution
/// that found nothing) is returned as null and removes its field.
/// </summary>
internal sealed class HoconResolver
{
    private readonly HoconObject _root;
    private readonly Func<string, string?> _environment;
    private readonly Dictionary<HoconNode, HoconNode?> _resolved = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<HoconNode> _inProgress = new(ReferenceEqualityComparer.Instance);
    private readonly List<string> _trail = [];

    private HoconResolver(HoconObject root, Func<string, string?> environment)
    {
        _root = root;
        _environment = environment;
    }

    /// <param name="environment">Source of values for substitutions the tree does not define; the process environment when null.</param>
    public static HoconObject Resolve(HoconObject root, Func<string, string?>? environment = null)
    {
        if (root.IsResolved)
        {
            return root;
        }

        var resolver = new HoconResolver(root, environment ?? Environment.GetEnvironmentVariable);
        return (HoconObject)resolver.ResolveField(root, [])!;
    }

    /// <param name="path">The field's path, or null for array elements (which cannot refer to themselves).</param>
    private HoconNode? ResolveField(HoconNode node, IReadOnlyList<string>? path)
    {
        if (node.IsResolved)
        {
            return node;
        }

        if (_resolved.TryGetValue(node, out var done))
        {
            return done;
        }

        // Only substitution-bearing fields go on the trail: containers are entered, not waited on.
        var traced = node is not (HoconObject or HoconArray);
        if (!_inProgress.Add(node))
        {
            throw new ConfigException(node.Origin, $"substitution cycle: {string.Join(" -> ", _trail)} -> {Label(node, path)}");
        }

        if (traced)
        {
            _trail.Add(Label(node, path));
        }

        try
        {
            var result = node switch
            {
                HoconObject obj => ResolveObject(obj, path),
                HoconArray array => new HoconArray(array.Origin, [.. array.Items.Select(i => ResolveField(i, null)).OfType<HoconNode>()]),
                HoconMergeStack stack => ResolveLayers(stack.Layers, stack.Layers.Count, path),
                _ => ResolveLayer(node, path, static () => null),
            };
            _resolved[node] = result;
            return result;
        }
        finally
        {
            _inProgress.Remove(node);
            if (traced)
            {
                _trail.RemoveAt(_trail.Count - 1);
            }
        }
    }

    private static string Label(HoconNode node, IReadOnlyList<string>? path) =>
        path is null ? node.Origin.ToString() : HoconPath.Render(path);

    private HoconObject ResolveObject(HoconObject obj, IReadOnlyList<string>? path)
    {
        var fields = new OrderedDictionary<string, HoconNode>(StringComparer.Ordinal);
        foreach (var (key, value) in obj.Fields)
        {
            var resolved = ResolveField(value, path is null ? null : HoconPath.Append(path, key));
            if (resolved is not null)
            {
                fields[key] = resolved;
            }
        }

        return new HoconObject(obj.Origin, fields);
    }

    /// <summary>
    /// Resolves the top <paramref name="count"/> layers of a field, newest first: the layers below are
    /// resolved only when the top one needs them (an object to merge into, a self-reference, or an
    /// undefined top), so a replaced value's substitutions are never looked up.
    /// </summary>
    private HoconNode? ResolveLayers(IReadOnlyList<HoconNode> layers, int count, IReadOnlyList<string>? path)
    {
        if (count == 0)
        {
            return null;
        }

        HoconNode? below = null;
        var belowDone = false;
        HoconNode? Below()
        {
            if (!belowDone)
            {
                below = ResolveLayers(layers, count - 1, path);
                belowDone = true;
            }

            return below;
        }

        var top = ResolveLayer(layers[count - 1], path, Below);
        return top switch
        {
            null => Below(),
            HoconObject => Below() is HoconObject previous ? HoconMerge.Merge(previous, top) : top,
            _ => top,
        };
    }

    private HoconNode? ResolveLayer(HoconNode node, IReadOnlyList<string>? path, Func<HoconNode?> below)
    {
        switch (node)
        {
            case HoconSubstitution substitution:
                return ResolveSubstitution(substitution, path, below);
            case HoconConcatenation concatenation:
                var pieces = new List<(HoconNode, bool)>();
                foreach (var piece in concatenation.Pieces)
                {
                    var isSubstitution = piece is HoconSubstitution;
                    var value = isSubstitution ? ResolveSubstitution((HoconSubstitution)piece, path, below) : ResolveField(piece, path);
                    if (value is not null)
                    {
                        pieces.Add((value, isSubstitution));
                    }
                }

                return HoconMerge.Concatenate(pieces, concatenation.Origin);
            default:
                return ResolveField(node, path);
        }
    }

    private HoconNode? ResolveSubstitution(HoconSubstitution substitution, IReadOnlyList<string>? fieldPath, Func<HoconNode?> below)
    {
        HoconNode? found;
        if (fieldPath is not null && HoconPath.StartsWith(substitution.Path, fieldPath))
        {
            found = below() is { } previous ? Walk(previous, substitution.Path.Skip(fieldPath.Count)) : null;
        }
        else
        {
            found = Lookup(substitution.Path);
            if (found is null && substitution.FallbackPath is { } fallback)
            {
                found = Lookup(fallback);
            }
        }

        if (found is not null)
        {
            return found;
        }

        if (_environment(substitution.WrittenPath) is { } variable)
        {
            return HoconScalar.String(substitution.Origin, variable);
        }

        return substitution.Optional
            ? null
            : throw new ConfigException(substitution.Origin, $"could not resolve substitution {substitution}: path '{substitution.WrittenPath}' is not set and there is no environment variable of that name");
    }

    /// <summary>The resolved value at <paramref name="path"/> from the root, or null when it is not set.</summary>
    private HoconNode? Lookup(IReadOnlyList<string> path)
    {
        HoconNode current = _root;
        for (var i = 0; i < path.Count; i++)
        {
            if (current is not HoconObject obj || !obj.Fields.TryGetValue(path[i], out var child))
            {
                return null;
            }

            // An object field is final (objects merge eagerly), so it can be entered without resolving its siblings.
            var resolved = child is HoconObject && i < path.Count - 1 ? child : ResolveField(child, path.Take(i + 1).ToArray());
            if (resolved is null)
            {
                return null;
            }

            current = resolved;
        }

        return current;
    }

    private static HoconNode? Walk(HoconNode node, IEnumerable<string> path)
    {
        var current = node;
        foreach (var key in path)
        {
            if (current is not HoconObject obj || !obj.Fields.TryGetValue(key, out var child))
            {
                return null;
            }

            current = child;
        }

        return current;
    }
}
