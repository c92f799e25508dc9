using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace Lava.Actors.Jobs.Logs;

/// <summary>Reads one LAVA log line: the flow-mapping subset <see cref="LogLine.Format"/> writes.</summary>
internal sealed class LogLineParser(string text)
{
    private int _pos;

    public LogRecord Line()
    {
        Expect("- ");
        var map = Map();
        if (_pos != text.Length) throw Fail("unexpected text after the record");
        string? dt = null, lvl = null, ns = null;
        LogValue? msg = null;
        foreach (var (key, value) in map.Entries)
        {
            switch (key)
            {
                case "dt": dt = Str(key, value); break;
                case "lvl": lvl = Str(key, value); break;
                case "ns": ns = Str(key, value); break;
                case "msg": msg = value; break;
                default: throw Fail($"unknown key '{key}'");
            }
        }
        if (dt is null) throw Fail("missing key 'dt'");
        if (lvl is null) throw Fail("missing key 'lvl'");
        if (msg is null) throw Fail("missing key 'msg'");
        string[] formats = ["yyyy-MM-dd'T'HH:mm:ss.ffffff", "yyyy-MM-dd'T'HH:mm:ss"]; // Python drops a zero fraction
        if (!DateTime.TryParseExact(dt, formats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time))
            throw Fail($"'dt' is not a timestamp: '{dt}'");
        return new LogRecord(new DateTimeOffset(time, TimeSpan.Zero), lvl, msg, ns);
    }

    private string Str(string key, LogValue value) =>
        value is LogText t ? t.Value : throw Fail($"'{key}' must be a string");

    private LogMap Map()
    {
        Expect("{");
        var entries = ImmutableArray.CreateBuilder<KeyValuePair<string, LogValue>>();
        if (Peek() == '}')
        {
            _pos++;
            return new LogMap(entries.ToImmutable());
        }
        while (true)
        {
            var key = QuotedString();
            Expect(": ");
            entries.Add(KeyValuePair.Create(key, Value()));
            if (Peek() == '}')
            {
                _pos++;
                return new LogMap(entries.ToImmutable());
            }
            Expect(", ");
        }
    }

    private LogValue Value()
    {
        if (Peek() == '{') return Map();
        if (Peek() != '!') return new LogText(QuotedString());
        var space = text.IndexOf(' ', _pos);
        if (space < 0) throw Fail("a tag without a value");
        var tag = text[_pos..space];
        _pos = space + 1;
        var raw = QuotedString();
        return tag switch
        {
            "!!str" or "!" => new LogText(raw),
            "!!int" when long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => new LogInteger(l),
            "!!float" => new LogFloat(raw switch
            {
                ".nan" => double.NaN,
                ".inf" => double.PositiveInfinity,
                "-.inf" => double.NegativeInfinity,
                _ when double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
                _ => throw Fail($"'{raw}' is not a float"),
            }),
            _ => throw Fail($"unsupported tag {tag} \"{raw}\""),
        };
    }

    private string QuotedString()
    {
        Expect("\"");
        var sb = new StringBuilder();
        while (true)
        {
            if (_pos >= text.Length) throw Fail("unterminated string");
            var ch = text[_pos++];
            if (ch == '"') return sb.ToString();
            if (ch != '\\')
            {
                sb.Append(ch);
                continue;
            }
            if (_pos >= text.Length) throw Fail("unterminated escape");
            var e = text[_pos++];
            switch (e)
            {
                case '0': sb.Append('\0'); break;
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 't' or '\t': sb.Append('\t'); break;
                case 'n': sb.Append('\n'); break;
                case 'v': sb.Append('\v'); break;
                case 'f': sb.Append('\f'); break;
                case 'r': sb.Append('\r'); break;
                case 'e': sb.Append('\x1B'); break;
                case ' ' or '"' or '\\' or '/': sb.Append(e); break;
                case 'N': sb.Append('\x85'); break;
                case '_': sb.Append('\xA0'); break;
                case 'L': sb.Append('\u2028'); break;
                case 'P': sb.Append('\u2029'); break;
                case 'x': sb.Append((char)Hex(2)); break;
                case 'u': sb.Append((char)Hex(4)); break; // lone surrogates are legal in Python strings
                case 'U': sb.Append(CodePoint(Hex(8))); break;
                default: throw Fail($"unknown escape '\\{e}'");
            }
        }
    }

    private string CodePoint(int value) =>
        value is >= 0 and <= 0x10FFFF and not (>= 0xD800 and <= 0xDFFF)
            ? char.ConvertFromUtf32(value)
            : throw Fail($"\\U{value:X8} is not a code point");

    private int Hex(int digits)
    {
        if (_pos + digits > text.Length
            || !int.TryParse(text.AsSpan(_pos, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
            throw Fail($"bad {digits}-digit hex escape");
        _pos += digits;
        return value;
    }

    private char Peek() => _pos < text.Length ? text[_pos] : '\0';

    private void Expect(string s)
    {
        if (string.CompareOrdinal(text, _pos, s, 0, s.Length) != 0) throw Fail($"expected '{s}'");
        _pos += s.Length;
    }

    private FormatException Fail(string problem) =>
        new($"Bad log line at column {_pos + 1}: {problem}");
}
