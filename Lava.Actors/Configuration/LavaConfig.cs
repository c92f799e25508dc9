using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace Lava.Actors.Configuration;

/// <summary>
/// Lava's configuration: a HOCON file read with Akka's own parser, falling back to hocon/reference.conf (embedded
/// here), which documents every <c>lava.*</c> key and the <c>akka.*</c> keys whose defaults Lava changes.
/// </summary>
/// <remarks>
/// Akka.NET's parser reports no positions, silently gives a key without a value an empty one, and loops without end
/// (growing memory) on a list left open. So a file's brackets, strings and substitutions are checked first
/// (<see cref="HoconSyntax"/>), and the parsed tree is checked for keys without a value; every problem names the file
/// and, when it can be found, the line.
/// </remarks>
public static class LavaConfig
{
    private const string ReferenceResource = "Lava.Actors.reference.conf";
    private static readonly Lazy<Config> ReferenceConfig = new(LoadReference);

    /// <summary>reference.conf alone.</summary>
    public static Config Reference => ReferenceConfig.Value;

    /// <summary>
    /// Reads <paramref name="path"/> (null: no file), its <c>include "FILE"</c>s relative to its directory, with
    /// <paramref name="defaults"/> and then reference.conf beneath it.
    /// </summary>
    /// <exception cref="LavaConfigException">The file is missing, unreadable or not valid HOCON.</exception>
    public static Config Load(string? path, Config? defaults = null)
    {
        var beneath = defaults is null ? Reference : defaults.WithFallback(Reference);
        if (path is null) return beneath;
        var root = ParseRoot(Path.GetFullPath(path), path, new Stack<string>());
        return Checked(new Config(root), path, () => File.ReadAllText(path)).WithFallback(beneath);
    }

    /// <summary>Parses HOCON <paramref name="text"/> that came from <paramref name="source"/> (named in errors); includes are not followed.</summary>
    /// <exception cref="LavaConfigException">Not valid HOCON, or a key without a value.</exception>
    public static Config Parse(string text, string source)
    {
        if (HoconSyntax.FindProblem(text) is var (line, problem)) throw new LavaConfigException(source, line, problem);
        HoconRoot root;
        try
        {
            root = Parser.Parse(text, include => throw new LavaConfigException(source, null, $"include \"{include}\" is not allowed here"));
        }
        catch (Exception e) when (e is not (LavaConfigException or OutOfMemoryException))
        {
            throw new LavaConfigException(source, LineOfSubstitution(text, e.Message), e.Message, e);
        }

        return Checked(new Config(root), source, () => text);
    }

    private static HoconRoot ParseRoot(string fullPath, string shownPath, Stack<string> including)
    {
        if (including.Contains(fullPath))
            throw new LavaConfigException(shownPath, null, $"includes itself through {string.Join(" -> ", including.Reverse())}");

        string text;
        try
        {
            text = File.ReadAllText(fullPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LavaConfigException(shownPath, null, e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message, e);
        }

        if (HoconSyntax.FindProblem(text) is var (line, problem)) throw new LavaConfigException(shownPath, line, problem);

        including.Push(fullPath);
        try
        {
            var directory = Path.GetDirectoryName(fullPath)!;
            return Parser.Parse(text, include => ParseRoot(Path.GetFullPath(include, directory), include, including));
        }
        // Akka's parser throws plain Exception ("unknown token"), FormatException and others, none with a position.
        catch (Exception e) when (e is not (LavaConfigException or OutOfMemoryException))
        {
            throw new LavaConfigException(shownPath, LineOfSubstitution(text, e.Message), e.Message, e);
        }
        finally
        {
            including.Pop();
        }
    }

    private static Config Checked(Config config, string source, Func<string> text) =>
        FirstEmptyKey(config.Root, "") is { } empty
            ? throw new LavaConfigException(source, LineOf(text(), empty[(empty.LastIndexOf('.') + 1)..]), $"key '{empty}' has no value")
            : config;

    /// <summary>The dotted path of the first key that the parser left without a value (as <c>a b c</c> on a line of its own).</summary>
    private static string? FirstEmptyKey(HoconValue value, string path)
    {
        if (value.IsObject())
        {
            foreach (var (key, child) in value.GetObject().Items)
            {
                if (FirstEmptyKey(child, path.Length == 0 ? key : $"{path}.{key}") is { } found) return found;
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

    private static Config LoadReference()
    {
        using var stream = typeof(LavaConfig).Assembly.GetManifestResourceStream(ReferenceResource)
            ?? throw new InvalidOperationException($"the resource {ReferenceResource} is missing from Lava.Actors");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    }
}

/// <summary>
/// A configuration file that cannot be read or parsed. <see cref="Exception.Message"/> reads <c>FILE:LINE: problem</c>
/// (which editors jump to), or <c>FILE: problem</c> when the line is unknown.
/// </summary>
public sealed class LavaConfigException(string source, int? line, string problem, Exception? inner = null)
    : Exception(line is { } l ? $"{source}:{l}: {problem}" : $"{source}: {problem}", inner)
{
    /// <summary>The file (or other origin) named in the message.</summary>
    public string Origin { get; } = source;

    /// <summary>The 1-based line of the problem, when known.</summary>
    public int? Line { get; } = line;
}
