namespace Lava.Actors.Security;

/// <summary>
/// Writes files that hold private keys: owner-only (0600) from the first byte, completely written to a temporary
/// file beside the target and then moved into place, so a reader never sees half a key and a crash leaves no
/// truncated file behind.
/// </summary>
internal static class SecretFiles
{
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Places <paramref name="contents"/> at <paramref name="path"/> unless a file is already there; false when
    /// another writer got there first (its file is kept, ours discarded).
    /// </summary>
    public static bool TryCreate(string path, ReadOnlySpan<byte> contents)
    {
        var temp = WriteTemp(path, contents);
        try
        {
            File.Move(temp, path, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Places <paramref name="contents"/> at <paramref name="path"/>, replacing any file there.</summary>
    public static void Replace(string path, ReadOnlySpan<byte> contents)
    {
        var temp = WriteTemp(path, contents);
        try
        {
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>
    /// Holds <c>.security.lock</c> in <paramref name="directory"/> until disposed, so that processes starting together
    /// create its key files one at a time: on Linux <c>File.Move</c> without overwrite checks and renames in two
    /// steps, so it cannot pick one winner by itself. The OS releases the lock when a holder dies.
    /// </summary>
    public static IDisposable Exclusive(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, ".security.lock");
        var waited = TimeSpan.Zero;
        var pause = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (waited < LockWait && File.Exists(path))
            {
                Thread.Sleep(pause); // creating a key takes milliseconds; this wait happens once per start
                waited += pause;
            }
        }
    }

    /// <summary>True when group or others may read or write <paramref name="path"/>.</summary>
    public static bool IsExposed(string path) =>
        !OperatingSystem.IsWindows()
        && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0;

    private static string WriteTemp(string path, ReadOnlySpan<byte> contents)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using var stream = new FileStream(temp, options);
            stream.Write(contents);
            stream.Flush(flushToDisk: true); // the move must not publish a name whose bytes are still in the page cache only
        }
        catch
        {
            File.Delete(temp);
            throw;
        }

        return temp;
    }
}
