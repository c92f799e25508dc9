using System.Text.RegularExpressions;
using Akka.Configuration;

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
    /// <exception cref="LavaConfigException">Not valid HOCON.</exception>
    public static Config Parse(string text, string source)
    {
        try
        {
            var config = ConfigurationFactory.ParseString(text);
            // Substitutions resolve at parse time; touching the root surfaces any that failed.
            _ = config.Root;
            return config;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var line = LinePattern().Match(e.Message) is { Success: true } m ? $":{m.Groups[1].Value}" : "";
            throw new LavaConfigException($"{source}{line}: {FirstLine(e.Message)}", e);
        }
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
