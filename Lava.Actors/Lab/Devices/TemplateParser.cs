namespace Lava.Actors.Lab.Devices;

/// <summary>Recursive descent over the tokens, with jinja2's grammar and operator precedence.</summary>
internal sealed partial class TemplateParser
{
    private readonly string _name;
    private readonly List<Token> _tokens;
    private readonly Dictionary<string, BlockStatement> _blocks = [];
    private int _pos;

    private TemplateParser(string name, string source)
    {
        _name = name;
        _tokens = new TemplateLexer(name, source).Tokenize();
    }

    public static ParsedTemplate Parse(string name, string source)
    {
        var parser = new TemplateParser(name, source);
        var body = parser.Statements(out var end);
        if (end is not null) throw parser.Error($"unexpected '{end}'");
        return new ParsedTemplate(name, body, parser._blocks);
    }

    private Token Current => _tokens[Math.Min(_pos, _tokens.Count - 1)];

    private Token Next() => _tokens[_pos++];

    /// <summary>Statements until end of input or an unknown tag (returned in <paramref name="end"/>, its BlockBegin and name consumed).</summary>
    private List<Statement> Statements(out string? end, params string[] ends)
    {
        var body = new List<Statement>();
        while (true)
        {
            var token = Next();
            switch (token.Kind)
            {
                case TokenKind.Eof:
                    end = null;
                    if (ends.Length > 0) throw Error($"unexpected end of template, expected {string.Join(" or ", ends.Select(e => $"'{e}'"))}");
                    return body;
                case TokenKind.Data:
                    body.Add(new OutputStatement(token.Line, token.Text));
                    break;
                case TokenKind.VarBegin:
                    body.Add(new PrintStatement(token.Line, Expr()));
                    Expect(TokenKind.VarEnd);
                    break;
                case TokenKind.BlockBegin:
                    var keyword = ExpectName();
                    if (ends.Contains(keyword))
                    {
                        end = keyword;
                        return body;
                    }

                    body.Add(Tag(keyword, token.Line));
                    break;
                default:
                    throw Error($"unexpected '{token.Text}'");
            }
        }
    }

    private Statement Tag(string keyword, int line)
    {
        switch (keyword)
        {
            case "extends":
                {
                    var template = Expr();
                    Expect(TokenKind.BlockEnd);
                    return new ExtendsStatement(line, template);
                }

            case "block":
                {
                    var name = ExpectName();
                    if (Current.Kind == TokenKind.Name && Current.Text == "scoped") _pos++;
                    Expect(TokenKind.BlockEnd);
                    var body = Statements(out _, "endblock");
                    if (Current.Kind == TokenKind.Name) _pos++;
                    Expect(TokenKind.BlockEnd);
                    var block = new BlockStatement(line, _name, name, body);
                    if (!_blocks.TryAdd(name, block)) throw new TemplateException(_name, line, $"block '{name}' defined twice");
                    return block;
                }

            case "set":
                {
                    var targets = Targets();
                    if (!Accept("=")) throw Error("block assignments ({% set x %}...{% endset %}) are not supported");
                    var value = TupleOrExpr();
                    Expect(TokenKind.BlockEnd);
                    return new SetStatement(line, targets, value);
                }

            case "if": return If(line);
            case "for": return For(line);
            case "filter":
                {
                    var filter = Filter(null, line);
                    Expect(TokenKind.BlockEnd);
                    var body = Statements(out _, "endfilter");
                    Expect(TokenKind.BlockEnd);
                    return new FilterStatement(line, filter, body);
                }

            default:
                throw new TemplateException(_name, line, $"unknown tag '{keyword}'");
        }
    }

    private IfStatement If(int line)
    {
        var branches = new List<(Expression, IReadOnlyList<Statement>)>();
        IReadOnlyList<Statement> otherwise = [];
        var test = Expr();
        while (true)
        {
            Expect(TokenKind.BlockEnd);
            var body = Statements(out var end, "elif", "else", "endif");
            branches.Add((test, body));
            if (end == "elif")
            {
                test = Expr();
                continue;
            }

            if (end == "else")
            {
                Expect(TokenKind.BlockEnd);
                otherwise = Statements(out _, "endif");
            }

            Expect(TokenKind.BlockEnd);
            return new IfStatement(line, branches, otherwise);
        }
    }

    private ForStatement For(int line)
    {
        var targets = Targets();
        if (ExpectName() != "in") throw Error("expected 'in'");
        var iterable = Or();
        Expression? condition = null;
        if (Current.Kind == TokenKind.Name && Current.Text == "if")
        {
            _pos++;
            condition = Expr();
        }

        Expect(TokenKind.BlockEnd);
        var body = Statements(out var end, "else", "endfor");
        IReadOnlyList<Statement> otherwise = [];
        if (end == "else")
        {
            Expect(TokenKind.BlockEnd);
            otherwise = Statements(out _, "endfor");
        }

        Expect(TokenKind.BlockEnd);
        return new ForStatement(line, targets, iterable, condition, body, otherwise);
    }

    private List<string> Targets()
    {
        var targets = new List<string> { ExpectName() };
        while (Accept(",")) targets.Add(ExpectName());
        return targets;
    }

    private bool Accept(string op)
    {
        if (Current.Kind != TokenKind.Operator || Current.Text != op) return false;
        _pos++;
        return true;
    }

    private bool AcceptName(string name)
    {
        if (Current.Kind != TokenKind.Name || Current.Text != name) return false;
        _pos++;
        return true;
    }

    private void Expect(string op)
    {
        if (!Accept(op)) throw Error($"expected '{op}', got '{Current.Text}'");
    }

    private void Expect(TokenKind kind)
    {
        if (Current.Kind != kind) throw Error($"expected end of {(kind == TokenKind.VarEnd ? "print statement" : "statement block")}, got '{Current.Text}'");
        _pos++;
    }

    private string ExpectName()
    {
        if (Current.Kind != TokenKind.Name) throw Error($"expected a name, got '{Current.Text}'");
        return Next().Text;
    }

    private TemplateException Error(string message) => new(_name, Current.Line, message);
}
