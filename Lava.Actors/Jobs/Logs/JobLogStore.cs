using System.Collections.Concurrent;
using System.Globalization;

namespace Lava.Actors.Jobs.Logs;

/// <summary>
/// The master's job logs (spec §5.5, §6.1): under <c>directory</c>, <c>&lt;jobId&gt;/output.yaml</c> (LAVA's YAML
/// list, one record a line, no size limit) and <c>&lt;jobId&gt;/output.idx</c> (an 8-byte little-endian offset per
/// line). One writer at a time per job; readers run alongside it and see only complete, committed lines. A process
/// crash loses at most the batch being written (appends reach the OS, not the disk: see JobLogFile); the first use of
/// a job after a restart repairs its files.
/// </summary>
public sealed class JobLogStore(string directory)
{
    private readonly ConcurrentDictionary<long, JobLogFile> _jobs = new();

    /// <summary>The directory holding one sub-directory per job.</summary>
    public string Directory { get; } = directory;

    /// <summary>Appends the batch as consecutive lines; returns the job's line count afterwards.</summary>
    public Task<long> AppendAsync(long jobId, IReadOnlyList<LogRecord> batch, CancellationToken ct = default) =>
        Job(jobId).AppendAsync(Format(batch), null, ct);

    /// <summary>
    /// Appends a batch a sender posted believing the log had <paramref name="senderIndex"/> lines (spec §5.5): the
    /// first <c>count − senderIndex</c> records were stored by an earlier try and are skipped. Returns the new count.
    /// </summary>
    public Task<long> AppendAsync(long jobId, long senderIndex, IReadOnlyList<LogRecord> batch, CancellationToken ct = default) =>
        Job(jobId).AppendAsync(Format(batch), senderIndex, ct);

    /// <summary>
    /// As <see cref="AppendAsync(long, long, IReadOnlyList{LogRecord}, CancellationToken)"/>, for lines already in LAVA's
    /// format (each as <see cref="LogLine.Format"/> writes it, or one <see cref="LogLine.Parse"/> accepts, without its
    /// newline): the log of a job streamed from a worker is stored as the runner wrote it, not formatted again.
    /// </summary>
    public Task<long> AppendLinesAsync(long jobId, long senderIndex, IReadOnlyList<string> lines, CancellationToken ct = default) =>
        Job(jobId).AppendAsync(lines, senderIndex, ct);

    /// <summary>
    /// As <see cref="AppendLinesAsync"/>, for the lines as UTF-8 <paramref name="text"/>, each ending with <c>\n</c> (a
    /// worker's <c>JobLogText</c> once checked): stored without being decoded.
    /// </summary>
    public Task<long> AppendTextAsync(long jobId, long senderIndex, ReadOnlyMemory<byte> text, CancellationToken ct = default) =>
        Job(jobId).AppendAsync(text, senderIndex, ct);

    /// <summary>How many lines the job's log has (0 when it has none).</summary>
    public async Task<long> CountAsync(long jobId, CancellationToken ct = default) =>
        (await Job(jobId).OpenAsync(ct).ConfigureAwait(false)).Lines;

    /// <summary>
    /// Lines [start, end) counted from 0, each without its newline (e.g. <c>- {"dt": ...}</c>); <c>end</c> null or
    /// past the last line means to the end; an empty list when start is at or past it. Reads only those lines.
    /// </summary>
    public Task<IReadOnlyList<string>> ReadAsync(long jobId, long start, long? end, CancellationToken ct = default) =>
        Job(jobId).ReadAsync(start, end, ct);

    /// <summary>
    /// Completes once the job's log has more than <paramref name="lines"/> lines (at once when it has): live views wait
    /// on it instead of polling. Only appends made through this store (this master's) complete it.
    /// </summary>
    public Task WaitForLinesAsync(long jobId, long lines, CancellationToken ct = default) => Job(jobId).WaitForLinesAsync(lines, ct);

    /// <summary>The whole log as committed now (later appends are not included); null when the job has no log.</summary>
    public Stream? OpenReadStream(long jobId) => Job(jobId).OpenReadStream();

    private static string[] Format(IReadOnlyList<LogRecord> batch) => [.. batch.Select(LogLine.Format)];

    private JobLogFile Job(long jobId) =>
        _jobs.GetOrAdd(jobId, id => new JobLogFile(Path.Combine(Directory, id.ToString(CultureInfo.InvariantCulture))));
}
