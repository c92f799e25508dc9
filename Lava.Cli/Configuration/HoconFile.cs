using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace Lava.Cli.Configuration;

/// <summary>
/// Reads a HOCON file with Akka.NET's parser, its <c>include "FILE"</c>s relative to its directory and its
/// substitutions resolved. Every problem is a <see cref="HoconFileException"/> naming the file and, when it can
/// be found, the line.
/// </summary>
internal static class HoconFile
{
    public static Config Parse(string path)
    {
        var including = new Stack<string>();
        var root = ParseRoot(Path.GetFullPath(path), path, including);
        var config = new Config(root);
        if (FirstEmptyKey(config.Root, "") is { } empty)
        {
            throw new HoconFileException(path, LineOf(File.ReadAllText(path), empty[(empty.LastIndexOf('.') + 1)..]), $"key '{empty}' has no value");
        }

        return config;
    }

    private static HoconRoot ParseRoot(string fullPath, string shownPath, Stack<string> including)
    {
        if (including.Contains(fullPath))
        {
            throw new HoconFileException(shownPath, null, $"includes itself through {string.Join(" -> ", including.Reverse())}");
        }

        string text;
        try
        {
            text = File.ReadAllText(fullPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HoconFileException(shownPath, null, e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message, e);
        }

        if (HoconSyntax.FindProblem(text) is var (line, problem))
        {
            throw new HoconFileException(shownPath, line, problem);
        }

        including.Push(fullPath);
        try
        {
            var directory = Path.GetDirectoryName(fullPath)!;
            return Parser.Parse(text, include => ParseRoot(Path.GetFullPath(include, directory), include, including));
        }
        catch (HoconFileException)
        {
            throw;
        }
        // Akka's parser throws plain Exception ("unknown token"), FormatException and others, none with a position.
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new HoconFileException(shownPath, LineOfSubstitution(text, e.Message), e.Message, e);
        }
        finally
        {
            including.Pop();
        }
    }

    /// <summary>The dotted path of the first key that the parser left without a value (as <c>a b c</c> on a line of its own).</summary>
    private static string? FirstEmptyKey(HoconValue value, string path)
    {
        if (value.IsObject())
        {
            foreach (var (key, child) in value.GetObject().Items)
            {
                if (FirstEmptyKey(child, path.Length == 0 ? key : $"{path}.{key}") is { } found)
                {
                    return found;
                }
            }

            return null;
        }

        return value.Values.Count == 0 ? path : null;
    }

    /// <summary>Where "Unresolved substitution: X" names <c>${X}</c>, the line that holds it.</summary>
    private static int? LineOfSubstitution(string text, string message)
    {
        const string Unresolved = "Unresolved substitution: ";
        return message.StartsWith(Unresolved, StringComparison.Ordinal) ? LineOf(text, "${" + message[Unresolved.Length..].Trim()) : null;
    }

    private static int? LineOf(string text, string needle)
    {
        var at = text.IndexOf(needle, StringComparison.Ordinal);
        return at < 0 ? null : text.AsSpan(0, at).Count('\n') + 1;
    }
}
