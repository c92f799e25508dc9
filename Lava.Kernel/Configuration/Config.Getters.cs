using System.Globalization;

namespace Lava.Kernel.Configuration;

public sealed partial class Config
{
    /// <summary>
    /// The string at <paramref name="path"/>; numbers and booleans are returned as written.
    /// </summary>
    /// <exception cref="ConfigException">The path is missing, or holds null, an object or an array.</exception>
    public string GetString(string path) => AsString(path, Require(path));

    /// <summary>Like <see cref="GetString(string)"/>, but returns <paramref name="defaultValue"/> when the path is missing or null.</summary>
    public string GetString(string path, string defaultValue) => Optional(path) is { } node ? AsString(path, node) : defaultValue;

    /// <summary>The 32-bit integer at <paramref name="path"/>; a string holding an integer is accepted.</summary>
    /// <exception cref="ConfigException">The path is missing, is not a whole number, or is out of range.</exception>
    public int GetInt(string path) => AsInt(path, Require(path));

    /// <summary>Like <see cref="GetInt(string)"/>, but returns <paramref name="defaultValue"/> when the path is missing or null.</summary>
    public int GetInt(string path, int defaultValue) => Optional(path) is { } node ? AsInt(path, node) : defaultValue;

    /// <summary>The 64-bit integer at <paramref name="path"/>; a string holding an integer is accepted.</summary>
    /// <exception cref="ConfigException">The path is missing, is not a whole number, or is out of range.</exception>
    public long GetLong(string path) => AsLong(path, Require(path));

    /// <summary>Like <see cref="GetLong(string)"/>, but returns <paramref name="defaultValue"/> when the path is missing or null.</summary>
    public long GetLong(string path, long defaultValue) => Optional(path) is { } node ? AsLong(path, node) : defaultValue;

    /// <summary>The number at <paramref name="path"/>; a string holding a number is accepted.</summary>
    /// <exception cref="ConfigException">The path is missing or is not a number.</exception>
    public double GetDouble(string path) => AsDouble(path, Require(path));

    /// <summary>Like <see cref="GetDouble(string)"/>, but returns <paramref name="defaultValue"/> when the path is missing or null.</summary>
    public double GetDouble(string path, double defaultValue) => Optional(path) is { } node ? AsDouble(path, node) : defaultValue;

    /// <summary>The boolean at <paramref name="path"/>; the strings yes/no and on/off are accepted too.</summary>
    /// <exception cref="ConfigException">The path is missing or holds another value.</exception>
    public bool GetBoolean(string path) => AsBoolean(path, Require(path));

    /// <summary>Like <see cref="GetBoolean(string)"/>, but returns <paramref name="defaultValue"/> when the path is missing or null.</summary>
    public bool GetBoolean(string path, bool defaultValue) => Optional(path) is { } node ? AsBoolean(path, node) : defaultValue;

    /// <summary>
    /// The duration at <paramref name="path"/>: a number with a unit (ns, us, ms, s, m, h, d or their long
    /// names such as <c>seconds</c>), a bare number of milliseconds, or <c>infinite</c>, which returns
    /// <see cref="Timeout.InfiniteTimeSpan"/>. Precision is one tick (100 ns).
    /// </summary>
    /// <exception cref="ConfigException">The path is missing or does not hold a duration.</exception>
    public TimeSpan GetTimeSpan(string path) => AsTimeSpan(path, Require(path));

    /// <summary>Like <see cref="GetTimeSpan(string)"/>, but returns <paramref name="defaultValue"/> when the path is missing or null.</summary>
    public TimeSpan GetTimeSpan(string path, TimeSpan defaultValue) => Optional(path) is { } node ? AsTimeSpan(path, node) : defaultValue;

    /// <summary>
    /// The size in bytes at <paramref name="path"/>: a bare number of bytes, or a number with a unit —
    /// <c>kB</c>/<c>KB</c>, <c>MB</c>, <c>GB</c>… are powers of 1000; <c>K</c>, <c>KiB</c>, <c>M</c>, <c>MiB</c>,
    /// <c>G</c>, <c>GiB</c>… are powers of 1024.
    /// </summary>
    /// <exception cref="ConfigException">The path is missing, does not hold a size, or the size overflows a long.</exception>
    public long GetByteSize(string path) => AsByteSize(path, Require(path));

    /// <summary>Like <see cref="GetByteSize(string)"/>, but returns <paramref name="defaultValue"/> when the path is missing or null.</summary>
    public long GetByteSize(string path, long defaultValue) => Optional(path) is { } node ? AsByteSize(path, node) : defaultValue;

    /// <summary>The array of strings (or numbers and booleans, returned as written) at <paramref name="path"/>.</summary>
    /// <exception cref="ConfigException">The path is missing, is not an array, or has an element that is not a simple value.</exception>
    public IReadOnlyList<string> GetStringList(string path) => AsStringList(path, Require(path));

    /// <summary>Like <see cref="GetStringList(string)"/>, but returns <paramref name="defaultValue"/> when the path is missing or null.</summary>
    public IReadOnlyList<string> GetStringList(string path, IReadOnlyList<string> defaultValue) =>
        Optional(path) is { } node ? AsStringList(path, node) : defaultValue;

    private HoconNode? Optional(string path) => Find(path) is var node and not HoconScalar { Kind: ScalarKind.Null } ? node : null;

    private static string AsString(string path, HoconNode node) => node is HoconScalar { Kind: not ScalarKind.Null } scalar
        ? scalar.Text
        : throw WrongType(path, node, "a string");

    private static int AsInt(string path, HoconNode node)
    {
        var value = AsLong(path, node);
        return value is >= int.MinValue and <= int.MaxValue
            ? (int)value
            : throw new ConfigException(node.Origin, $"path '{path}' holds {value}, which is out of range for a 32-bit integer");
    }

    private static long AsLong(string path, HoconNode node)
    {
        if (node is HoconScalar { Kind: ScalarKind.Number or ScalarKind.String } scalar)
        {
            if (long.TryParse(scalar.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
            {
                return integer;
            }

            // `1e3` and `2.0` are whole numbers written as decimals.
            if (double.TryParse(scalar.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real)
                && real == Math.Floor(real) && real is >= long.MinValue and < long.MaxValue)
            {
                return (long)real;
            }
        }

        throw WrongType(path, node, "a whole number");
    }

    private static double AsDouble(string path, HoconNode node) =>
        node is HoconScalar { Kind: ScalarKind.Number or ScalarKind.String } scalar
        && double.TryParse(scalar.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw WrongType(path, node, "a number");

    private static bool AsBoolean(string path, HoconNode node) => node is HoconScalar { Kind: ScalarKind.Boolean or ScalarKind.String } scalar
        ? scalar.Text switch
        {
            "true" or "yes" or "on" => true,
            "false" or "no" or "off" => false,
            _ => throw WrongType(path, node, "a boolean (true/false, yes/no, on/off)"),
        }
        : throw WrongType(path, node, "a boolean");

    private static TimeSpan AsTimeSpan(string path, HoconNode node) =>
        node is HoconScalar { Kind: ScalarKind.Number or ScalarKind.String } scalar && ConfigUnits.ParseDuration(scalar.Text) is { } duration
            ? duration
            : throw WrongType(path, node, "a duration (such as 10s, 250ms or infinite)");

    private static long AsByteSize(string path, HoconNode node) =>
        node is HoconScalar { Kind: ScalarKind.Number or ScalarKind.String } scalar && ConfigUnits.ParseByteSize(scalar.Text) is { } size
            ? size
            : throw WrongType(path, node, "a size in bytes (such as 512K or 10MiB)");

    private static IReadOnlyList<string> AsStringList(string path, HoconNode node) => node is HoconArray array
        ? [.. array.Items.Select((item, i) => AsString($"{path}[{i}]", item))]
        : throw WrongType(path, node, "an array");
}
