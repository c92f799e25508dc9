using System.Text.RegularExpressions;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace Lava.Actors.Configuration;

/// <summary>
/// Lava's configuration: a HOCON file read with Akka's own parser, falling back to hocon/reference.conf (embedded
/// here), which documents every <c>lava.*</c> key and the <c>akka.*</c> keys whose defaults Lava changes.
/// </summary>
public static partial class LavaConfig
{
    private const string ReferenceResource = "Lava.Actors.reference.conf";
    private static readonly Lazy<Config> ReferenceConfig = new(LoadReference);

    /// <summary>reference.conf alone.</summary>
    public static Config Reference => ReferenceConfig.Value;

    /// <summary>
    /// Reads <paramref name="path"/> (null: no file) with <paramref name="defaults"/> and then reference.conf beneath it.
    /// </summary>
    /// <exception cref="LavaConfigException">The file is missing, unreadable or not valid HOCON; the message names the file and, when known, the line.</exception>
    public static Config Load(string? path, Config? defaults = null)
    {
        var beneath = defaults is null ? Reference : defaults.WithFallback(Reference);
        if (path is null) return beneath;
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LavaConfigException($"{path}: {e.Message}", e);
        }

        return Parse(text, path).WithFallback(beneath);
    }

    /// <summary>Parses HOCON <paramref name="text"/> that came from <paramref name="source"/> (named in errors).</summary>
    /// <exception cref="LavaConfigException">Not valid HOCON, or a key without a value.</exception>
    /// <remarks>
    /// Akka.NET's parser is lenient: it gives a key without a value an empty one instead of failing, fails an include
    /// of a missing file with a NullReferenceException, and loops forever on some unclosed lists. So the parse runs
    /// under a deadline and its tree is checked for keys without a value, each named with its line.
    /// </remarks>
    public static Config Parse(string text, string source)
    {
        var parse = Task.Run(() =>
        {
            var parsed = ConfigurationFactory.ParseString(text);
            // Substitutions resolve at parse time; touching the root surfaces any that failed.
            _ = parsed.Root;
            return parsed;
        });
        Config config;
        try
        {
            if (!parse.Wait(ParseDeadline))
                throw new LavaConfigException($"{source}: not valid HOCON: the parser did not finish (look for an unclosed list or object)");
            config = parse.Result;
        }
        catch (AggregateException e) when (e.InnerException is { } inner)
        {
            var line = LinePattern().Match(inner.Message) is { Success: true } m ? $":{m.Groups[1].Value}" : "";
            throw new LavaConfigException($"{source}{line}: not valid HOCON: {FirstLine(inner.Message)}", inner);
        }

        if (FirstKeyWithoutValue(config.Root, "") is { } key)
            throw new LavaConfigException($"{source}{LineOf(text, key)}: '{key}' has no value");
        return config;
    }

    private static readonly TimeSpan ParseDeadline = TimeSpan.FromSeconds(5);

    private static string? FirstKeyWithoutValue(HoconValue value, string path)
    {
        if (value.IsObject())
        {
            foreach (var (key, child) in value.GetObject().Items)
            {
                var childPath = path.Length == 0 ? key : $"{path}.{key}";
                if (child.Values.Count == 0) return childPath;
                if (FirstKeyWithoutValue(child, childPath) is { } found) return found;
            }
        }
        else if (value.IsArray())
        {
            foreach (var element in value.GetArray())
            {
                if (FirstKeyWithoutValue(element, path) is { } found) return found;
            }
        }

        return null;
    }

    /// <summary>":LINE" of the first line that mentions the key's last segment, or "" when none does.</summary>
    private static string LineOf(string text, string key)
    {
        var name = key[(key.LastIndexOf('.') + 1)..];
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Contains(name, StringComparison.Ordinal)) return $":{i + 1}";
        }

        return "";
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();

    private static Config LoadReference()
    {
        using var stream = typeof(LavaConfig).Assembly.GetManifestResourceStream(ReferenceResource)
            ?? throw new InvalidOperationException($"the resource {ReferenceResource} is missing from Lava.Actors");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    }

    [GeneratedRegex(@"[Ll]ine[:\s]+(\d+)")]
    private static partial Regex LinePattern();
}

/// <summary>A configuration file is missing or invalid; the message names the file and, when known, the line.</summary>
public sealed class LavaConfigException(string message, Exception? inner = null) : Exception(message, inner);
