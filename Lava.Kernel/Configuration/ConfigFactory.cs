using System.Reflection;

namespace Lava.Kernel.Configuration;

/// <summary>Creates <see cref="Config"/> instances from HOCON text, files and embedded resources.</summary>
public static class ConfigFactory
{
    private const string KernelReferenceResource = "Lava.Kernel.reference.conf";

    // Parsed once per process: every actor system falls back to it, and a Config never changes.
    private static readonly Lazy<Config> KernelReference = new(() => ParseResource(typeof(ConfigFactory).Assembly, KernelReferenceResource));

    /// <summary>
    /// Parses HOCON text without resolving it. Relative includes are resolved against the current
    /// directory, since text has no location of its own.
    /// </summary>
    /// <param name="text">The HOCON document; an empty string gives an empty configuration.</param>
    /// <param name="origin">Name used in error messages (<c>ORIGIN:LINE:COLUMN: …</c>); "string" when null.</param>
    /// <exception cref="ConfigException">The text is not valid HOCON, or a required include is missing.</exception>
    public static Config ParseString(string text, string? origin = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new Config(HoconParser.Parse(text, origin ?? "string", baseDirectory: null));
    }

    /// <summary>
    /// Parses a HOCON (or JSON) file without resolving it; relative includes are resolved against the
    /// file's directory. Error messages name the file as <paramref name="path"/> was given.
    /// </summary>
    /// <exception cref="ConfigException">The file is missing or unreadable, is not valid HOCON, or a required include is missing.</exception>
    public static Config ParseFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new ConfigException($"{path}: configuration file not found");
        }

        try
        {
            return new Config(HoconParser.ParseFile(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"{path}: cannot read configuration file: {e.Message}", e);
        }
    }

    /// <summary>Parses an embedded HOCON resource of <paramref name="assembly"/> without resolving it.</summary>
    /// <exception cref="ConfigException">The resource does not exist or is not valid HOCON.</exception>
    public static Config ParseResource(Assembly assembly, string resourceName)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        ArgumentException.ThrowIfNullOrEmpty(resourceName);
        using var stream = assembly.GetManifestResourceStream(resourceName)
            ?? throw new ConfigException($"resource '{resourceName}' not found in assembly {assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return ParseString(reader.ReadToEnd(), resourceName);
    }

    /// <summary>The kernel's own defaults (its embedded <c>reference.conf</c>), unresolved.</summary>
    public static Config Reference() => KernelReference.Value;

    /// <summary>
    /// The configuration an application runs with: <paramref name="application"/> falling back to the
    /// kernel's <see cref="Reference"/>, resolved as a whole.
    /// </summary>
    /// <exception cref="ConfigException">A substitution cannot be resolved.</exception>
    public static Config Load(Config application)
    {
        ArgumentNullException.ThrowIfNull(application);
        return application.WithFallback(Reference()).Resolve();
    }

    /// <summary>Parses the file at <paramref name="path"/> and returns it as <see cref="Load(Config)"/> does.</summary>
    /// <exception cref="ConfigException">The file is missing or invalid, or a substitution cannot be resolved.</exception>
    public static Config Load(string path) => Load(ParseFile(path));
}
