namespace Lava.Kernel.Configuration;

internal enum TokenKind
{
    OpenBrace,
    CloseBrace,
    OpenBracket,
    CloseBracket,
    Comma,
    Colon,
    Equals,
    PlusEquals,
    Newline,
    Whitespace,
    Unquoted,
    Quoted,
    Number,
    True,
    False,
    Null,
    Substitution,
    End,
}

/// <param name="Text">Unescaped content for strings, spelling for everything else.</param>
/// <param name="Path">Only for <see cref="TokenKind.Substitution"/>: the path inside <c>${…}</c>.</param>
internal sealed record HoconToken(TokenKind Kind, string Text, ConfigOrigin Origin, IReadOnlyList<string>? Path = null, bool Optional = false)
{
    /// <summary>Tokens that may form a key or the path of a substitution.</summary>
    public bool IsPathPiece => Kind is TokenKind.Unquoted or TokenKind.Quoted or TokenKind.Number
        or TokenKind.True or TokenKind.False or TokenKind.Null or TokenKind.Whitespace;

    /// <summary>How the token reads in an error message.</summary>
    public string Describe() => Kind switch
    {
        TokenKind.End => "end of input",
        TokenKind.Newline => "newline",
        TokenKind.Quoted => $"\"{Text}\"",
        TokenKind.Substitution => "substitution",
        _ => $"'{Text}'",
    };
}
