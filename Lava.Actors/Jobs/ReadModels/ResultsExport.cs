using System.Globalization;
using System.Text;
using System.Xml;

namespace Lava.Actors.Jobs.ReadModels;

/// <summary>
/// LAVA's results exports (spec §6.6): the YAML list and the CSV of <c>results.get_testjob_results_*</c> and REST
/// <c>jobs/N/yaml|csv</c>, and the JUnit XML of REST <c>jobs/N/junit</c>.
/// </summary>
public static class ResultsExport
{
    /// <summary>The export columns, in LAVA's order (<c>testcase_export_fields</c>).</summary>
    public static readonly IReadOnlyList<string> Fields =
        ["job", "suite", "result", "measurement", "unit", "duration", "timeout", "logged", "level", "metadata", "url", "name", "id", "log_start_line", "log_end_line"];

    /// <summary>
    /// The YAML export: a list of one map per case, keys sorted as PyYAML's <c>yaml.dump</c> sorts them, values quoted
    /// where PyYAML quotes them. Long values are not folded at 80 columns as PyYAML would.
    /// </summary>
    public static string Yaml(IEnumerable<StoredTestCase> cases)
    {
        ArgumentNullException.ThrowIfNull(cases);
        var sb = new StringBuilder();
        foreach (var c in cases)
        {
            var record = Record(c);
            var first = true;
            foreach (var (key, value) in record.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                sb.Append(first ? "- " : "  ");
                first = false;
                sb.Append(key).Append(':');
                if (value is IReadOnlyList<KeyValuePair<string, string>> map)
                {
                    if (map.Count == 0)
                    {
                        sb.Append(" {}\n");
                        continue;
                    }

                    sb.Append('\n');
                    foreach (var (k, v) in map.OrderBy(e => e.Key, StringComparer.Ordinal))
                    {
                        sb.Append("    ").Append(PyYamlText.Scalar(k)).Append(": ").Append(PyYamlText.Scalar(v)).Append('\n');
                    }
                }
                else
                {
                    sb.Append(' ').Append(PyYamlText.Scalar((string)value)).Append('\n');
                }
            }
        }

        return sb.Length == 0 ? "[]\n" : sb.ToString();
    }

    /// <summary>The CSV export: Python's <c>csv.DictWriter</c> with <c>QUOTE_ALL</c>, a header, CRLF line ends; the metadata column holds the Python repr of the map.</summary>
    public static string Csv(IEnumerable<StoredTestCase> cases)
    {
        ArgumentNullException.ThrowIfNull(cases);
        var sb = new StringBuilder();
        CsvLine(sb, Fields);
        foreach (var c in cases)
        {
            var record = Record(c);
            CsvLine(sb, Fields.Select(f => record.TryGetValue(f, out var v)
                ? v as string ?? PythonRepr((IReadOnlyList<KeyValuePair<string, string>>)v)
                : ""));
        }

        return sb.ToString();
    }

    /// <summary>
    /// JUnit XML: one <c>testsuite</c> per suite (in order of first report) with a <c>testcase</c> per case
    /// (<c>classname</c> = <paramref name="classnamePrefix"/> + suite), a <c>failure</c> for a failed case and
    /// <c>skipped</c> for a skipped one.
    /// </summary>
    public static string JUnit(IEnumerable<StoredTestCase> cases, string classnamePrefix = "")
    {
        ArgumentNullException.ThrowIfNull(cases);
        var suites = cases.GroupBy(c => c.Suite, StringComparer.Ordinal).ToList();
        var settings = new XmlWriterSettings { Indent = true, IndentChars = "\t", NewLineChars = "\n", Encoding = new UTF8Encoding(false) };
        using var output = new MemoryStream();
        using (var xml = XmlWriter.Create(output, settings))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("testsuites");
            WriteCounts(xml, suites.SelectMany(s => s));
            foreach (var suite in suites)
            {
                xml.WriteStartElement("testsuite");
                xml.WriteAttributeString("name", suite.Key);
                WriteCounts(xml, suite);
                foreach (var c in suite)
                {
                    xml.WriteStartElement("testcase");
                    xml.WriteAttributeString("classname", classnamePrefix + suite.Key);
                    xml.WriteAttributeString("name", c.Name);
                    xml.WriteAttributeString("timestamp", c.Logged.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture));
                    if (c.Result == TestResultCode.Fail)
                    {
                        xml.WriteStartElement("failure");
                        xml.WriteAttributeString("type", "failure");
                        xml.WriteAttributeString("message", c.LogLine is { } line ? $"failed (log line {line})" : "failed");
                        xml.WriteEndElement();
                    }
                    else if (c.Result == TestResultCode.Skip)
                    {
                        xml.WriteStartElement("skipped");
                        xml.WriteAttributeString("type", "skipped");
                        xml.WriteAttributeString("message", "skip");
                        xml.WriteEndElement();
                    }

                    xml.WriteEndElement();
                }

                xml.WriteEndElement();
            }

            xml.WriteEndElement();
        }

        return Encoding.UTF8.GetString(output.ToArray()) + "\n";
    }

    private static void WriteCounts(XmlWriter xml, IEnumerable<StoredTestCase> cases)
    {
        var list = cases.ToList();
        xml.WriteAttributeString("tests", list.Count.ToString(CultureInfo.InvariantCulture));
        xml.WriteAttributeString("failures", list.Count(c => c.Result == TestResultCode.Fail).ToString(CultureInfo.InvariantCulture));
        xml.WriteAttributeString("skipped", list.Count(c => c.Result == TestResultCode.Skip).ToString(CultureInfo.InvariantCulture));
        xml.WriteAttributeString("errors", "0");
    }

    /// <summary>One case as LAVA's <c>export_testcase</c> makes it: text values, and the metadata map.</summary>
    private static Dictionary<string, object> Record(StoredTestCase c)
    {
        var metadata = Metadata(c);
        var logLine = c.LogLine is { } line and > 0 ? line.ToString(CultureInfo.InvariantCulture) : "";
        return new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["name"] = c.Name,
            ["job"] = c.JobId.ToString(CultureInfo.InvariantCulture),
            ["suite"] = c.Suite,
            ["result"] = TestResultCodes.Name(c.Result),
            ["measurement"] = Measurement(c.Measurement),
            ["unit"] = c.Units ?? "None",
            ["level"] = c.Extra?.GetValueOrDefault("level") ?? "",
            ["url"] = "/results/testcase/" + c.Id.ToString(CultureInfo.InvariantCulture),
            ["id"] = c.Id.ToString(CultureInfo.InvariantCulture),
            ["logged"] = PythonDateTime(c.Logged),
            ["log_start_line"] = logLine,
            ["log_end_line"] = logLine,
            ["metadata"] = metadata,
        };
    }

    // The raw result map the case came from: definition, case and result first, as the test shell reports them.
    private static List<KeyValuePair<string, string>> Metadata(StoredTestCase c)
    {
        var map = new List<KeyValuePair<string, string>>
        {
            new("definition", c.Suite),
            new("case", c.Name),
            new("result", TestResultCodes.Name(c.Result)),
        };
        if (c.Set is { } set) map.Add(new("set", set));
        if (c.Measurement is { } measurement) map.Add(new("measurement", measurement));
        if (c.Units is { } units) map.Add(new("units", units));
        if (c.Extra is { } extra)
        {
            map.AddRange(extra.Where(e => map.All(m => m.Key != e.Key)));
        }

        return map;
    }

    // LAVA's DecimalField(max_digits=30, decimal_places=10) comes back from PostgreSQL with all ten decimals.
    private static string Measurement(string? measurement) =>
        measurement is null ? "None"
        : decimal.TryParse(measurement, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? decimal.Round(value, 10).ToString("0.0000000000", CultureInfo.InvariantCulture)
            : measurement;

    // str() of an aware Python datetime in UTC: microseconds only when non-zero.
    private static string PythonDateTime(DateTimeOffset at)
    {
        var utc = at.UtcDateTime;
        var micros = utc.Ticks % TimeSpan.TicksPerSecond / 10;
        return utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
            + (micros == 0 ? "" : "." + micros.ToString("D6", CultureInfo.InvariantCulture)) + "+00:00";
    }

    private static void CsvLine(StringBuilder sb, IEnumerable<string> values)
    {
        sb.AppendJoin(',', values.Select(v => "\"" + v.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"")).Append("\r\n");
    }

    private static string PythonRepr(IReadOnlyList<KeyValuePair<string, string>> map) =>
        "{" + string.Join(", ", map.Select(e => PyYamlText.PythonString(e.Key) + ": " + PyYamlText.PythonString(e.Value))) + "}";
}
