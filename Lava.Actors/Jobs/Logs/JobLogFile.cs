using System.Buffers.Binary;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Lava.Actors.Jobs.Logs;

/// <summary>
/// One job's <c>output.yaml</c> and <c>output.idx</c> (8-byte little-endian start offset per line). Lines are
/// written before their index entries, so a crash leaves at worst unindexed lines and a torn last line; opening
/// repairs both. Readers only look at the committed prefix, so they never see a partial line.
/// An append returns once its bytes are written to the OS, without fsync: its lines are then acknowledged to the
/// device, which forgets them. A master process that dies (SIGKILL included) loses none of them, since the kernel
/// holds the written pages; only a kernel crash or power loss may lose the last seconds of log, a price taken for
/// not syncing the disk for every chunk of every console. Opening a job after a restart syncs what it repaired.
/// </summary>
internal sealed class JobLogFile(string directory)
{
    private const int ScanChunk = 64 * 1024;

    private readonly string _yaml = Path.Combine(directory, "output.yaml");
    private readonly string _idx = Path.Combine(directory, "output.idx");
    private readonly SemaphoreSlim _writer = new(1, 1); // one writer per job; also serialises the first open
    private Committed? _committed;                      // replaced whole, so readers get lines and bytes that agree
    private TaskCompletionSource _grown = new(TaskCreationOptions.RunContinuationsAsynchronously); // completed and replaced by each append

    internal sealed record Committed(long Lines, long Bytes);

    public async ValueTask<Committed> OpenAsync(CancellationToken ct)
    {
        if (Volatile.Read(ref _committed) is { } committed) return committed;
        await _writer.WaitAsync(ct).ConfigureAwait(false);
        try { return OpenLocked(); }
        finally { _writer.Release(); }
    }

    public Committed Open()
    {
        if (Volatile.Read(ref _committed) is { } committed) return committed;
        _writer.Wait();
        try { return OpenLocked(); }
        finally { _writer.Release(); }
    }

    /// <summary>Appends lines in LAVA's format, each without its newline; see <see cref="JobLogStore"/>.</summary>
    public Task<long> AppendAsync(IReadOnlyList<string> batch, long? senderIndex, CancellationToken ct) =>
        AppendAsync(LogLineBytes.Encode(batch), senderIndex, ct);

    /// <summary>Appends lines in LAVA's format given as UTF-8, each ending with its newline; see <see cref="JobLogStore"/>.</summary>
    public async Task<long> AppendAsync(ReadOnlyMemory<byte> text, long? senderIndex, CancellationToken ct)
    {
        if (!text.IsEmpty && text.Span[^1] != (byte)'\n') throw new ArgumentException("The last line has no newline.", nameof(text));
        await _writer.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var before = OpenLocked();
            // A re-sent batch starts with records we already have: skip those, under the lock, as LAVA's server does.
            var (offsets, from) = Index(text.Span, before, senderIndex);
            if (offsets.Length == 0) return before.Lines;
            text = text[from..];
            Directory.CreateDirectory(directory);
            // A failed earlier append may have left bytes past the committed end: overwrite them.
            await WriteAtAsync(_yaml, before.Bytes, text, ct).ConfigureAwait(false);
            await WriteAtAsync(_idx, before.Lines * sizeof(long), offsets, ct).ConfigureAwait(false);
            var after = new Committed(before.Lines + offsets.Length / sizeof(long), before.Bytes + text.Length);
            Volatile.Write(ref _committed, after);
            Interlocked.Exchange(ref _grown, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            return after.Lines;
        }
        finally { _writer.Release(); }
    }

    // The index entries of the lines of text not stored yet, and where in text the first of them starts.
    private static (byte[] Offsets, int From) Index(ReadOnlySpan<byte> text, Committed before, long? senderIndex)
    {
        var count = text.Count((byte)'\n');
        var skip = senderIndex is { } index ? (int)Math.Clamp(before.Lines - index, 0, count) : 0;
        var offsets = new byte[(count - skip) * sizeof(long)];
        int at = 0, from = 0;
        for (var line = 0; line < count; line++)
        {
            if (line == skip) from = at;
            if (line >= skip) BinaryPrimitives.WriteInt64LittleEndian(offsets.AsSpan((line - skip) * sizeof(long)), before.Bytes + at - from);
            at += text[at..].IndexOf((byte)'\n') + 1;
        }
        return (offsets, skip == count ? at : from);
    }

    /// <summary>Completes once more than <paramref name="lines"/> lines are committed.</summary>
    public async Task WaitForLinesAsync(long lines, CancellationToken ct)
    {
        // Taken before the count is read: an append between the two completes it.
        var grown = Volatile.Read(ref _grown);
        if ((await OpenAsync(ct).ConfigureAwait(false)).Lines > lines) return;
        await grown.Task.WaitAsync(ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>> ReadAsync(long start, long? end, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        var committed = await OpenAsync(ct).ConfigureAwait(false);
        var stop = Math.Min(end ?? committed.Lines, committed.Lines);
        if (start >= stop) return [];

        // Offsets of lines start..stop; the end of the last line is the next line's start or the committed end.
        var known = (int)(Math.Min(stop + 1, committed.Lines) - start);
        var index = new byte[known * sizeof(long)];
        using (var idx = File.OpenHandle(_idx, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            await ReadExactlyAsync(idx, start * sizeof(long), index, ct).ConfigureAwait(false);
        var offsets = new long[stop - start + 1];
        for (var i = 0; i < known; i++)
            offsets[i] = BinaryPrimitives.ReadInt64LittleEndian(index.AsSpan(i * sizeof(long)));
        if (stop == committed.Lines) offsets[^1] = committed.Bytes;

        var bytes = new byte[offsets[^1] - offsets[0]];
        using (var yaml = File.OpenHandle(_yaml, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            await ReadExactlyAsync(yaml, offsets[0], bytes, ct).ConfigureAwait(false);
        var lines = new string[offsets.Length - 1];
        for (var i = 0; i < lines.Length; i++)
            lines[i] = Encoding.UTF8.GetString(bytes, (int)(offsets[i] - offsets[0]), (int)(offsets[i + 1] - offsets[i] - 1));
        return lines;
    }

    public Stream? OpenReadStream()
    {
        var committed = Open();
        if (committed.Lines == 0) return null;
        var file = new FileStream(_yaml, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return new CommittedPrefixStream(file, committed.Bytes);
    }

    private Committed OpenLocked() => _committed ??= Repair();

    // Keeps the indexed lines that lie inside the file, rescans from the last of them (its index entry may have
    // reached the disk before its text did), indexes every complete line found and cuts off a torn last line.
    private Committed Repair()
    {
        if (!File.Exists(_yaml))
        {
            if (File.Exists(_idx)) File.Delete(_idx);
            return new Committed(0, 0);
        }
        using var yaml = File.OpenHandle(_yaml, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        using var idx = File.OpenHandle(_idx, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
        var length = RandomAccess.GetLength(yaml);
        var lines = RandomAccess.GetLength(idx) / sizeof(long);
        var entry = new byte[sizeof(long)];
        long scanFrom = 0;
        while (lines > 0)
        {
            ReadExactly(idx, (lines - 1) * sizeof(long), entry);
            scanFrom = BinaryPrimitives.ReadInt64LittleEndian(entry);
            lines--;
            if (scanFrom < length) break;
            scanFrom = 0;
        }

        var found = new List<long>();
        var lineStart = scanFrom;
        var chunk = new byte[ScanChunk];
        for (var at = scanFrom; at < length;)
        {
            var read = RandomAccess.Read(yaml, chunk.AsSpan(0, (int)Math.Min(chunk.Length, length - at)), at);
            for (var i = 0; i < read; i++)
            {
                if (chunk[i] != (byte)'\n') continue;
                found.Add(lineStart);
                lineStart = at + i + 1;
            }
            at += read;
        }

        var entries = new byte[found.Count * sizeof(long)];
        for (var i = 0; i < found.Count; i++)
            BinaryPrimitives.WriteInt64LittleEndian(entries.AsSpan(i * sizeof(long)), found[i]);
        RandomAccess.Write(idx, entries, lines * sizeof(long));
        RandomAccess.SetLength(idx, (lines + found.Count) * sizeof(long));
        RandomAccess.SetLength(yaml, lineStart);
        RandomAccess.FlushToDisk(idx);
        RandomAccess.FlushToDisk(yaml);
        return new Committed(lines + found.Count, lineStart);
    }

    private static async Task WriteAtAsync(string path, long offset, ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        using var file = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite);
        await RandomAccess.WriteAsync(file, bytes, offset, ct).ConfigureAwait(false);
        RandomAccess.SetLength(file, offset + bytes.Length);
    }

    private static async Task ReadExactlyAsync(SafeFileHandle file, long offset, Memory<byte> into, CancellationToken ct)
    {
        while (!into.IsEmpty)
        {
            var read = await RandomAccess.ReadAsync(file, into, offset, ct).ConfigureAwait(false);
            if (read == 0) throw new EndOfStreamException($"Job log ended early at byte {offset}");
            (into, offset) = (into[read..], offset + read);
        }
    }

    private static void ReadExactly(SafeFileHandle file, long offset, Span<byte> into)
    {
        while (!into.IsEmpty)
        {
            var read = RandomAccess.Read(file, into, offset);
            if (read == 0) throw new EndOfStreamException($"Job log index ended early at byte {offset}");
            into = into[read..];
            offset += read;
        }
    }
}
