namespace Lava.Cli.Api;

/// <summary>
/// The file a worker reads its credentials from: UTF-8 <c>key=value</c> lines, <c>#</c> comments, keys
/// <c>name</c> (the worker's hostname), <c>token</c> (its secret) and <c>fingerprint</c> (SHA-256 of the master's
/// cluster certificate, upper-case hex pairs joined by ':'). Mode 0600: only its owner may read it.
/// </summary>
internal static class TokenFile
{
    /// <summary>Writes the file atomically (a reader sees the old file or the new one, never a part), replacing an existing one.</summary>
    public static void Write(string path, string name, string token, string fingerprint)
    {
        var full = Path.GetFullPath(path);
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var writer = new StreamWriter(new FileStream(temporary, options)))
            {
                writer.Write($"# Lava worker credentials; keep this file secret.\nname={name}\ntoken={token}\nfingerprint={fingerprint}\n");
            }

            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
