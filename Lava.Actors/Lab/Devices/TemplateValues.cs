using System.Collections;
using System.Globalization;
using System.Text;

namespace Lava.Actors.Lab.Devices;

/// <summary>jinja2's default Undefined: falsy, empty when printed or iterated, an error when used otherwise.</summary>
internal sealed record Undefined(string Name)
{
    public override string ToString() => string.Empty;
}

/// <summary>A callable value (a dict's bound <c>get</c>, <c>super</c>, <c>self.block</c>).</summary>
internal delegate object? TemplateCallable(IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> kwargs);

/// <summary>A failure while evaluating; the renderer adds the template file and line.</summary>
internal sealed class TemplateRuntimeError(string message) : Exception(message);

/// <summary>
/// Python semantics over the values templates handle: string, long, double, bool, null, IList (list), IDictionary
/// (dict, insertion ordered), <see cref="Undefined"/> and <see cref="TemplateCallable"/>.
/// </summary>
internal static class TemplateValues
{
    public static bool Truthy(object? value) => value switch
    {
        null or Undefined => false,
        bool b => b,
        string s => s.Length > 0,
        long l => l != 0,
        int i => i != 0,
        double d => d != 0,
        ICollection c => c.Count > 0,
        _ => true,
    };

    /// <summary>Python's <c>str()</c>: what <c>{{ value }}</c> prints.</summary>
    public static string Str(object? value) => value switch
    {
        string s => s,
        Undefined => string.Empty,
        _ => Repr(value),
    };

    /// <summary>Python's <c>repr()</c>, as it appears inside printed lists and dicts.</summary>
    public static string Repr(object? value)
    {
        switch (value)
        {
            case null: return "None";
            case Undefined: return "Undefined";
            case bool b: return b ? "True" : "False";
            case long or int: return Convert.ToString(value, CultureInfo.InvariantCulture)!;
            case double d: return FloatRepr(d);
            case string s: return StringRepr(s);
            case IDictionary map:
                {
                    var parts = new List<string>();
                    foreach (DictionaryEntry entry in map)
                    {
                        parts.Add(Repr(entry.Key) + ": " + Repr(entry.Value));
                    }

                    return "{" + string.Join(", ", parts) + "}";
                }

            case IList list:
                return "[" + string.Join(", ", list.Cast<object?>().Select(Repr)) + "]";
            default: return value.ToString() ?? string.Empty;
        }
    }

    private static string FloatRepr(double d)
    {
        if (double.IsPositiveInfinity(d)) return "inf";
        if (double.IsNegativeInfinity(d)) return "-inf";
        if (double.IsNaN(d)) return "nan";
        if (d == Math.Floor(d) && Math.Abs(d) < 1e16) return d.ToString("F1", CultureInfo.InvariantCulture);
        var text = d.ToString("R", CultureInfo.InvariantCulture);
        return text.Replace("E+", "e+", StringComparison.Ordinal).Replace("E-", "e-", StringComparison.Ordinal);
    }

    private static string StringRepr(string s)
    {
        var quote = s.Contains('\'', StringComparison.Ordinal) && !s.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        var sb = new StringBuilder().Append(quote);
        foreach (var c in s)
        {
            switch (c)
            {
                case '\\': sb.Append(@"\\"); break;
                case '\n': sb.Append(@"\n"); break;
                case '\r': sb.Append(@"\r"); break;
                case '\t': sb.Append(@"\t"); break;
                default:
                    if (c == quote) sb.Append('\\').Append(c);
                    else if (c < ' ' || c == 0x7f) sb.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
                    else sb.Append(c);
                    break;
            }
        }

        return sb.Append(quote).ToString();
    }

    public static bool IsNumber(object? v) => v is long or int or double;

    public static new bool Equals(object? a, object? b)
    {
        if ((IsNumber(a) || a is bool) && (IsNumber(b) || b is bool)) return ToDouble(a) == ToDouble(b);
        if (a is Undefined || b is Undefined) return a is Undefined && b is Undefined;
        if (a is IDictionary da && b is IDictionary db)
        {
            return da.Count == db.Count && da.Keys.Cast<object>().All(k => db.Contains(k) && Equals(da[k], db[k]));
        }

        if (a is IList la && b is IList lb && a is not IDictionary && b is not IDictionary)
        {
            return la.Count == lb.Count && Enumerable.Range(0, la.Count).All(i => Equals(la[i], lb[i]));
        }

        return object.Equals(a, b);
    }

    public static double ToDouble(object? v) => v switch
    {
        bool b => b ? 1 : 0,
        long l => l,
        int i => i,
        double d => d,
        _ => throw new TemplateRuntimeError($"{TypeName(v)} is not a number"),
    };

    public static string TypeName(object? v) => v switch
    {
        null => "NoneType",
        Undefined u => $"'{u.Name}' (undefined)",
        bool => "bool",
        long or int => "int",
        double => "float",
        string => "str",
        IDictionary => "dict",
        IList => "list",
        _ => v.GetType().Name,
    };

    /// <summary>Python iteration: a dict yields its keys, a string its characters, Undefined nothing.</summary>
    public static IEnumerable<object?> Iterate(object? value) => value switch
    {
        Undefined => [],
        string s => s.Select(c => (object?)c.ToString()),
        IDictionary map => map.Keys.Cast<object?>(),
        IList list => list.Cast<object?>(),
        _ => throw new TemplateRuntimeError($"{TypeName(value)} is not iterable"),
    };

    public static bool Contains(object? container, object? item) => container switch
    {
        string s => item is string sub ? s.Contains(sub, StringComparison.Ordinal) : throw new TemplateRuntimeError($"'in <string>' requires string as left operand, not {TypeName(item)}"),
        IDictionary map => item is not null && map.Keys.Cast<object?>().Any(k => Equals(k, item)),
        _ => Iterate(container).Any(x => Equals(x, item)),
    };

    public static int Compare(object? a, object? b)
    {
        if (IsNumber(a) || a is bool) return (IsNumber(b) || b is bool) ? ToDouble(a).CompareTo(ToDouble(b)) : throw Unorderable(a, b);
        if (a is string sa && b is string sb) return string.CompareOrdinal(sa, sb);
        throw Unorderable(a, b);
    }

    private static TemplateRuntimeError Unorderable(object? a, object? b) =>
        new($"'<' not supported between instances of {TypeName(a)} and {TypeName(b)}");

    public static object? Add(object? a, object? b)
    {
        FailIfUndefined(a, b);
        if (a is string sa && b is string sb) return sa + sb;
        if (a is IList la && b is IList lb && a is not IDictionary && b is not IDictionary) return la.Cast<object?>().Concat(lb.Cast<object?>()).ToList();
        return Arithmetic(a, b, "+", (x, y) => x + y, (x, y) => x + y);
    }

    public static object? Arithmetic(object? a, object? b, string op, Func<long, long, long> integer, Func<double, double, double> real)
    {
        FailIfUndefined(a, b);
        if ((a is long or int or bool) && (b is long or int or bool)) return integer((long)ToDouble(a), (long)ToDouble(b));
        if ((IsNumber(a) || a is bool) && (IsNumber(b) || b is bool)) return real(ToDouble(a), ToDouble(b));
        throw new TemplateRuntimeError($"unsupported operand type(s) for {op}: {TypeName(a)} and {TypeName(b)}");
    }

    public static void FailIfUndefined(params object?[] values)
    {
        foreach (var v in values)
        {
            if (v is Undefined u) throw new TemplateRuntimeError($"'{u.Name}' is undefined");
        }
    }
}
