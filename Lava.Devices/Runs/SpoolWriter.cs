using System.Text;
using System.Text.Json;
using Lava.Actors.Jobs;
using Lava.Actors.Jobs.Logs;

namespace Lava.Devices.Runs;

/// <summary>
/// The runner's side of the job directory: appends LAVA log lines to <c>output.yaml</c> and test cases to
/// <c>results.jsonl</c>, whole lines only, and writes <c>end.json</c> last. Calls buffer in memory; a line goes to
/// disk at most <see cref="FlushInterval"/> after it was logged, at once when the buffer passes
/// <see cref="FlushBytes"/>, on <see cref="FlushAsync"/> and on <see cref="EndAsync"/>. Log lines go to disk before the
/// results that name them. Thread-safe: the pipeline's actions and its console readers may log at once.
/// </summary>
public sealed class SpoolWriter : IAsyncDisposable
{
    /// <summary>The longest a logged line waits in memory.</summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>Buffered bytes that make the next call flush at once.</summary>
    public const int FlushBytes = 256 * 1024;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly JobDirectory _directory;
    private readonly FileStream _output;
    private readonly FileStream _results;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly Timer _timer;
    private StringBuilder _pendingLines = new();
    private StringBuilder _pendingCases = new();
    private StringBuilder _spareLines = new();
    private StringBuilder _spareCases = new();
    private byte[] _bytes = new byte[64 * 1024]; // the text being written, as UTF-8
    private long _lines;
    private long _cases;
    private bool _ended;
    private bool _closed;

    private SpoolWriter(JobDirectory directory)
    {
        _directory = directory;
        _output = Append(directory.OutputFile);
        _results = Append(directory.ResultsFile);
        // A runner reopening a spool carries on numbering after what is there.
        _lines = CountLines(_output);
        _cases = CountLines(_results);
        // Armed by the first line after a flush only: an idle runner (a board booting quietly, a spare) never wakes.
        _timer = new Timer(_ => _ = FlushAsync(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Opens the spool files of <paramref name="directory"/> for appending, creating them when missing.</summary>
    public static SpoolWriter Open(JobDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        Directory.CreateDirectory(directory.Path);
        return new SpoolWriter(directory);
    }

    /// <summary>The number of log lines logged so far; the next one gets this number.</summary>
    public long LogLines
    {
        get { lock (_gate) return _lines; }
    }

    /// <summary>The number of test cases recorded so far.</summary>
    public long TestCases
    {
        get { lock (_gate) return _cases; }
    }

    /// <summary>Appends <paramref name="record"/> as one LAVA log line; returns its 0-based line number.</summary>
    public long Log(LogRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var line = LogLine.Format(record);
        bool full, first;
        long number;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_ended, this);
            number = _lines++;
            first = _pendingLines.Length == 0 && _pendingCases.Length == 0;
            _pendingLines.Append(line).Append('\n');
            full = _pendingLines.Length + _pendingCases.Length >= FlushBytes;
        }
        Flush(full, first);
        return number;
    }

    /// <summary>
    /// Records <paramref name="result"/>; a result without <see cref="TestCaseResult.LogLine"/> is given the number of the
    /// last line logged (LAVA logs its <c>results</c> line first). Returns its 0-based case number.
    /// </summary>
    public long Result(TestCaseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        bool full, first;
        long number;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_ended, this);
            var stamped = result.LogLine is null ? result with { LogLine = Math.Max(0, _lines - 1) } : result;
            number = _cases++;
            first = _pendingLines.Length == 0 && _pendingCases.Length == 0;
            _pendingCases.Append(JsonSerializer.Serialize(stamped, JobDirectory.Json)).Append('\n');
            full = _pendingLines.Length + _pendingCases.Length >= FlushBytes;
        }
        Flush(full, first);
        return number;
    }

    /// <summary>Flushes now when the buffer is full, or in <see cref="FlushInterval"/> when it was empty until now.</summary>
    private void Flush(bool full, bool first)
    {
        if (full)
        {
            _ = FlushAsync();
        }
        else if (first)
        {
            try
            {
                _timer.Change(FlushInterval, Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                // Ending: EndAsync and DisposeAsync flush after stopping the timer.
            }
        }
    }

    /// <summary>Writes everything logged so far to the spool files.</summary>
    public async Task FlushAsync()
    {
        await _writing.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_closed) return;
            StringBuilder lines, cases;
            lock (_gate)
            {
                if (_pendingLines.Length == 0 && _pendingCases.Length == 0) return;
                (lines, _pendingLines, _spareLines) = (_pendingLines, _spareLines, _pendingLines);
                (cases, _pendingCases, _spareCases) = (_pendingCases, _spareCases, _pendingCases);
            }
            // Lines first: a result's log line is on disk before the result.
            await WriteAsync(_output, lines).ConfigureAwait(false);
            await WriteAsync(_results, cases).ConfigureAwait(false);
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>Flushes, closes the spool files and writes <c>end.json</c>: the last thing a runner writes.</summary>
    public async Task EndAsync(RunEnd end)
    {
        ArgumentNullException.ThrowIfNull(end);
        await _timer.DisposeAsync().ConfigureAwait(false);
        await FlushAsync().ConfigureAwait(false);
        lock (_gate) _ended = true;
        await CloseAsync().ConfigureAwait(false);
        _directory.WriteEnd(end);
    }

    /// <summary>Flushes and closes the files without writing <c>end.json</c> (a runner that ended the job already, or failed).</summary>
    public async ValueTask DisposeAsync()
    {
        await _timer.DisposeAsync().ConfigureAwait(false);
        await FlushAsync().ConfigureAwait(false);
        lock (_gate) _ended = true;
        await CloseAsync().ConfigureAwait(false);
    }

    private async Task CloseAsync()
    {
        await _writing.WaitAsync().ConfigureAwait(false);
        try
        {
            _closed = true;
            await _output.DisposeAsync().ConfigureAwait(false);
            await _results.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _writing.Release();
        }
    }

    // Called under _writing: encodes the text into _bytes piece by piece (no string of the whole buffer: at FlushBytes
    // it and its bytes would be large objects, collected only with the full heap).
    private async Task WriteAsync(FileStream file, StringBuilder text)
    {
        if (text.Length == 0) return;
        var length = 0;
        var encoder = Utf8.GetEncoder();
        foreach (var chunk in text.GetChunks())
        {
            if (_bytes.Length - length < Utf8.GetMaxByteCount(chunk.Length))
                Array.Resize(ref _bytes, Math.Max(2 * _bytes.Length, length + Utf8.GetMaxByteCount(chunk.Length)));
            length += encoder.GetBytes(chunk.Span, _bytes.AsSpan(length), flush: false);
        }
        length += encoder.GetBytes([], _bytes.AsSpan(length), flush: true);
        text.Clear();
        await file.WriteAsync(_bytes.AsMemory(0, length)).ConfigureAwait(false);
        await file.FlushAsync().ConfigureAwait(false);
    }

    private static FileStream Append(string path)
    {
        CutUnterminatedTail(path);
        return new(path, FileMode.Append, FileAccess.Write, FileShare.Read | FileShare.Delete, bufferSize: 0);
    }

    // A line an earlier runner left half-written would run into the next one: it goes (it never counted).
    private static void CutUnterminatedTail(string path)
    {
        using var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
        var end = file.Length;
        var buffer = new byte[4096];
        while (end > 0)
        {
            var start = Math.Max(0, end - buffer.Length);
            file.Position = start;
            file.ReadExactly(buffer, 0, (int)(end - start));
            var newline = buffer.AsSpan(0, (int)(end - start)).LastIndexOf((byte)'\n');
            if (newline >= 0)
            {
                file.SetLength(start + newline + 1);
                return;
            }
            end = start;
        }
        file.SetLength(0);
    }

    private static long CountLines(FileStream file)
    {
        if (file.Length == 0) return 0;
        using var read = new FileStream(file.Name, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var buffer = new byte[64 * 1024];
        long count = 0;
        int n;
        while ((n = read.Read(buffer)) > 0) count += buffer.AsSpan(0, n).Count((byte)'\n');
        return count;
    }
}
