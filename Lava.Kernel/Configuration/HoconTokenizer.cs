using System.Globalization;
using System.Text;

namespace Lava.Kernel.Configuration;

/// <summary>
/// Splits HOCON text into tokens. Comments are dropped; whitespace and newlines are kept because
/// newlines separate fields and whitespace between simple values is part of a concatenation.
/// </summary>
internal sealed class HoconTokenizer(string text, string description)
{
    // Characters an unquoted string may not contain; some are reserved by the spec for future syntax.
    private const string Forbidden = "$\"{}[]:=,+#`^?!@*&\\";

    private static readonly (string Word, TokenKind Kind)[] Keywords =
        [("true", TokenKind.True), ("false", TokenKind.False), ("null", TokenKind.Null)];

    private int _pos;
    private int _line = 1;
    private int _column = 1;

    public List<HoconToken> Tokenize()
    {
        var tokens = new List<HoconToken>();
        HoconToken token;
        do
        {
            token = Next();
            tokens.Add(token);
        }
        while (token.Kind != TokenKind.End);

        return tokens;
    }

    private char Peek(int ahead = 0) => _pos + ahead < text.Length ? text[_pos + ahead] : '\0';

    private bool AtEnd => _pos >= text.Length;

    private ConfigOrigin Here => new(description, _line, _column);

    private void Advance()
    {
        if (text[_pos] == '\n')
        {
            _line++;
            _column = 1;
        }
        else
        {
            _column++;
        }

        _pos++;
    }

    private HoconToken Next()
    {
        while (true)
        {
            if (AtEnd)
            {
                return new HoconToken(TokenKind.End, string.Empty, Here);
            }

            var c = Peek();
            if (c == '#' || (c == '/' && Peek(1) == '/'))
            {
                while (!AtEnd && Peek() != '\n')
                {
                    Advance();
                }

                continue;
            }

            var origin = Here;
            switch (c)
            {
                case '\n':
                    Advance();
                    return new HoconToken(TokenKind.Newline, "\n", origin);
                case '{':
                    return Punctuation(TokenKind.OpenBrace, origin);
                case '}':
                    return Punctuation(TokenKind.CloseBrace, origin);
                case '[':
                    return Punctuation(TokenKind.OpenBracket, origin);
                case ']':
                    return Punctuation(TokenKind.CloseBracket, origin);
                case ',':
                    return Punctuation(TokenKind.Comma, origin);
                case ':':
                    return Punctuation(TokenKind.Colon, origin);
                case '=':
                    return Punctuation(TokenKind.Equals, origin);
                case '+' when Peek(1) == '=':
                    Advance();
                    Advance();
                    return new HoconToken(TokenKind.PlusEquals, "+=", origin);
                case '$' when Peek(1) == '{':
                    return ReadSubstitution(origin);
                case '"' when Peek(1) == '"' && Peek(2) == '"':
                    return ReadTripleQuoted(origin);
                case '"':
                    return ReadQuoted(origin);
            }

            if (IsWhitespace(c))
            {
                var start = _pos;
                while (!AtEnd && IsWhitespace(Peek()))
                {
                    Advance();
                }

                return new HoconToken(TokenKind.Whitespace, text[start.._pos], origin);
            }

            if (Forbidden.Contains(c, StringComparison.Ordinal))
            {
                throw new ConfigException(origin, $"reserved character '{c}' is not allowed outside quotes");
            }

            if (char.IsAsciiDigit(c) || (c == '-' && char.IsAsciiDigit(Peek(1))))
            {
                return ReadNumber(origin);
            }

            return ReadUnquoted(origin);
        }
    }

    private static bool IsWhitespace(char c) => c != '\n' && (char.IsWhiteSpace(c) || c == '\uFEFF');

    private HoconToken Punctuation(TokenKind kind, ConfigOrigin origin)
    {
        var spelling = Peek().ToString();
        Advance();
        return new HoconToken(kind, spelling, origin);
    }

    private HoconToken ReadNumber(ConfigOrigin origin)
    {
        var start = _pos;
        if (Peek() == '-')
        {
            Advance();
        }

        SkipDigits();
        if (Peek() == '.' && char.IsAsciiDigit(Peek(1)))
        {
            Advance();
            SkipDigits();
        }

        // An exponent needs digits; otherwise `e` starts an unquoted string (`10ms` vs `1e3`).
        if (Peek() is 'e' or 'E')
        {
            var sign = Peek(1) is '+' or '-' ? 1 : 0;
            if (char.IsAsciiDigit(Peek(1 + sign)))
            {
                Advance();
                if (sign == 1)
                {
                    Advance();
                }

                SkipDigits();
            }
        }

        return new HoconToken(TokenKind.Number, text[start.._pos], origin);
    }

    private void SkipDigits()
    {
        while (char.IsAsciiDigit(Peek()))
        {
            Advance();
        }
    }

    private HoconToken ReadUnquoted(ConfigOrigin origin)
    {
        // Keywords count only at the start of an unquoted run: `truefoo` is `true` then `foo`.
        foreach (var (word, kind) in Keywords)
        {
            if (string.CompareOrdinal(text, _pos, word, 0, word.Length) == 0)
            {
                for (var i = 0; i < word.Length; i++)
                {
                    Advance();
                }

                return new HoconToken(kind, word, origin);
            }
        }

        var start = _pos;
        while (!AtEnd)
        {
            var c = Peek();
            if (c == '\n' || IsWhitespace(c) || Forbidden.Contains(c, StringComparison.Ordinal) || (c == '/' && Peek(1) == '/'))
            {
                break;
            }

            Advance();
        }

        return new HoconToken(TokenKind.Unquoted, text[start.._pos], origin);
    }

    private HoconToken ReadQuoted(ConfigOrigin origin)
    {
        Advance();
        var sb = new StringBuilder();
        while (true)
        {
            if (AtEnd || Peek() == '\n')
            {
                throw new ConfigException(origin, "unterminated quoted string (use \"\"\" for multi-line strings)");
            }

            var c = Peek();
            if (c == '"')
            {
                Advance();
                return new HoconToken(TokenKind.Quoted, sb.ToString(), origin);
            }

            if (c != '\\')
            {
                sb.Append(c);
                Advance();
                continue;
            }

            var escapeOrigin = Here;
            Advance();
            var e = Peek();
            if (AtEnd)
            {
                throw new ConfigException(escapeOrigin, "unterminated escape sequence");
            }

            Advance();
            switch (e)
            {
                case '"' or '\\' or '/':
                    sb.Append(e);
                    break;
                case 'b':
                    sb.Append('\b');
                    break;
                case 'f':
                    sb.Append('\f');
                    break;
                case 'n':
                    sb.Append('\n');
                    break;
                case 'r':
                    sb.Append('\r');
                    break;
                case 't':
                    sb.Append('\t');
                    break;
                case 'u':
                    sb.Append(ReadUnicodeEscape(escapeOrigin));
                    break;
                default:
                    throw new ConfigException(escapeOrigin, $"invalid escape sequence '\\{e}'");
            }
        }
    }

    private char ReadUnicodeEscape(ConfigOrigin origin)
    {
        if (_pos + 4 > text.Length
            || !ushort.TryParse(text.AsSpan(_pos, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
        {
            throw new ConfigException(origin, "\\u must be followed by four hex digits");
        }

        for (var i = 0; i < 4; i++)
        {
            Advance();
        }

        return (char)code;
    }

    private HoconToken ReadTripleQuoted(ConfigOrigin origin)
    {
        for (var i = 0; i < 3; i++)
        {
            Advance();
        }

        var start = _pos;
        while (!AtEnd)
        {
            if (Peek() == '"' && Peek(1) == '"' && Peek(2) == '"')
            {
                // Quotes beyond the closing three belong to the string: `""""a""""` is `"a"`.
                while (Peek(3) == '"')
                {
                    Advance();
                }

                var content = text[start.._pos];
                for (var i = 0; i < 3; i++)
                {
                    Advance();
                }

                return new HoconToken(TokenKind.Quoted, content, origin);
            }

            Advance();
        }

        throw new ConfigException(origin, "unterminated triple-quoted string");
    }

    private HoconToken ReadSubstitution(ConfigOrigin origin)
    {
        Advance();
        Advance();
        var optional = Peek() == '?';
        if (optional)
        {
            Advance();
        }

        var pieces = new List<HoconToken>();
        while (true)
        {
            var token = Next();
            if (token.Kind == TokenKind.CloseBrace)
            {
                break;
            }

            if (token.Kind == TokenKind.End)
            {
                throw new ConfigException(origin, "unterminated substitution: expected '}'");
            }

            if (!token.IsPathPiece)
            {
                throw new ConfigException(token.Origin, $"unexpected {token.Describe()} in substitution path");
            }

            pieces.Add(token);
        }

        var path = HoconPath.FromTokens(pieces, origin);
        var spelling = (optional ? "${?" : "${") + HoconPath.Render(path) + "}";
        return new HoconToken(TokenKind.Substitution, spelling, origin, path, optional);
    }
}
