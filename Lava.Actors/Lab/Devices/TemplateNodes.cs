namespace Lava.Actors.Lab.Devices;

/// <summary>A parsed template: its top-level statements and every block it defines, nested ones included.</summary>
internal sealed record ParsedTemplate(string Name, IReadOnlyList<Statement> Body, IReadOnlyDictionary<string, BlockStatement> Blocks);

internal abstract record Statement(int Line);

internal sealed record OutputStatement(int Line, string Text) : Statement(Line);

internal sealed record PrintStatement(int Line, Expression Value) : Statement(Line);

internal sealed record ExtendsStatement(int Line, Expression Template) : Statement(Line);

internal sealed record BlockStatement(int Line, string Template, string Name, IReadOnlyList<Statement> Body) : Statement(Line);

internal sealed record SetStatement(int Line, IReadOnlyList<string> Targets, Expression Value) : Statement(Line);

internal sealed record IfStatement(int Line, IReadOnlyList<(Expression Test, IReadOnlyList<Statement> Body)> Branches, IReadOnlyList<Statement> Else) : Statement(Line);

internal sealed record ForStatement(
    int Line, IReadOnlyList<string> Targets, Expression Iterable, Expression? Condition, IReadOnlyList<Statement> Body, IReadOnlyList<Statement> Else)
    : Statement(Line);

internal sealed record FilterStatement(int Line, FilterExpression Filter, IReadOnlyList<Statement> Body) : Statement(Line);

internal abstract record Expression(int Line);

internal sealed record LiteralExpression(int Line, object? Value) : Expression(Line);

internal sealed record NameExpression(int Line, string Name) : Expression(Line);

internal sealed record ListExpression(int Line, IReadOnlyList<Expression> Items) : Expression(Line);

internal sealed record DictExpression(int Line, IReadOnlyList<(Expression Key, Expression Value)> Items) : Expression(Line);

internal sealed record AttributeExpression(int Line, Expression Target, string Attribute) : Expression(Line);

internal sealed record ItemExpression(int Line, Expression Target, Expression Key) : Expression(Line);

internal sealed record CallExpression(int Line, Expression Target, IReadOnlyList<Expression> Args, IReadOnlyList<(string Name, Expression Value)> Kwargs)
    : Expression(Line);

/// <summary><c>value | name(args)</c>; <see cref="Value"/> is null inside <c>{% filter %}</c>.</summary>
internal sealed record FilterExpression(int Line, Expression? Value, string Name, IReadOnlyList<Expression> Args, IReadOnlyList<(string Name, Expression Value)> Kwargs)
    : Expression(Line);

internal sealed record TestExpression(int Line, Expression Value, string Name, IReadOnlyList<Expression> Args, bool Negated) : Expression(Line);

internal sealed record BinaryExpression(int Line, string Operator, Expression Left, Expression Right) : Expression(Line);

internal sealed record UnaryExpression(int Line, string Operator, Expression Operand) : Expression(Line);

internal sealed record CompareExpression(int Line, Expression First, IReadOnlyList<(string Operator, Expression Operand)> Rest) : Expression(Line);

internal sealed record ConditionalExpression(int Line, Expression Test, Expression Then, Expression? Else) : Expression(Line);
