using System.Collections;

namespace Lava.Host.Master.Gateway.XmlRpc;

/// <summary>
/// The positional parameters of a call, read by the name LAVA gives each. A missing required parameter, one of the
/// wrong type or too many parameters are fault −32602 naming the parameter; a nil optional parameter is its default.
/// </summary>
internal sealed class XmlRpcParams(IReadOnlyList<object?> values)
{
    public int Count => values.Count;

    /// <summary>Refuses calls with more than <paramref name="max"/> parameters.</summary>
    public XmlRpcParams AtMost(int max, string method) => values.Count <= max
        ? this
        : throw new XmlRpcFault(XmlRpcFault.InvalidParams, $"{method} takes at most {max} parameters ({values.Count} given)");

    public string String(int index, string name) =>
        OptionalString(index, name) ?? throw new XmlRpcFault(XmlRpcFault.InvalidParams, $"{name}: a string is required");

    public string? OptionalString(int index, string name) => Get(index) switch
    {
        null => null,
        string s => s,
        byte[] b => System.Text.Encoding.UTF8.GetString(b),
        var other => throw WrongType(name, "a string", other),
    };

    public bool Bool(int index, string name, bool fallback) => OptionalBool(index, name) ?? fallback;

    public bool? OptionalBool(int index, string name) => Get(index) switch
    {
        null => null,
        bool b => b,
        int i => i != 0,
        var other => throw WrongType(name, "a boolean", other),
    };

    public int? OptionalInt(int index, string name) => Get(index) switch
    {
        null => null,
        int i => i,
        var other => throw WrongType(name, "an integer", other),
    };

    public object? Raw(int index) => Get(index);

    private object? Get(int index) => index < values.Count ? values[index] : null;

    private static XmlRpcFault WrongType(string name, string expected, object value) =>
        new(XmlRpcFault.InvalidParams, $"{name}: {expected} is required, not {Describe(value)}");

    private static string Describe(object value) => value switch
    {
        string => "a string",
        bool => "a boolean",
        int or long => "an integer",
        double => "a double",
        DateTime => "a dateTime",
        byte[] => "base64",
        IEnumerable<KeyValuePair<string, object?>> => "a struct",
        IEnumerable => "an array",
        _ => value.GetType().Name,
    };
}
