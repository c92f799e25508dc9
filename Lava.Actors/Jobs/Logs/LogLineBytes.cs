using System.Buffers;
using System.Globalization;
using System.Text;

namespace Lava.Actors.Jobs.Logs;

/// <summary>
/// A check of one log line as UTF-8 without decoding it: the master stores a worker's lines as they came when they are
/// LAVA records, and this recognises, at a cost per byte, the shape <see cref="LogLine.Format"/> gives a text message
/// (<c>- {"dt": "...", "lvl": "...", "msg": "..."}</c>, optionally <c>, "ns": "..."}</c>, printable ASCII, PyYAML's
/// escapes). What it does not recognise (maps, tags, other key orders, <c>\U</c> escapes, raw non-ASCII) is not wrong:
/// the caller falls back to <see cref="LogLine.Parse"/>.
/// </summary>
internal static class LogLineBytes
{
    /// <summary>Lines (each without its newline) as the stored text: UTF-8, each ending with <c>\n</c>.</summary>
    public static byte[] Encode(IReadOnlyCollection<string> lines)
    {
        var text = new byte[lines.Sum(line => Encoding.UTF8.GetByteCount(line) + 1)];
        var at = 0;
        foreach (var line in lines)
        {
            at += Encoding.UTF8.GetBytes(line, text.AsSpan(at));
            text[at++] = (byte)'\n';
        }
        return text;
    }

    private const int DtLength = 26; // yyyy-MM-ddTHH:mm:ss.ffffff

    // Printable ASCII but the quote and the backslash: what a double-quoted scalar holds as is.
    private static readonly SearchValues<byte> Plain = SearchValues.Create(
        [.. Enumerable.Range(' ', '~' - ' ' + 1).Where(b => b is not '"' and not '\\').Select(b => (byte)b)]);

    /// <summary>
    /// True when <paramref name="line"/> (without its newline) is certainly a record <see cref="LogLine.Parse"/> reads,
    /// short enough to be stored as is; false when only the full parser can tell.
    /// </summary>
    public static bool IsWellFormed(ReadOnlySpan<byte> line)
    {
        if (line.Length > LogLine.MaxRecordLength + 2) return false;
        if (!Take(ref line, "- {\"dt\": \""u8) || line.Length < DtLength || !IsDt(line[..DtLength])) return false;
        line = line[DtLength..];
        if (!Take(ref line, "\", \"lvl\": \""u8) || !QuotedRest(ref line)) return false;
        if (!Take(ref line, ", \"msg\": \""u8) || !QuotedRest(ref line)) return false;
        if (Take(ref line, ", \"ns\": \""u8) && !QuotedRest(ref line)) return false;
        return line.SequenceEqual("}"u8);
    }

    private static bool Take(ref ReadOnlySpan<byte> line, ReadOnlySpan<byte> expected)
    {
        if (!line.StartsWith(expected)) return false;
        line = line[expected.Length..];
        return true;
    }

    // The rest of a double-quoted scalar whose opening quote was taken, up to and including its closing quote.
    private static bool QuotedRest(ref ReadOnlySpan<byte> line)
    {
        while (true)
        {
            var special = line.IndexOfAnyExcept(Plain);
            if (special < 0) return false;
            var ch = line[special];
            line = line[(special + 1)..];
            if (ch == '"') return true;
            if (ch != '\\' || line.IsEmpty) return false;
            var digits = line[0] switch
            {
                (byte)'0' or (byte)'a' or (byte)'b' or (byte)'t' or (byte)'n' or (byte)'v' or (byte)'f' or (byte)'r' or (byte)'e'
                    or (byte)' ' or (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'N' or (byte)'_' or (byte)'L' or (byte)'P' => 0,
                (byte)'x' => 2,
                (byte)'u' => 4,
                _ => -1, // \U and anything else: the parser decides
            };
            if (digits < 0 || line.Length < 1 + digits) return false;
            foreach (var digit in line.Slice(1, digits))
            {
                if (!char.IsAsciiHexDigit((char)digit)) return false;
            }
            line = line[(1 + digits)..];
        }
    }

    private static bool IsDt(ReadOnlySpan<byte> dt)
    {
        Span<char> chars = stackalloc char[DtLength];
        for (var i = 0; i < DtLength; i++)
        {
            if (dt[i] > 0x7F) return false;
            chars[i] = (char)dt[i];
        }
        return DateTime.TryParseExact(chars, "yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out _);
    }
}
