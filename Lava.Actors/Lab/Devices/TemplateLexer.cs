using System.Globalization;
using System.Text;

namespace Lava.Actors.Lab.Devices;

internal enum TokenKind { Data, BlockBegin, BlockEnd, VarBegin, VarEnd, Name, String, Integer, Float, Operator, Eof }

internal sealed record Token(TokenKind Kind, string Text, int Line, object? Value = null);

/// <summary>
/// Splits a template into data and tag tokens the way jinja2 does with <c>trim_blocks=True</c>: the first newline
/// after a block tag or comment is dropped, and a <c>-</c> beside a delimiter strips the whitespace on that side.
/// </summary>
internal sealed class TemplateLexer(string templateName, string text)
{
    // jinja2's keep_trailing_newline=False: a template's single final line break is not part of its output.
    private readonly string source = text.EndsWith("\r\n", StringComparison.Ordinal) ? text[..^2] : text.EndsWith('\n') ? text[..^1] : text;

    private static readonly string[] Operators =
        ["**", "//", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "<", ">", "=", "(", ")", "[", "]", "{", "}", ",", ".", ":", "|"];

    private readonly List<Token> _tokens = [];
    private int _pos;
    private int _line = 1;

    public List<Token> Tokenize()
    {
        var stripNext = false;
        while (_pos < source.Length)
        {
            var open = NextOpening(_pos);
            var dataEnd = open < 0 ? source.Length : open;
            var data = source[_pos..dataEnd];
            if (stripNext) data = data.TrimStart();
            if (open >= 0 && open + 2 < source.Length && source[open + 2] == '-') data = data.TrimEnd();
            if (data.Length > 0) _tokens.Add(new Token(TokenKind.Data, data, _line));
            Advance(dataEnd);
            if (open < 0) break;

            var kind = source[open + 1];
            Advance(open + 2);
            if (_pos < source.Length && (source[_pos] == '-' || source[_pos] == '+')) Advance(_pos + 1);
            stripNext = kind switch
            {
                '#' => Comment(),
                '%' => Tag(TokenKind.BlockBegin, "%}", TokenKind.BlockEnd, trimNewline: true),
                _ => Tag(TokenKind.VarBegin, "}}", TokenKind.VarEnd, trimNewline: false),
            };
        }

        _tokens.Add(new Token(TokenKind.Eof, string.Empty, _line));
        return _tokens;
    }

    private int NextOpening(int from)
    {
        for (var i = source.IndexOf('{', from); i >= 0 && i + 1 < source.Length; i = source.IndexOf('{', i + 1))
        {
            if (source[i + 1] is '{' or '%' or '#') return i;
        }

        return -1;
    }

    private void Advance(int to)
    {
        for (; _pos < to; _pos++)
        {
            if (source[_pos] == '\n') _line++;
        }
    }

    private bool Comment()
    {
        var end = source.IndexOf("#}", _pos, StringComparison.Ordinal);
        if (end < 0) throw Error("missing end of comment tag");
        var strip = end > _pos && source[end - 1] == '-';
        Advance(end + 2);
        return strip || TrimNewline();
    }

    private bool TrimNewline()
    {
        if (_pos < source.Length && source[_pos] == '\n') Advance(_pos + 1);
        return false;
    }

    private bool Tag(TokenKind begin, string close, TokenKind end, bool trimNewline)
    {
        _tokens.Add(new Token(begin, string.Empty, _line));
        while (true)
        {
            while (_pos < source.Length && char.IsWhiteSpace(source[_pos])) Advance(_pos + 1);
            if (_pos >= source.Length) throw Error($"unexpected end of template, expected '{close}'");
            var strip = source[_pos] == '-' && string.CompareOrdinal(source, _pos + 1, close, 0, 2) == 0;
            if (strip || string.CompareOrdinal(source, _pos, close, 0, 2) == 0)
            {
                _tokens.Add(new Token(end, close, _line));
                Advance(_pos + (strip ? 3 : 2));
                return strip || (trimNewline && TrimNewline());
            }

            _tokens.Add(ExpressionToken());
        }
    }

    private Token ExpressionToken()
    {
        var c = source[_pos];
        var start = _pos;
        if (char.IsLetter(c) || c == '_')
        {
            while (_pos < source.Length && (char.IsLetterOrDigit(source[_pos]) || source[_pos] == '_')) _pos++;
            return new Token(TokenKind.Name, source[start.._pos], _line);
        }

        if (char.IsDigit(c)) return Number();
        if (c is '\'' or '"') return StringLiteral(c);
        foreach (var op in Operators)
        {
            if (string.CompareOrdinal(source, _pos, op, 0, op.Length) == 0)
            {
                _pos += op.Length;
                return new Token(TokenKind.Operator, op, _line);
            }
        }

        throw Error($"unexpected char '{c}'");
    }

    private Token Number()
    {
        var start = _pos;
        while (_pos < source.Length && (char.IsDigit(source[_pos]) || source[_pos] == '_')) _pos++;
        var isFloat = false;
        if (_pos + 1 < source.Length && source[_pos] == '.' && char.IsDigit(source[_pos + 1]))
        {
            isFloat = true;
            _pos++;
            while (_pos < source.Length && (char.IsDigit(source[_pos]) || source[_pos] == '_')) _pos++;
        }

        if (_pos < source.Length && source[_pos] is 'e' or 'E')
        {
            isFloat = true;
            _pos++;
            if (_pos < source.Length && source[_pos] is '+' or '-') _pos++;
            while (_pos < source.Length && char.IsDigit(source[_pos])) _pos++;
        }

        var text = source[start.._pos].Replace("_", string.Empty, StringComparison.Ordinal);
        return isFloat
            ? new Token(TokenKind.Float, text, _line, double.Parse(text, CultureInfo.InvariantCulture))
            : new Token(TokenKind.Integer, text, _line, long.Parse(text, CultureInfo.InvariantCulture));
    }

    private Token StringLiteral(char quote)
    {
        var line = _line;
        var sb = new StringBuilder();
        _pos++;
        while (true)
        {
            if (_pos >= source.Length) throw Error("unexpected end of string");
            var c = source[_pos];
            if (c == quote)
            {
                _pos++;
                return new Token(TokenKind.String, sb.ToString(), line, sb.ToString());
            }

            if (c == '\n') _line++;
            if (c != '\\' || _pos + 1 >= source.Length)
            {
                sb.Append(c);
                _pos++;
                continue;
            }

            var e = source[_pos + 1];
            _pos += 2;
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case '0': sb.Append('\0'); break;
                case '\\' or '\'' or '"': sb.Append(e); break;
                case '\n': _line++; break;
                case 'x' when _pos + 2 <= source.Length:
                    sb.Append((char)Convert.ToInt32(source.Substring(_pos, 2), 16));
                    _pos += 2;
                    break;
                default: sb.Append('\\').Append(e); break;
            }
        }
    }

    private TemplateException Error(string message) => new(templateName, _line, message);
}
