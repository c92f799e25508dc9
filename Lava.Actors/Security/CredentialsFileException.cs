namespace Lava.Actors.Security;

/// <summary>A worker credentials file that cannot be used: the message names the file and what is wrong in it.</summary>
public sealed class CredentialsFileException : Exception
{
    /// <summary>Reports <paramref name="problem"/> in the file at <paramref name="path"/>.</summary>
    public CredentialsFileException(string path, string problem, Exception? inner = null)
        : base($"{path}: {problem}", inner)
    {
        Path = path;
        Problem = problem;
    }

    /// <summary>The credentials file.</summary>
    public string Path { get; }

    /// <summary>What is wrong in it, without the path.</summary>
    public string Problem { get; }
}
