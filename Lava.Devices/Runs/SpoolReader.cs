using System.Buffers;
using System.Text;

namespace Lava.Devices.Runs;

/// <summary>
/// Reads the complete lines of an append-only spool file (<c>output.yaml</c>, <c>results.jsonl</c>) that another
/// process writes. A line counts once its <c>\n</c> is on disk; an unterminated tail is left for a later
/// <see cref="Scan"/>. It remembers where each line from <see cref="FirstKept"/> on starts, so reading from line N
/// seeks straight there; <see cref="Forget"/> drops the positions of lines the master has stored.
/// Not thread-safe: its device actor alone uses it.
/// </summary>
public sealed class SpoolReader : IDisposable
{
    private const int ChunkBytes = 64 * 1024;

    private readonly string _path;
    // _starts[i] is where line FirstKept + i starts; the last entry is the end of the last complete line.
    private readonly List<long> _starts = [0];
    private FileStream? _file;
    private long _scanned;

    public SpoolReader(string path) => _path = path;

    /// <summary>The number of complete lines seen so far.</summary>
    public long Lines => FirstKept + _starts.Count - 1;

    /// <summary>The first line whose position is still known.</summary>
    public long FirstKept { get; private set; }

    /// <summary>The end of the last complete line: where a writer that died mid-line should be cut.</summary>
    public long CompleteBytes => _starts[^1];

    /// <summary>Reads what was appended since the last scan; returns <see cref="Lines"/>.</summary>
    public long Scan()
    {
        if (_file is null && !TryOpen()) return Lines;
        var file = _file!;
        var length = file.Length;
        if (length <= _scanned) return Lines;
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            while (_scanned < length)
            {
                var read = RandomAccess.Read(file.SafeFileHandle, buffer.AsSpan(0, (int)Math.Min(ChunkBytes, length - _scanned)), _scanned);
                if (read == 0) break;
                var span = buffer.AsSpan(0, read);
                var at = 0;
                int newline;
                while ((newline = span[at..].IndexOf((byte)'\n')) >= 0)
                {
                    at += newline + 1;
                    _starts.Add(_scanned + at);
                }
                _scanned += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return Lines;
    }

    /// <summary>
    /// Up to <paramref name="maxLines"/> complete lines from <paramref name="first"/> on, without their <c>\n</c>, stopping
    /// before the line that would pass <paramref name="maxBytes"/> (one line at least, however long).
    /// </summary>
    public IReadOnlyList<string> Read(long first, int maxLines, int maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(first, FirstKept);
        if (first >= Lines || _file is null) return [];
        var from = (int)(first - FirstKept);
        var to = Math.Min(from + maxLines, _starts.Count - 1);
        while (to > from + 1 && _starts[to] - _starts[from] > maxBytes) to--;
        var bytes = (int)(_starts[to] - _starts[from]);
        var buffer = ArrayPool<byte>.Shared.Rent(bytes);
        try
        {
            RandomAccess.Read(_file.SafeFileHandle, buffer.AsSpan(0, bytes), _starts[from]);
            var lines = new string[to - from];
            for (var i = from; i < to; i++)
            {
                var start = (int)(_starts[i] - _starts[from]);
                var length = (int)(_starts[i + 1] - _starts[i]) - 1;
                lines[i - from] = Encoding.UTF8.GetString(buffer, start, length);
            }
            return lines;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// As <see cref="Read"/>, the lines as they are in the file: UTF-8, each with its <c>\n</c>, undecoded (a log chunk
    /// for the master, which stores them as they are).
    /// </summary>
    public byte[] ReadText(long first, int maxLines, int maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(first, FirstKept);
        if (first >= Lines || _file is null) return [];
        var from = (int)(first - FirstKept);
        var to = Math.Min(from + maxLines, _starts.Count - 1);
        while (to > from + 1 && _starts[to] - _starts[from] > maxBytes) to--;
        var text = new byte[_starts[to] - _starts[from]];
        RandomAccess.Read(_file.SafeFileHandle, text, _starts[from]);
        return text;
    }

    /// <summary>Forgets where lines before <paramref name="line"/> start: they will not be read again.</summary>
    public void Forget(long line)
    {
        var drop = (int)Math.Min(line - FirstKept, _starts.Count - 1);
        if (drop <= 0) return;
        _starts.RemoveRange(0, drop);
        FirstKept += drop;
    }

    /// <summary>
    /// Makes lines from <paramref name="line"/> on readable again after <see cref="Forget"/>: a new master whose store
    /// lacks lines an earlier one acknowledged asks for them. Scans the file again from its start.
    /// </summary>
    public void Rewind(long line)
    {
        if (line >= FirstKept) return;
        _starts.Clear();
        _starts.Add(0);
        FirstKept = 0;
        _scanned = 0;
        Scan();
        Forget(line);
    }

    public void Dispose()
    {
        _file?.Dispose();
        _file = null;
    }

    private bool TryOpen()
    {
        try
        {
            // The writer appends while we read: share everything, and keep no buffer of our own.
            _file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
            return true;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
    }
}
