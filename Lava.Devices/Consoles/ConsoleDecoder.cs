using System.Buffers;
using System.Text;

namespace Lava.Devices.Consoles;

/// <summary>
/// Turns console bytes into two texts: log lines, where everything the device sent is kept and what is not printable
/// is escaped visibly, and match text for <see cref="ConsoleExpect"/>, where ANSI escape sequences are removed, bytes
/// that are not UTF-8 become U+FFFD, and every line ends with a bare <c>\n</c>. Line ends: LF, CR LF, CR CR LF (a tty
/// adding CR to a CR LF), and a lone CR that overwrites a line (progress output) all end one line; a CR at the start of
/// a line ends nothing. <see cref="Flush"/> logs the partial line without ending it for the patterns. A UTF-8 character, escape sequence or CR split between two reads is held until the next one
/// or <see cref="Flush"/>. Not thread-safe: <see cref="ConsoleExpect"/> serialises its calls.
/// </summary>
internal sealed class ConsoleDecoder
{
    private const byte Escape = 0x1b;
    private const int MaxEscapeLength = 64; // longer is not a sequence a terminal would take: show it as text
    private const int MaxLineLength = 8192; // a device that never ends a line still gets logged
    private const int PrintableRun = 1024;  // characters converted at once on the stack

    private readonly byte[] _carry = new byte[4];
    private readonly StringBuilder _line = new();
    private readonly StringBuilder _escape = new();
    private int _carried;
    private bool _inEscape;
    private bool _pendingCr;
    private bool _flushedPartial; // the line so far was logged by a flush: its end must not log an empty line

    /// <summary>
    /// Decodes <paramref name="bytes"/>, appending match text to <paramref name="match"/> and complete log lines to
    /// <paramref name="lines"/>.
    /// </summary>
    public void Feed(ReadOnlySpan<byte> bytes, StringBuilder match, List<string> lines)
    {
        if (_carried > 0)
        {
            // Finish the character split over the previous read, one byte at a time.
            while (_carried > 0 && !bytes.IsEmpty)
            {
                _carry[_carried++] = bytes[0];
                bytes = bytes[1..];
                var status = Rune.DecodeFromUtf8(_carry.AsSpan(0, _carried), out var rune, out var used);
                if (status == OperationStatus.NeedMoreData)
                {
                    continue;
                }
                var rest = _carry.AsSpan(used, _carried - used).ToArray();
                if (status == OperationStatus.Done)
                {
                    OnRune(rune, match, lines);
                }
                else
                {
                    OnInvalid(_carry.AsSpan(0, used), match, lines);
                }
                _carried = 0;
                Decode(rest, match, lines);
            }
        }
        Decode(bytes, match, lines);
    }

    /// <summary>Ends whatever is held: an unfinished character or escape sequence, and the partial line.</summary>
    public void Flush(StringBuilder match, List<string> lines)
    {
        if (_carried > 0)
        {
            OnInvalid(_carry.AsSpan(0, _carried), match, lines);
            _carried = 0;
        }
        if (_inEscape)
        {
            AbortEscape(match, lines);
        }
        if (_line.Length > 0)
        {
            // Logged, but not ended: the patterns see no line end the device did not send.
            lines.Add(_line.ToString());
            _line.Clear();
            _flushedPartial = true;
        }
    }

    private void Decode(ReadOnlySpan<byte> bytes, StringBuilder match, List<string> lines)
    {
        while (!bytes.IsEmpty)
        {
            if (!_inEscape && bytes[0] is >= 0x20 and < 0x7f)
            {
                bytes = bytes[AppendPrintable(bytes, match, lines)..];
                continue;
            }
            var status = Rune.DecodeFromUtf8(bytes, out var rune, out var used);
            switch (status)
            {
                case OperationStatus.Done:
                    OnRune(rune, match, lines);
                    break;
                case OperationStatus.NeedMoreData:
                    bytes.CopyTo(_carry);
                    _carried = bytes.Length;
                    return;
                default:
                    OnInvalid(bytes[..used], match, lines);
                    break;
            }
            bytes = bytes[used..];
        }
    }

    // One malformed sequence: each byte in the log, one U+FFFD for the patterns (as UTF-8 decoders replace).
    private void OnInvalid(ReadOnlySpan<byte> invalid, StringBuilder match, List<string> lines)
    {
        if (_inEscape)
        {
            AbortEscape(match, lines);
        }
        BeforeText(match, lines);
        foreach (var b in invalid)
        {
            ConsoleText.AppendByte(_line, b);
        }
        match.Append('\uFFFD');
        LimitLine(match, lines);
    }

    private void OnRune(Rune rune, StringBuilder match, List<string> lines)
    {
        if (_inEscape)
        {
            if (ContinuesEscape(rune))
            {
                _escape.Append(rune.ToString());
                if (EscapeComplete())
                {
                    _inEscape = false;
                    BeforeText(match, lines);
                    _line.Append(ConsoleText.Visible(_escape.ToString())); // kept in the log, invisible to patterns
                }
                return;
            }
            AbortEscape(match, lines);
        }
        switch (rune.Value)
        {
            case Escape:
                _inEscape = true;
                _escape.Clear().Append((char)Escape);
                break;
            case '\n':
                _pendingCr = false;
                EndLine(match, lines);
                break;
            case '\r':
                _pendingCr = true;
                break;
            default:
                AppendText(rune, match, lines);
                break;
        }
    }

    private void AppendText(Rune rune, StringBuilder match, List<string> lines)
    {
        BeforeText(match, lines);
        ConsoleText.AppendVisible(_line, rune);
        match.Append(rune.ToString());
        LimitLine(match, lines);
    }

    // Most of a console is printable ASCII: a run of it goes to both texts at once, as AppendText would put it there a
    // character at a time (up to the line length limit). Returns how many bytes it took.
    private int AppendPrintable(ReadOnlySpan<byte> bytes, StringBuilder match, List<string> lines)
    {
        BeforeText(match, lines);
        var run = bytes.IndexOfAnyExceptInRange((byte)0x20, (byte)0x7e);
        run = Math.Clamp(Math.Min(run < 0 ? bytes.Length : run, MaxLineLength - _line.Length), 1, PrintableRun);
        Span<char> chars = stackalloc char[PrintableRun];
        Ascii.ToUtf16(bytes[..run], chars, out _);
        _line.Append(chars[..run]);
        match.Append(chars[..run]);
        LimitLine(match, lines);
        return run;
    }

    // A CR followed by anything but LF ended a line that had text (the next text overwrites it on a terminal).
    private void BeforeText(StringBuilder match, List<string> lines)
    {
        if (_pendingCr)
        {
            _pendingCr = false;
            if (_line.Length > 0 || _flushedPartial)
            {
                EndLine(match, lines);
            }
        }
        _flushedPartial = false;
    }

    private void EndLine(StringBuilder match, List<string> lines)
    {
        if (_line.Length > 0 || !_flushedPartial)
        {
            lines.Add(_line.ToString());
        }
        _line.Clear();
        _flushedPartial = false;
        match.Append('\n');
    }

    private void LimitLine(StringBuilder match, List<string> lines)
    {
        if (_line.Length >= MaxLineLength)
        {
            lines.Add(_line.ToString());
            _line.Clear();
        }
    }

    // ECMA-48: ESC [ params intermediates final (CSI), ESC ] ... BEL or ESC \ (OSC), ESC intermediates final.
    private bool ContinuesEscape(Rune rune) =>
        rune.IsAscii && _escape.Length < MaxEscapeLength && (rune.Value != Escape || IsOsc) && rune.Value != '\n' && rune.Value != '\r';

    private bool IsOsc => _escape.Length > 1 && _escape[1] == ']';

    private bool EscapeComplete()
    {
        var last = _escape[^1];
        if (_escape.Length == 2)
        {
            return last is not ('[' or ']') && last is >= (char)0x30 and <= (char)0x7e;
        }
        return _escape[1] switch
        {
            '[' => last is >= (char)0x40 and <= (char)0x7e,
            ']' => last == '\a' || (last == '\\' && _escape[^2] == (char)Escape),
            _ => last is >= (char)0x30 and <= (char)0x7e,
        };
    }

    // Not a sequence after all: what was collected is ordinary text.
    private void AbortEscape(StringBuilder match, List<string> lines)
    {
        _inEscape = false;
        foreach (var rune in _escape.ToString().EnumerateRunes())
        {
            AppendText(rune, match, lines);
        }
    }
}
