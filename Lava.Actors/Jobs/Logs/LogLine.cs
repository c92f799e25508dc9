using System.Buffers;
using System.Globalization;
using System.Text;

namespace Lava.Actors.Jobs.Logs;

/// <summary>
/// LAVA's log line (spec §6.1): <c>- {"dt": "2023-01-10T10:00:00.123456", "lvl": "info", "msg": "..."}</c>, the
/// text PyYAML's safe dumper gives with <c>default_style='"'</c>, flow style and a width of 10^6.
/// </summary>
public static class LogLine
{
    /// <summary>The most characters a record may have before its message is replaced, as lava_common.log does.</summary>
    public const int MaxRecordLength = 1_000_000;

    /// <summary>The message LAVA puts in place of a record longer than <see cref="MaxRecordLength"/>.</summary>
    public const string TooLongMessage = "<line way too long ...>";

    private const int DtFormatted = 26; // yyyy-MM-dd'T'HH:mm:ss.ffffff

    // What a double-quoted scalar holds as is: printable ASCII but the quote and the backslash.
    private static readonly SearchValues<char> Plain = SearchValues.Create(
        [.. Enumerable.Range(' ', '~' - ' ' + 1).Where(c => c is not '"' and not '\\').Select(c => (char)c)]);

    /// <summary>The record's line, with the <c>- </c> list prefix and no newline.</summary>
    public static string Format(LogRecord record)
    {
        var sb = new StringBuilder(256);
        Record(sb, record);
        if (sb.Length > MaxRecordLength + 2)
            Record(sb.Clear(), record with { Msg = new LogText(TooLongMessage) });
        return sb.ToString();
    }

    /// <summary>Reads a line written by <see cref="Format"/> (or by LAVA); throws <see cref="FormatException"/> naming the problem.</summary>
    public static LogRecord Parse(string line) => new LogLineParser(line).Line();

    // The time as yyyy-MM-dd'T'HH:mm:ss.ffffff, written digit by digit: a format pattern costs more than the rest of a line.
    private static void AppendDt(StringBuilder sb, DateTimeOffset dt)
    {
        var utc = dt.UtcDateTime;
        Span<char> text = stackalloc char[DtFormatted];
        Digits(text[..4], utc.Year);
        text[4] = '-';
        Digits(text[5..7], utc.Month);
        text[7] = '-';
        Digits(text[8..10], utc.Day);
        text[10] = 'T';
        Digits(text[11..13], utc.Hour);
        text[13] = ':';
        Digits(text[14..16], utc.Minute);
        text[16] = ':';
        Digits(text[17..19], utc.Second);
        text[19] = '.';
        Digits(text[20..], (int)(utc.Ticks % TimeSpan.TicksPerSecond / 10));
        sb.Append('"').Append(text).Append('"');

        static void Digits(Span<char> into, int value)
        {
            for (var i = into.Length - 1; i >= 0; i--, value /= 10) into[i] = (char)('0' + value % 10);
        }
    }

    private static void Record(StringBuilder sb, LogRecord record)
    {
        sb.Append("- {\"dt\": ");
        AppendDt(sb, record.Dt);
        sb.Append(", \"lvl\": ");
        Quoted(sb, record.Level);
        sb.Append(", \"msg\": ");
        Value(sb, record.Msg);
        if (record.Namespace is { } ns)
        {
            sb.Append(", \"ns\": ");
            Quoted(sb, ns);
        }
        sb.Append('}');
    }

    private static void Value(StringBuilder sb, LogValue value)
    {
        switch (value)
        {
            case LogText t:
                Quoted(sb, t.Value);
                break;
            case LogInteger i:
                sb.Append("!!int ");
                Quoted(sb, i.Value.ToString(CultureInfo.InvariantCulture));
                break;
            case LogFloat f:
                sb.Append("!!float ");
                Quoted(sb, PythonFloat(f.Value));
                break;
            case LogMap m:
                sb.Append('{');
                for (var k = 0; k < m.Entries.Length; k++)
                {
                    if (k > 0) sb.Append(", ");
                    Quoted(sb, m.Entries[k].Key);
                    sb.Append(": ");
                    Value(sb, m.Entries[k].Value);
                }
                sb.Append('}');
                break;
            default:
                throw new ArgumentException($"Unknown log value {value.GetType().Name}", nameof(value));
        }
    }

    // PyYAML's represent_float: repr() lower-cased, ".0" forced into exponents, .nan/.inf spelled out.
    private static string PythonFloat(double d)
    {
        if (double.IsNaN(d)) return ".nan";
        if (double.IsInfinity(d)) return d > 0 ? ".inf" : "-.inf";
        var s = d.ToString("R", CultureInfo.InvariantCulture).ToLowerInvariant();
        if (s.Contains('e', StringComparison.Ordinal))
            return s.Contains('.', StringComparison.Ordinal) ? s : s.Replace("e", ".0e", StringComparison.Ordinal);
        return s.Contains('.', StringComparison.Ordinal) ? s : s + ".0";
    }

    // PyYAML's write_double_quoted without allow_unicode: printable ASCII stays, the rest is escaped by code point.
    private static void Quoted(StringBuilder sb, string s)
    {
        sb.Append('"');
        for (var i = 0; i < s.Length; i++)
        {
            var plain = s.AsSpan(i).IndexOfAnyExcept(Plain);
            if (plain != 0)
            {
                var run = plain < 0 ? s.Length - i : plain;
                sb.Append(s.AsSpan(i, run));
                i += run - 1;
                continue;
            }
            var ch = s[i];
            switch (ch)
            {
                case '\0': sb.Append("\\0"); break;
                case '\a': sb.Append("\\a"); break;
                case '\b': sb.Append("\\b"); break;
                case '\t': sb.Append("\\t"); break;
                case '\n': sb.Append("\\n"); break;
                case '\v': sb.Append("\\v"); break;
                case '\f': sb.Append("\\f"); break;
                case '\r': sb.Append("\\r"); break;
                case '\x1B': sb.Append("\\e"); break;
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\x85': sb.Append("\\N"); break;
                case '\xA0': sb.Append("\\_"); break;
                case '\u2028': sb.Append("\\L"); break;
                case '\u2029': sb.Append("\\P"); break;
                default:
                    if (char.IsHighSurrogate(ch) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                    {
                        sb.Append(CultureInfo.InvariantCulture, $"\\U{char.ConvertToUtf32(ch, s[i + 1]):X8}");
                        i++;
                    }
                    else if (ch <= '\xFF')
                        sb.Append(CultureInfo.InvariantCulture, $"\\x{(int)ch:X2}");
                    else
                        sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)ch:X4}");
                    break;
            }
        }
        sb.Append('"');
    }
}
