using System.Globalization;
using System.Text.RegularExpressions;

namespace Lava.Devices.TestShell;

/// <summary>One test case a parse pattern found: LAVA's <c>test_case_id</c>, <c>result</c>, <c>measurement</c>, <c>units</c>.</summary>
public sealed record ParsedCase(string Id, string Result, string? Measurement, string? Units);

/// <summary>
/// A test definition's <c>parse: pattern</c> (or a monitor's <c>pattern</c>) with its <c>fixupdict</c> (§6.5): a Python
/// regular expression in multiline mode whose named groups <c>test_case_id</c> and <c>result</c> (and optionally
/// <c>measurement</c>, <c>units</c>) make a test case. Python's <c>(?P&lt;name&gt;…)</c> and <c>(?P=name)</c> are
/// accepted. The fixupdict maps raw results; a result that is not pass/fail/skip/unknown after it is dropped, as
/// LAVA's server drops it; <c>/</c> in an id becomes <c>_</c> and an id with spaces is skipped.
/// </summary>
public sealed partial class ParsePattern
{
    private static readonly HashSet<string> Results = ["pass", "fail", "skip", "unknown"];

    private static readonly IReadOnlyDictionary<string, string> DefaultFixup =
        new Dictionary<string, string> { ["PASS"] = "pass", ["FAIL"] = "fail", ["SKIP"] = "skip", ["UNKNOWN"] = "unknown" };

    private ParsePattern(string source, Regex regex, IReadOnlyDictionary<string, string> fixup)
    {
        Source = source;
        Regex = regex;
        Fixup = fixup;
    }

    /// <summary>The pattern as written (Python syntax).</summary>
    public string Source { get; }

    /// <summary>The pattern as a .NET regular expression, multiline.</summary>
    public Regex Regex { get; }

    /// <summary>The result mapping in use.</summary>
    public IReadOnlyDictionary<string, string> Fixup { get; }

    /// <summary>
    /// Compiles <paramref name="pattern"/>; <paramref name="fixupdict"/> null means LAVA's default map. Throws a
    /// TestError <see cref="TestShellError"/> as LAVA does for a pattern that does not compile.
    /// </summary>
    public static ParsePattern Create(string pattern, IReadOnlyDictionary<string, string>? fixupdict = null)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        try
        {
            var regex = new Regex(FromPython(pattern), RegexOptions.Multiline | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(5));
            return new ParsePattern(pattern, regex, fixupdict ?? DefaultFixup);
        }
        catch (ArgumentException e)
        {
            throw TestShellError.Test($"Error parsing regular expression '{pattern}': {e.Message}", e);
        }
    }

    /// <summary>The <c>parse</c> block of a test definition tree, or null when it has no pattern.</summary>
    public static ParsePattern? FromTestDefinition(OrderedDictionary<object, object?> definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (definition.GetValueOrDefault("parse") is not OrderedDictionary<object, object?> parse || !parse.TryGetValue("pattern", out var pattern))
        {
            return null;
        }
        return FromBlock(pattern, parse.GetValueOrDefault("fixupdict"));
    }

    /// <summary>A pattern and fixupdict given as tree values (a test definition's or a monitor's).</summary>
    public static ParsePattern FromBlock(object? pattern, object? fixupdict)
    {
        if (pattern is not string text)
        {
            throw TestShellError.Test($"Unrecognised test parse pattern type: {pattern?.GetType().Name ?? "null"}");
        }
        var fixup = fixupdict is OrderedDictionary<object, object?> ? TreeText.Pairs(fixupdict).ToDictionary() : null;
        return Create(text, fixup);
    }

    /// <summary>Every test case the pattern finds in <paramref name="text"/>, in order.</summary>
    public IReadOnlyList<ParsedCase> Apply(string text) =>
        [.. Regex.Matches(text).Select(ToCase).OfType<ParsedCase>()];

    /// <summary>
    /// The test case of one match, or null when LAVA would not record it (no id, an id with spaces, a result outside
    /// pass/fail/skip/unknown). A measurement that is not a decimal is a TestError, as in LAVA.
    /// </summary>
    public ParsedCase? ToCase(Match match)
    {
        ArgumentNullException.ThrowIfNull(match);
        var id = Group(match, "test_case_id")?.Replace('/', '_').Trim();
        var raw = Group(match, "result");
        if (string.IsNullOrEmpty(id) || id.Contains(' ', StringComparison.Ordinal) || raw is null)
        {
            return null;
        }
        var result = Fixup.TryGetValue(raw, out var mapped) ? mapped : raw;
        if (!Results.Contains(result))
        {
            return null;
        }
        var measurement = Group(match, "measurement");
        if (measurement is not null)
        {
            measurement = Measurement(measurement);
        }
        return new ParsedCase(id, result, measurement, measurement is null ? null : Group(match, "units"));
    }

    /// <summary><paramref name="text"/> checked as a decimal the way Python's <c>Decimal()</c> reads it; a TestError otherwise.</summary>
    internal static string Measurement(string text) =>
        decimal.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            ? text.Trim()
            : throw TestShellError.Test($"Invalid measurement {text}");

    private static string? Group(Match match, string name) => match.Groups[name] is { Success: true } g ? g.Value : null;

    // Python's named groups and back-references in .NET's syntax.
    private static string FromPython(string pattern) =>
        PythonBackReference().Replace(PythonGroup().Replace(pattern, "(?<"), @"\k<$1>");

    [GeneratedRegex(@"\(\?P<")]
    private static partial Regex PythonGroup();

    [GeneratedRegex(@"\(\?P=(\w+)\)")]
    private static partial Regex PythonBackReference();
}
