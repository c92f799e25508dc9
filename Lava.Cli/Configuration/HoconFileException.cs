namespace Lava.Cli.Configuration;

/// <summary>
/// A HOCON file that cannot be read or parsed. <see cref="Exception.Message"/> reads <c>FILE:LINE: problem</c>
/// (which editors jump to), or <c>FILE: problem</c> when the line is unknown.
/// </summary>
internal sealed class HoconFileException(string path, int? line, string problem, Exception? inner = null)
    : Exception(line is { } l ? $"{path}:{l}: {problem}" : $"{path}: {problem}", inner)
{
    public string Path { get; } = path;

    /// <summary>The 1-based line of the problem, when known.</summary>
    public int? Line { get; } = line;
}
