namespace Lava.Actors.Lab.Devices;

/// <summary>Expressions, from the loosest binding (conditional) to the tightest (primary, postfix, filters, tests).</summary>
internal sealed partial class TemplateParser
{
    private Expression TupleOrExpr()
    {
        var first = Expr();
        if (Current.Text != "," || Current.Kind != TokenKind.Operator) return first;
        var items = new List<Expression> { first };
        while (Accept(",") && Current.Kind != TokenKind.BlockEnd) items.Add(Expr());
        return new ListExpression(first.Line, items);
    }

    private Expression Expr()
    {
        var value = Or();
        if (Current.Kind != TokenKind.Name || Current.Text != "if") return value;
        _pos++;
        var test = Or();
        Expression? otherwise = null;
        if (Current.Kind == TokenKind.Name && Current.Text == "else")
        {
            _pos++;
            otherwise = Expr();
        }

        return new ConditionalExpression(value.Line, test, value, otherwise);
    }

    private Expression Or()
    {
        var left = And();
        while (AcceptName("or")) left = new BinaryExpression(left.Line, "or", left, And());
        return left;
    }

    private Expression And()
    {
        var left = Not();
        while (AcceptName("and")) left = new BinaryExpression(left.Line, "and", left, Not());
        return left;
    }

    private Expression Not()
    {
        var line = Current.Line;
        return AcceptName("not") ? new UnaryExpression(line, "not", Not()) : Compare();
    }

    private Expression Compare()
    {
        var first = Math1();
        var rest = new List<(string, Expression)>();
        while (true)
        {
            if (Current.Kind == TokenKind.Operator && Current.Text is "==" or "!=" or "<" or "<=" or ">" or ">=")
            {
                var op = Next().Text;
                rest.Add((op, Math1()));
            }
            else if (AcceptName("in"))
            {
                rest.Add(("in", Math1()));
            }
            else if (Current.Kind == TokenKind.Name && Current.Text == "not" && _tokens[_pos + 1] is { Kind: TokenKind.Name, Text: "in" })
            {
                _pos += 2;
                rest.Add(("not in", Math1()));
            }
            else
            {
                return rest.Count == 0 ? first : new CompareExpression(first.Line, first, rest);
            }
        }
    }

    private Expression Math1()
    {
        var left = Concat();
        while (Current.Kind == TokenKind.Operator && Current.Text is "+" or "-") left = new BinaryExpression(left.Line, Next().Text, left, Concat());
        return left;
    }

    private Expression Concat()
    {
        var left = Math2();
        while (Accept("~")) left = new BinaryExpression(left.Line, "~", left, Math2());
        return left;
    }

    private Expression Math2()
    {
        var left = Pow();
        while (Current.Kind == TokenKind.Operator && Current.Text is "*" or "/" or "//" or "%") left = new BinaryExpression(left.Line, Next().Text, left, Pow());
        return left;
    }

    private Expression Pow()
    {
        var left = Unary(withFilter: true);
        while (Accept("**")) left = new BinaryExpression(left.Line, "**", left, Unary(withFilter: true));
        return left;
    }

    private Expression Unary(bool withFilter)
    {
        var line = Current.Line;
        Expression node;
        if (Current.Kind == TokenKind.Operator && Current.Text is "-" or "+")
        {
            node = new UnaryExpression(line, Next().Text, Unary(withFilter: false));
        }
        else
        {
            node = Postfix(Primary());
        }

        return withFilter ? FilterTail(node) : node;
    }

    private Expression Primary()
    {
        var token = Next();
        switch (token.Kind)
        {
            case TokenKind.Name:
                return token.Text switch
                {
                    "true" or "True" => new LiteralExpression(token.Line, true),
                    "false" or "False" => new LiteralExpression(token.Line, false),
                    "none" or "None" => new LiteralExpression(token.Line, null),
                    _ => new NameExpression(token.Line, token.Text),
                };
            case TokenKind.String:
                {
                    // Adjacent string literals concatenate, as in Python.
                    var text = (string)token.Value!;
                    while (Current.Kind == TokenKind.String) text += (string)Next().Value!;
                    return new LiteralExpression(token.Line, text);
                }

            case TokenKind.Integer or TokenKind.Float:
                return new LiteralExpression(token.Line, token.Value);
            case TokenKind.Operator when token.Text == "(":
                {
                    if (Accept(")")) return new ListExpression(token.Line, []);
                    var inner = Expr();
                    if (Accept(")")) return inner;
                    var items = new List<Expression> { inner };
                    while (Accept(",") && !Accept(")")) items.Add(Expr());
                    if (_tokens[_pos - 1].Text != ")") Expect(")");
                    return new ListExpression(token.Line, items);
                }

            case TokenKind.Operator when token.Text == "[":
                {
                    var items = new List<Expression>();
                    while (!Accept("]"))
                    {
                        items.Add(Expr());
                        if (!Accept(",")) { Expect("]"); break; }
                    }

                    return new ListExpression(token.Line, items);
                }

            case TokenKind.Operator when token.Text == "{":
                {
                    var items = new List<(Expression, Expression)>();
                    while (!Accept("}"))
                    {
                        var key = Expr();
                        Expect(":");
                        items.Add((key, Expr()));
                        if (!Accept(",")) { Expect("}"); break; }
                    }

                    return new DictExpression(token.Line, items);
                }

            default:
                throw new TemplateException(_name, token.Line, $"unexpected '{token.Text}'");
        }
    }

    private Expression Postfix(Expression node)
    {
        while (true)
        {
            if (Accept("."))
            {
                var attr = Next();
                if (attr.Kind is not (TokenKind.Name or TokenKind.Integer)) throw Error("expected an attribute name");
                node = new AttributeExpression(node.Line, node, attr.Text);
            }
            else if (Accept("["))
            {
                node = new ItemExpression(node.Line, node, Expr());
                Expect("]");
            }
            else if (Accept("("))
            {
                var (args, kwargs) = Arguments();
                node = new CallExpression(node.Line, node, args, kwargs);
            }
            else
            {
                return node;
            }
        }
    }

    private Expression FilterTail(Expression node)
    {
        while (true)
        {
            if (Accept("|"))
            {
                node = Filter(node, node.Line);
            }
            else if (AcceptName("is"))
            {
                var negated = AcceptName("not");
                var name = ExpectName();
                var args = new List<Expression>();
                if (Accept("("))
                {
                    args.AddRange(Arguments().Args);
                }
                else if (Current.Kind is TokenKind.String or TokenKind.Integer or TokenKind.Float
                    || (Current.Kind == TokenKind.Name && Current.Text is not ("and" or "or" or "else" or "if" or "in" or "is" or "not")))
                {
                    args.Add(Postfix(Primary()));
                }

                node = new TestExpression(node.Line, node, name, args, negated);
            }
            else
            {
                return node;
            }
        }
    }

    private FilterExpression Filter(Expression? value, int line)
    {
        var name = ExpectName();
        if (!TemplateFilters.Names.Contains(name)) throw new TemplateException(_name, line, $"no filter named '{name}'");
        if (!Accept("(")) return new FilterExpression(line, value, name, [], []);
        var (args, kwargs) = Arguments();
        return new FilterExpression(line, value, name, args, kwargs);
    }

    /// <summary>Call arguments after the opening parenthesis, through the closing one.</summary>
    private (List<Expression> Args, List<(string, Expression)> Kwargs) Arguments()
    {
        var args = new List<Expression>();
        var kwargs = new List<(string, Expression)>();
        while (!Accept(")"))
        {
            if (Current.Kind == TokenKind.Name && _tokens[_pos + 1] is { Kind: TokenKind.Operator, Text: "=" })
            {
                var key = Next().Text;
                _pos++;
                kwargs.Add((key, Expr()));
            }
            else
            {
                args.Add(Expr());
            }

            if (!Accept(",")) { Expect(")"); break; }
        }

        return (args, kwargs);
    }
}
