using System.Globalization;
using System.Text;

namespace Lava.Devices.Archives;

/// <summary>
/// Writes a cpio archive in the "newc" format (SVR4 without checksums, magic <c>070701</c>), the format Linux unpacks
/// as an initramfs: directories, regular files with their modes, symlinks and device nodes, each header and body
/// padded to 4 bytes, ended by the <c>TRAILER!!!</c> entry. Paths are written relative (no leading <c>/</c>), as
/// <c>find . | cpio -o -H newc</c> writes them without the <c>./</c>. Parents are not added implicitly.
/// <see cref="Finish"/> (or disposing) writes the trailer.
/// </summary>
public sealed class CpioWriter : IDisposable
{
    private const int TypeDirectory = 0x4000;     // S_IFDIR
    private const int TypeRegular = 0x8000;       // S_IFREG
    private const int TypeSymlink = 0xA000;       // S_IFLNK
    private const int TypeCharacterDevice = 0x2000; // S_IFCHR
    private const int PermissionBits = 0xFFF;     // rwx for all three plus setuid, setgid, sticky
    private const string Trailer = "TRAILER!!!";

    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private readonly long _mtime;
    private long _position;
    private int _nextInode = 1;
    private bool _finished;

    /// <summary>Writes to <paramref name="output"/>; every entry gets <paramref name="modified"/> (the epoch by
    /// default, so that the same inputs give the same bytes).</summary>
    public CpioWriter(Stream output, bool leaveOpen = false, DateTimeOffset? modified = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _leaveOpen = leaveOpen;
        _mtime = (modified ?? DateTimeOffset.UnixEpoch).ToUnixTimeSeconds();
    }

    /// <summary>Adds a directory with permission bits <paramref name="mode"/> (e.g. <c>0x1ED</c> = 0755).</summary>
    public void AddDirectory(string path, int mode = 0x1ED) =>
        WriteEntry(path, TypeDirectory | Permissions(mode), nlink: 2, ReadOnlySpan<byte>.Empty);

    /// <summary>Adds a regular file holding <paramref name="content"/> with permission bits <paramref name="mode"/> (0644 by default).</summary>
    public void AddFile(string path, ReadOnlySpan<byte> content, int mode = 0x1A4) =>
        WriteEntry(path, TypeRegular | Permissions(mode), nlink: 1, content);

    /// <summary>Adds a regular file holding <paramref name="text"/> as UTF-8.</summary>
    public void AddFile(string path, string text, int mode = 0x1A4)
    {
        ArgumentNullException.ThrowIfNull(text);
        AddFile(path, Encoding.UTF8.GetBytes(text), mode);
    }

    /// <summary>
    /// Adds the file at <paramref name="sourcePath"/> on this machine, streamed, with <paramref name="mode"/> or else
    /// the source's own permission bits.
    /// </summary>
    public void AddFileFrom(string path, string sourcePath, int? mode = null)
    {
        ArgumentNullException.ThrowIfNull(sourcePath);
        using var source = File.OpenRead(sourcePath);
        var permissions = mode ?? (OperatingSystem.IsWindows() ? 0x1A4 : (int)File.GetUnixFileMode(sourcePath) & 0xFFF);
        WriteHeader(path, TypeRegular | Permissions(permissions), nlink: 1, source.Length, rdevMajor: 0, rdevMinor: 0);
        var copied = 0L;
        var buffer = new byte[81920];
        int read;
        while ((read = source.Read(buffer)) > 0)
        {
            copied += read;
            if (copied > source.Length)
            {
                throw new IOException($"{sourcePath} grew while it was being archived");
            }
            Write(buffer.AsSpan(0, read));
        }
        if (copied != source.Length)
        {
            throw new IOException($"{sourcePath} shrank while it was being archived");
        }
        Pad();
    }

    /// <summary>Adds a symbolic link to <paramref name="target"/> (written as is: absolute or relative).</summary>
    public void AddSymlink(string path, string target)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        WriteEntry(path, TypeSymlink | 0x1FF, nlink: 1, Encoding.UTF8.GetBytes(target));
    }

    /// <summary>Adds a character device node (e.g. <c>dev/console</c>, 5:1), which the kernel creates while unpacking.</summary>
    public void AddCharacterDevice(string path, int major, int minor, int mode = 0x180)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(major);
        ArgumentOutOfRangeException.ThrowIfNegative(minor);
        WriteHeader(path, TypeCharacterDevice | Permissions(mode), nlink: 1, size: 0, major, minor);
    }

    /// <summary>Writes the trailer entry and flushes. Idempotent; nothing can be added afterwards.</summary>
    public void Finish()
    {
        if (_finished)
        {
            return;
        }
        WriteHeaderRaw(Trailer, mode: 0, inode: 0, nlink: 1, size: 0, rdevMajor: 0, rdevMinor: 0);
        _finished = true;
        _output.Flush();
    }

    /// <summary>Finishes the archive and closes the stream unless it was to be left open.</summary>
    public void Dispose()
    {
        try
        {
            Finish();
        }
        finally
        {
            if (!_leaveOpen)
            {
                _output.Dispose();
            }
        }
    }

    private static int Permissions(int mode) =>
        (mode & ~PermissionBits) == 0 ? mode : throw new ArgumentOutOfRangeException(nameof(mode), mode, "Only permission bits (07777) may be given.");

    private static string EntryName(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var name = path.TrimStart('/');
        if (name.StartsWith("./", StringComparison.Ordinal))
        {
            name = name[2..];
        }
        name = name.TrimEnd('/');
        if (name.Length == 0 || name.Split('/').Any(part => part is "" or "." or ".."))
        {
            throw new ArgumentException($"'{path}' is not a path inside the archive.", nameof(path));
        }
        if (name == Trailer)
        {
            throw new ArgumentException($"'{path}' is the name that ends an archive.", nameof(path));
        }
        return name;
    }

    private void WriteEntry(string path, int mode, int nlink, ReadOnlySpan<byte> content)
    {
        WriteHeader(path, mode, nlink, content.Length, rdevMajor: 0, rdevMinor: 0);
        Write(content);
        Pad();
    }

    private void WriteHeader(string path, int mode, int nlink, long size, int rdevMajor, int rdevMinor)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        if (size > uint.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "newc holds files up to 4 GiB.");
        }
        WriteHeaderRaw(EntryName(path), mode, _nextInode++, nlink, size, rdevMajor, rdevMinor);
    }

    private void WriteHeaderRaw(string name, int mode, int inode, int nlink, long size, int rdevMajor, int rdevMinor)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var header = new StringBuilder("070701", 110);
        foreach (var field in (long[])[inode, mode, 0, 0, nlink, _mtime, size, 0, 0, rdevMajor, rdevMinor, nameBytes.Length + 1, 0])
        {
            header.Append(field.ToString("X8", CultureInfo.InvariantCulture));
        }
        Write(Encoding.ASCII.GetBytes(header.ToString()));
        Write(nameBytes);
        Write([0]);
        Pad(); // the name ends on a 4-byte boundary counted from the header's start, which is itself aligned
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        _output.Write(bytes);
        _position += bytes.Length;
    }

    private void Pad()
    {
        var padding = (int)((4 - (_position & 3)) & 3);
        if (padding > 0)
        {
            Write(stackalloc byte[padding]);
        }
    }
}
