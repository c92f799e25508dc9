using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;

namespace Lava.Actors.Jobs.Definition;

/// <summary>A path element voluptuous prints as <c>&lt;name&gt;</c> (the group of an exclusion).</summary>
internal sealed record VirtualPathComponent(string Name);

/// <summary>
/// The first error of a validation, with voluptuous' text: <c>msg[ for error_type][ @ data[path]]</c>.
/// </summary>
internal sealed record SchemaError(string Message, ImmutableArray<object> Path, string? ErrorType = null)
{
    public override string ToString() =>
        Message + (ErrorType is null ? "" : " for " + ErrorType)
        + (Path.IsEmpty ? "" : " @ data[" + string.Join("][", Path.Select(Python.Repr)) + "]");

    /// <summary>The path as Python prints a list: <c>['protocols', 'lava-multinode']</c>.</summary>
    public string PathText => "[" + string.Join(", ", Path.Select(Python.Repr)) + "]";
}

/// <summary>A check of one value at a path: null when it passes, else the first error (all LAVA reports).</summary>
internal delegate SchemaError? Rule(ImmutableArray<object> path, object? value);

/// <summary>
/// One key of a mapping rule: a literal name or a rule on the key itself. A required key may carry its own message
/// (voluptuous' <c>Required(key, msg)</c>); a required key rule is shown in the path as <see cref="Shown"/>.
/// </summary>
internal sealed record Key(string? Literal, Rule? KeyRule, Rule Value, bool Required = false, string? Exclusive = null,
    string? Message = null, object? Shown = null);

/// <summary>
/// The parts of voluptuous LAVA's schemas use, with its error choice: mappings report data keys in document
/// order, then missing required keys; Any keeps the error with the longest path (the first on ties).
/// </summary>
internal static class Rules
{
    public static SchemaError Fail(ImmutableArray<object> path, string message) => new(message, path);

    public static Key Req(string name, Rule value) => new(name, null, value, Required: true);

    public static Key Opt(string name, Rule value) => new(name, null, value);

    public static Key Excl(string name, string group, Rule value) => new(name, null, value, Exclusive: group);

    public static Key AnyKey(Rule keyRule, Rule value) => new(null, keyRule, value);

    /// <summary><c>Required(str, msg)</c>: at least one string key; the path shows the type as Python prints it.</summary>
    public static Key ReqAnyStr(Rule value, string message) => new(null, Str, value, Required: true, Message: message,
        Shown: new VirtualPathComponent("class 'str'"));

    /// <summary>The keys of several Python dicts merged with <c>{**a, **b}</c>: a later literal key replaces an earlier one.</summary>
    public static Key[] Merge(params IEnumerable<Key>[] parts)
    {
        var merged = new List<Key>();
        foreach (var key in parts.SelectMany(p => p))
        {
            var index = key.Literal is null ? -1 : merged.FindIndex(k => k.Literal == key.Literal);
            if (index >= 0)
            {
                merged[index] = key;
            }
            else
            {
                merged.Add(key);
            }
        }
        return [.. merged];
    }

    public static readonly Rule Str = Type("str", v => v is string);
    public static readonly Rule Int = Type("int", Python.IsInt);
    public static readonly Rule Bool = Type("bool", v => v is bool);
    public static readonly Rule Dict = Type("dict", v => v is OrderedDictionary<object, object?>);
    public static readonly Rule List = Type("list", v => v is List<object?>);
    public static readonly Rule Anything = (_, _) => null;

    public static Rule Type(string name, Func<object?, bool> test) =>
        (path, value) => test(value) ? null : Fail(path, "expected " + name);

    public static Rule Literal(string expected) =>
        (path, value) => value is string s && s == expected ? null : Fail(path, "not a valid value");

    /// <summary>The literal <c>None</c> of a schema.</summary>
    public static readonly Rule Null = (path, value) => value is null ? null : Fail(path, "not a valid value");

    /// <summary>voluptuous' <c>Msg</c>: the inner rule's failure on the value itself gets <paramref name="message"/>.</summary>
    public static Rule Msg(Rule inner, string message) => (path, value) =>
        inner(path, value) is not { } error ? null
        : error.Path.Length > path.Length + 1 ? error
        : Fail(path, message);

    public static Rule Map(bool extra, params Key[] keys)
    {
        // A key is found by its position: equal keys twice in one map would be found apart.
        Debug.Assert(keys.Distinct().Count() == keys.Length, "a mapping rule lists a key twice");
        // Worked out once per schema rather than per value: every submission runs these rules.
        var exclusions = keys.Where(k => k.Exclusive is not null).GroupBy(k => k.Exclusive!)
            .Select(g => (Group: g.Key, Names: g.Select(k => k.Literal!).ToArray())).ToArray();
        var keyRules = Enumerable.Range(0, keys.Length).Where(i => keys[i].KeyRule is not null).ToArray();
        return (path, value) =>
        {
            if (value is not OrderedDictionary<object, object?> data)
            {
                return Fail(path, "expected a dictionary");
            }
            foreach (var (group, names) in exclusions)
            {
                if (names.Count(data.ContainsKey) > 1)
                {
                    return Fail(path.Add(new VirtualPathComponent(group)), $"two or more values in the same group of exclusion '{group}'");
                }
            }
            var found = new bool[keys.Length];
            foreach (var (key, item) in data)
            {
                var keyPath = path.Add(key);
                SchemaError? error = null;
                var matched = false;
                // The keys named by this data key, in schema order, then those matching keys by a rule.
                if (key is string name)
                {
                    for (var i = 0; i < keys.Length && !matched; i++)
                    {
                        if (keys[i].Literal == name)
                        {
                            matched = TryKey(keys, i, keyPath, key, item, found, out error);
                        }
                    }
                }
                for (var r = 0; r < keyRules.Length && !matched; r++)
                {
                    matched = TryKey(keys, keyRules[r], keyPath, key, item, found, out error);
                }
                if (error is not null)
                {
                    return error.Path.Length <= keyPath.Length ? error with { ErrorType = "dictionary value" } : error;
                }
                if (!matched && !extra)
                {
                    return Fail(keyPath, "extra keys not allowed");
                }
            }
            for (var i = 0; i < keys.Length; i++)
            {
                if (keys[i].Required && !found[i])
                {
                    return Fail(path.Add(keys[i].Literal ?? keys[i].Shown!), keys[i].Message ?? "required key not provided");
                }
            }
            return null;
        };
    }

    /// <summary>
    /// Whether <c>keys[index]</c> takes <paramref name="key"/> (its key rule passes); if so it is found, and
    /// <paramref name="error"/> is its value rule's verdict on <paramref name="item"/>.
    /// </summary>
    private static bool TryKey(Key[] keys, int index, ImmutableArray<object> keyPath, object key, object? item, bool[] found, out SchemaError? error)
    {
        error = null;
        if (keys[index].KeyRule?.Invoke(keyPath, key) is not null)
        {
            return false;
        }
        found[index] = true;
        error = keys[index].Value(keyPath, item);
        return true;
    }

    public static Rule Seq(Rule item) => (path, value) =>
    {
        if (value is not List<object?> list)
        {
            return Fail(path, "expected a list");
        }
        for (var i = 0; i < list.Count; i++)
        {
            if (item(path.Add(i), list[i]) is { } error)
            {
                return error;
            }
        }
        return null;
    };

    public static Rule Any(params Rule[] alternatives) => (path, value) =>
    {
        SchemaError? best = null;
        foreach (var alternative in alternatives)
        {
            if (alternative(path, value) is not { } error)
            {
                return null;
            }
            if (best is null || error.Path.Length > best.Path.Length)
            {
                best = error;
            }
        }
        return best ?? Fail(path, "no valid value found");
    };

    public static Rule All(params Rule[] rules) => (path, value) =>
        rules.Select(r => r(path, value)).FirstOrDefault(e => e is not null);

    public static Rule Range(long? min = null, long? max = null) => (path, value) =>
    {
        if (Python.AsNumber(value) is not { } number)
        {
            return Fail(path, "invalid value or type (must have a partial ordering)");
        }
        if (min is { } low && number < low)
        {
            return Fail(path, $"value must be at least {low}");
        }
        return max is { } high && number > high ? Fail(path, $"value must be at most {high}") : null;
    };

    public static Rule Length(int? min = null, int? max = null) => (path, value) =>
    {
        var length = value switch
        {
            string s => new StringInfo(s).LengthInTextElements,
            List<object?> l => l.Count,
            OrderedDictionary<object, object?> d => d.Count,
            _ => -1,
        };
        if (length < 0)
        {
            return Fail(path, "invalid value or type");
        }
        if (min is { } low && length < low)
        {
            return Fail(path, $"length of value must be at least {low}");
        }
        return max is { } high && length > high ? Fail(path, $"length of value must be at most {high}") : null;
    };

    /// <summary>voluptuous' <c>Match</c>: Python's <c>re.match</c>, so <paramref name="pattern"/> anchors its start itself.</summary>
    public static Rule Match(Regex pattern, string? message = null) => (path, value) =>
        value is not string s ? Fail(path, "expected string or buffer")
        : pattern.IsMatch(s) ? null
        : Fail(path, message ?? $"does not match regular expression {pattern}");

    public static Rule In(IReadOnlyCollection<string> allowed) => (path, value) =>
        value is string s && allowed.Contains(s) ? null : Fail(path, "value must be one of [" + string.Join(", ", allowed.Order(StringComparer.Ordinal).Select(Python.Repr)) + "]");

    public static Rule NotIn(IReadOnlyCollection<string> forbidden, string message) => (path, value) =>
        value is string s && forbidden.Contains(s) ? Fail(path, message) : null;
}

/// <summary>Python's view of the tree's scalars, where validators depend on it.</summary>
internal static class Python
{
    public static bool IsInt(object? value) => value is long or BigInteger or bool;

    public static double? AsNumber(object? value) => value switch
    {
        long l => l,
        BigInteger b => (double)b,
        double d => d,
        bool b => b ? 1 : 0,
        _ => null,
    };

    public static string Repr(object? value) => value switch
    {
        null => "None",
        string s => s.Contains('\'', StringComparison.Ordinal) && !s.Contains('"', StringComparison.Ordinal)
            ? "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal) + "\""
            : "'" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'",
        bool b => b ? "True" : "False",
        VirtualPathComponent v => "<" + v.Name + ">",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
