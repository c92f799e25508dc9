namespace Lava.Actors.Configuration;

/// <summary>
/// Checks that a HOCON text's brackets, strings and substitutions are closed, naming the line of the first
/// problem. Akka.NET's parser reports no positions, silently accepts some of these mistakes, and loops without end
/// (growing memory) on an array left open, so files are checked before it sees them.
/// </summary>
public static class HoconSyntax
{
    /// <summary>The first structural problem of <paramref name="text"/> as (1-based line, sentence), or null.</summary>
    public static (int Line, string Problem)? FindProblem(string text)
    {
        var open = new Stack<(char Bracket, int Line)>();
        var line = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\n':
                    line++;
                    break;
                case '#':
                case '/' when At(text, i, "//"):
                    i = EndOfLine(text, i) - 1; // the newline itself is counted on the next turn
                    break;
                case '"' when At(text, i, "\"\"\""):
                    var close = text.IndexOf("\"\"\"", i + 3, StringComparison.Ordinal);
                    if (close < 0)
                    {
                        return (line, "a \"\"\" string starts here and is never closed");
                    }

                    line += Count(text, i, close, '\n');
                    i = close + 2;
                    break;
                case '"':
                    if (EndOfQuoted(text, i) is not { } end)
                    {
                        return (line, "a quoted string starts here and does not end on this line");
                    }

                    i = end;
                    break;
                case '$' when At(text, i, "${"):
                    var brace = text.IndexOf('}', i);
                    var newline = text.IndexOf('\n', i);
                    if (brace < 0 || (newline >= 0 && newline < brace))
                    {
                        return (line, "a ${…} substitution starts here and does not end on this line");
                    }

                    i = brace;
                    break;
                case '{' or '[':
                    open.Push((c, line));
                    break;
                case '}' or ']':
                    if (open.Count == 0)
                    {
                        return (line, $"'{c}' closes nothing");
                    }

                    var (bracket, opened) = open.Pop();
                    if (Closing(bracket) != c)
                    {
                        return (line, $"'{c}' here, but the '{bracket}' opened on line {opened} needs '{Closing(bracket)}'");
                    }

                    break;
            }
        }

        return open.Count == 0 ? null : (open.Peek().Line, $"'{open.Peek().Bracket}' opened here is never closed");
    }

    private static char Closing(char bracket) => bracket == '{' ? '}' : ']';

    private static bool At(string text, int index, string token) => string.CompareOrdinal(text, index, token, 0, token.Length) == 0;

    private static int EndOfLine(string text, int index) => text.IndexOf('\n', index) is >= 0 and var end ? end : text.Length;

    private static int Count(string text, int from, int to, char c) => text.AsSpan(from, to - from).Count(c);

    /// <summary>The index of the quote closing the string opened at <paramref name="start"/>, or null when the line ends first.</summary>
    private static int? EndOfQuoted(string text, int start)
    {
        for (var i = start + 1; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '\\':
                    i++;
                    break;
                case '"':
                    return i;
                case '\n':
                    return null;
            }
        }

        return null;
    }
}
