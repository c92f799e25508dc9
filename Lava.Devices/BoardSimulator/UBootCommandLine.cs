using System.Text;

namespace Lava.Devices.BoardSimulator;

/// <summary>
/// Splits a U-Boot command line as its hush shell does, enough for what LAVA sends: commands separated by <c>;</c>,
/// words by blanks, single quotes keep text literal, double quotes group words, <c>${name}</c> and <c>$name</c>
/// expand from the environment outside single quotes.
/// </summary>
internal static class UBootCommandLine
{
    /// <summary>The commands of <paramref name="text"/>, each as its words; empty commands are left out.</summary>
    public static List<List<string>> Parse(string text, IReadOnlyDictionary<string, string> env)
    {
        var commands = new List<List<string>>();
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        var quote = '\0';
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote == '\'' && c != '\'')
            {
                word.Append(c);
            }
            else if (c is '\'' or '"' && (quote == '\0' || quote == c))
            {
                quote = quote == c ? '\0' : c;
                inWord = true;
            }
            else if (c == '$' && i + 1 < text.Length)
            {
                i = Expand(text, i, env, word);
                inWord = true;
            }
            else if (quote == '\0' && c is ' ' or '\t' or ';')
            {
                EndWord(words, word, ref inWord);
                if (c == ';')
                {
                    EndCommand(commands, ref words);
                }
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }
        EndWord(words, word, ref inWord);
        EndCommand(commands, ref words);
        return commands;
    }

    // Appends the value of the variable at text[dollar] and returns the index of its last character.
    private static int Expand(string text, int dollar, IReadOnlyDictionary<string, string> env, StringBuilder word)
    {
        int start, end, last;
        if (text[dollar + 1] == '{')
        {
            start = dollar + 2;
            end = text.IndexOf('}', start);
            if (end < 0)
            {
                word.Append(text, dollar, text.Length - dollar);
                return text.Length - 1;
            }
            last = end;
        }
        else
        {
            start = dollar + 1;
            end = start;
            while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] == '_'))
            {
                end++;
            }
            if (end == start)
            {
                word.Append('$');
                return dollar;
            }
            last = end - 1;
        }
        word.Append(env.GetValueOrDefault(text[start..end], ""));
        return last;
    }

    private static void EndWord(List<string> words, StringBuilder word, ref bool inWord)
    {
        if (inWord)
        {
            words.Add(word.ToString());
        }
        word.Clear();
        inWord = false;
    }

    private static void EndCommand(List<List<string>> commands, ref List<string> words)
    {
        if (words.Count > 0)
        {
            commands.Add(words);
            words = [];
        }
    }
}
