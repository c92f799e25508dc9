using System.Globalization;
using System.Text;

namespace Lava.Devices.TestShell;

/// <summary>
/// Writes a cpio archive in the "newc" format (SVR4 without CRC, magic <c>070701</c>), the one the Linux kernel
/// unpacks from an initramfs: each entry a 110-byte ASCII header, its NUL-terminated name and its data, both padded to
/// 4 bytes; the archive ends with <c>TRAILER!!!</c>. Owner root, a fixed time, one link per entry.
/// </summary>
public sealed class CpioNewcWriter(Stream output)
{
    private const int DirectoryType = 0x4000; // S_IFDIR
    private const int FileType = 0x8000;      // S_IFREG
    private long _nextInode = 1;
    private long _written;

    /// <summary>Adds a directory (a path relative to the archive's root, without a leading slash).</summary>
    public void AddDirectory(string path, UnixFileMode mode) => Write(path, DirectoryType | (int)mode, [], nlink: 2);

    /// <summary>Adds a regular file.</summary>
    public void AddFile(string path, ReadOnlySpan<byte> content, UnixFileMode mode) => Write(path, FileType | (int)mode, content, nlink: 1);

    /// <summary>Writes the trailer entry that ends the archive.</summary>
    public void Finish() => Write("TRAILER!!!", 0, [], nlink: 1, inode: 0);

    private void Write(string path, int mode, ReadOnlySpan<byte> content, int nlink, long? inode = null)
    {
        var name = Encoding.UTF8.GetBytes(path);
        var header = new StringBuilder("070701", 110);
        foreach (var field in new long[] { inode ?? _nextInode++, mode, 0, 0, nlink, 0, content.Length, 0, 0, 0, 0, name.Length + 1, 0 })
        {
            header.Append(field.ToString("X8", CultureInfo.InvariantCulture));
        }
        Emit(Encoding.ASCII.GetBytes(header.ToString()));
        Emit(name);
        Emit([0]);
        Pad();
        Emit(content);
        Pad();
    }

    private void Emit(ReadOnlySpan<byte> bytes)
    {
        output.Write(bytes);
        _written += bytes.Length;
    }

    private void Pad()
    {
        Span<byte> zeros = stackalloc byte[4];
        zeros.Clear();
        Emit(zeros[..(int)((4 - (_written % 4)) % 4)]);
    }
}
