namespace Lava.Kernel.Configuration;

/// <summary>
/// Builds the unresolved tree of one HOCON document. Substitutions stay in the tree: they are resolved
/// only after every file and fallback has been merged, as the spec requires.
/// </summary>
internal sealed partial class HoconParser
{
    private readonly List<HoconToken> _tokens;
    private readonly string? _baseDirectory;
    private readonly IReadOnlyList<string> _prefix;
    private readonly IReadOnlyList<string> _includeChain;
    private int _pos;

    /// <param name="baseDirectory">Directory that relative includes are resolved against; null means the current directory.</param>
    /// <param name="prefix">Path of the object this document is included into; empty for a top-level document.</param>
    /// <param name="includeChain">Full paths of the files being parsed, outermost first, to reject include cycles.</param>
    private HoconParser(string text, string description, string? baseDirectory, IReadOnlyList<string> prefix, IReadOnlyList<string> includeChain)
    {
        _tokens = new HoconTokenizer(text, description).Tokenize();
        _baseDirectory = baseDirectory;
        _prefix = prefix;
        _includeChain = includeChain;
    }

    public static HoconObject Parse(string text, string description, string? baseDirectory) =>
        new HoconParser(text, description, baseDirectory, [], []).ParseRoot();

    private HoconToken Peek() => _tokens[_pos];

    private HoconToken Take() => _tokens[_pos++];

    private void SkipWhitespace()
    {
        while (Peek().Kind == TokenKind.Whitespace)
        {
            _pos++;
        }
    }

    private void SkipBlank()
    {
        while (Peek().Kind is TokenKind.Whitespace or TokenKind.Newline)
        {
            _pos++;
        }
    }

    private HoconObject ParseRoot()
    {
        SkipBlank();
        var first = Peek();
        if (first.Kind == TokenKind.OpenBracket)
        {
            throw new ConfigException(first.Origin, "the root of a configuration must be an object, not an array");
        }

        HoconObject root;
        if (first.Kind == TokenKind.OpenBrace)
        {
            _pos++;
            root = ParseObjectBody(_prefix, first);
            SkipBlank();
            if (Peek().Kind != TokenKind.End)
            {
                throw new ConfigException(Peek().Origin, $"unexpected {Peek().Describe()} after the root object");
            }
        }
        else
        {
            // Omitted root braces: the whole document is the body of the root object.
            root = ParseObjectBody(_prefix, null);
        }

        return root;
    }

    /// <param name="path">Full path of the object being parsed, used by <c>+=</c> and includes.</param>
    /// <param name="open">The opening brace, or null for a root object written without braces.</param>
    private HoconObject ParseObjectBody(IReadOnlyList<string> path, HoconToken? open)
    {
        var fields = new OrderedDictionary<string, HoconNode>(StringComparer.Ordinal);
        var origin = open?.Origin ?? Peek().Origin;
        while (true)
        {
            SkipBlank();
            var token = Peek();
            if (token.Kind == TokenKind.CloseBrace && open is not null)
            {
                _pos++;
                break;
            }

            if (token.Kind == TokenKind.End)
            {
                if (open is null)
                {
                    break;
                }

                throw new ConfigException(token.Origin, $"expected '}}' to close the object opened at {open.Origin.Line}:{open.Origin.Column}");
            }

            if (token.Kind == TokenKind.CloseBrace)
            {
                throw new ConfigException(token.Origin, "unbalanced '}' (the root object was opened without '{')");
            }

            if (token.Kind == TokenKind.Unquoted && token.Text == "include")
            {
                ParseInclude(fields, path);
            }
            else
            {
                ParseField(fields, path);
            }

            ExpectElementEnd(open is null ? TokenKind.End : TokenKind.CloseBrace);
        }

        return new HoconObject(origin, fields);
    }

    private void ParseField(OrderedDictionary<string, HoconNode> fields, IReadOnlyList<string> objectPath)
    {
        var keyTokens = new List<HoconToken>();
        while (Peek().IsPathPiece)
        {
            keyTokens.Add(Take());
        }

        if (keyTokens.Count == 0)
        {
            throw new ConfigException(Peek().Origin, $"expected a key but found {Peek().Describe()}");
        }

        var key = HoconPath.FromTokens(keyTokens, keyTokens[0].Origin);
        var fieldPath = (IReadOnlyList<string>)[.. objectPath, .. key];
        SkipWhitespace();
        var separator = Peek();
        HoconNode value;
        switch (separator.Kind)
        {
            case TokenKind.Colon or TokenKind.Equals:
                _pos++;
                SkipBlank();
                value = ParseValue(fieldPath);
                break;
            case TokenKind.PlusEquals:
                _pos++;
                SkipBlank();
                // `a += v` means `a = ${?a} [v]`; the self-reference sees the value `a` had before.
                var appended = ParseValue(fieldPath);
                value = new HoconConcatenation(separator.Origin,
                [
                    new HoconSubstitution(separator.Origin, fieldPath, null, optional: true),
                    new HoconArray(appended.Origin, [appended]),
                ]);
                break;
            case TokenKind.OpenBrace:
                value = ParseValue(fieldPath);
                break;
            default:
                throw new ConfigException(separator.Origin, $"expected '=' or ':' after key '{string.Join('.', key)}'");
        }

        for (var i = key.Count - 1; i > 0; i--)
        {
            var nested = new OrderedDictionary<string, HoconNode>(StringComparer.Ordinal) { [key[i]] = value };
            value = new HoconObject(keyTokens[0].Origin, nested);
        }

        Assign(fields, key[0], value);
    }

    private static void Assign(OrderedDictionary<string, HoconNode> fields, string key, HoconNode value) =>
        fields[key] = fields.TryGetValue(key, out var previous) ? HoconMerge.Merge(previous, value) : value;

    /// <summary>After a field or array element: a comma, a newline, or the closing token.</summary>
    private void ExpectElementEnd(TokenKind closing)
    {
        SkipWhitespace();
        var token = Peek();
        if (token.Kind == TokenKind.Comma)
        {
            _pos++;
            SkipBlank();
            if (Peek().Kind == TokenKind.Comma)
            {
                throw new ConfigException(Peek().Origin, "unexpected ',' (two commas in a row)");
            }

            return;
        }

        if (token.Kind != TokenKind.Newline && token.Kind != closing && token.Kind != TokenKind.End)
        {
            throw new ConfigException(token.Origin, $"expected ',' or a newline after a value but found {token.Describe()}");
        }
    }

    /// <summary>One field value or array element: a single value or a concatenation of values on one line.</summary>
    private HoconNode ParseValue(IReadOnlyList<string> fieldPath)
    {
        var pieces = new List<HoconNode>();
        while (true)
        {
            var token = Peek();
            HoconNode? piece = token.Kind switch
            {
                TokenKind.Unquoted or TokenKind.Quoted => HoconScalar.String(token.Origin, token.Text),
                TokenKind.Number => HoconScalar.Number(token.Origin, token.Text),
                TokenKind.True => HoconScalar.Boolean(token.Origin, true),
                TokenKind.False => HoconScalar.Boolean(token.Origin, false),
                TokenKind.Null => HoconScalar.Null(token.Origin),
                TokenKind.Whitespace => HoconScalar.Whitespace(token.Origin, token.Text),
                TokenKind.Substitution => new HoconSubstitution(
                    token.Origin,
                    [.. _prefix, .. token.Path!],
                    _prefix.Count > 0 ? token.Path : null,
                    token.Optional),
                _ => null,
            };

            if (piece is not null)
            {
                _pos++;
            }
            else if (token.Kind == TokenKind.OpenBrace)
            {
                _pos++;
                piece = ParseObjectBody(fieldPath, token);
            }
            else if (token.Kind == TokenKind.OpenBracket)
            {
                _pos++;
                piece = ParseArray(fieldPath, token);
            }
            else
            {
                break;
            }

            pieces.Add(piece);
        }

        while (pieces.Count > 0 && pieces[^1] is HoconScalar { IsWhitespace: true })
        {
            pieces.RemoveAt(pieces.Count - 1);
        }

        if (pieces.Count == 0)
        {
            throw new ConfigException(Peek().Origin, $"expected a value but found {Peek().Describe()}");
        }

        if (pieces.Count == 1)
        {
            return pieces[0];
        }

        if (pieces.Any(static p => p is HoconSubstitution))
        {
            return new HoconConcatenation(pieces[0].Origin, pieces);
        }

        return HoconMerge.Concatenate([.. pieces.Select(static p => (p, false))], pieces[0].Origin)!;
    }

    private HoconArray ParseArray(IReadOnlyList<string> fieldPath, HoconToken open)
    {
        var items = new List<HoconNode>();
        while (true)
        {
            SkipBlank();
            var token = Peek();
            if (token.Kind == TokenKind.CloseBracket)
            {
                _pos++;
                return new HoconArray(open.Origin, items);
            }

            if (token.Kind == TokenKind.End)
            {
                throw new ConfigException(token.Origin, $"expected ']' to close the array opened at {open.Origin.Line}:{open.Origin.Column}");
            }

            items.Add(ParseValue(fieldPath));
            ExpectElementEnd(TokenKind.CloseBracket);
        }
    }
}
