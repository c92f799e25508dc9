using System.Buffers;
using System.Text;
using Akka.Actor;
using Akka.Event;
using Lava.Actors.Jobs.Logs;
using Lava.Actors.Jobs.Running;

namespace Lava.Actors.Jobs.Supervision;

/// <summary>
/// The job's log lines and test cases as the device streams them, and its end. One write at a time, in arrival order;
/// log chunks queued behind a write go to the log store together. A write is acknowledged once the stores have it: they
/// are idempotent by position and know how many lines and cases they hold, so a restarted supervisor learns its
/// positions from them (see JobSupervisor.Positions.cs) and the device never drops what a restarted master would not
/// know it has. A supervisor on another master, whose stores lack what the first one stored, acknowledges what it holds
/// and the device goes back to there. Positions are journaled only with the job's end (<see cref="JobProgressAcknowledged"/>), for the
/// finished job's status.
/// </summary>
public sealed partial class JobSupervisor
{
    /// <summary>The most log lines stored in one write when chunks queue up behind a slow store.</summary>
    private const int MaxBatchLines = 8192;

    private readonly Queue<(object Chunk, IActorRef ReplyTo)> _chunks = new();
    private bool _writing;
    private (JobRunEnded End, IActorRef ReplyTo)? _end;

    private void ProgressCommands()
    {
        Command<JobLogText>(chunk => Enqueue(PendingLog.Of(chunk)));
        Command<JobLogChunk>(chunk => Enqueue(PendingLog.Of(chunk)));
        Command<JobResultsChunk>(chunk => Enqueue(chunk));
        Command<ProgressStored>(stored =>
        {
            _job = _job with { LogLines = Math.Max(stored.LogLines, _job.LogLines), TestCases = Math.Max(stored.TestCases, _job.TestCases) };
            foreach (var replyTo in stored.ReplyTo) replyTo.Tell(Ack());
            _writing = false;
            WriteNext();
        });
        Command<ProgressFailed>(failed =>
        {
            // Not acknowledged: the device sends it again.
            _log.Warning("Job {JobId}: storing progress failed: {Reason}", JobId, failed.Reason);
            _writing = false;
            WriteNext();
        });
        Command<JobRunEnded>(end =>
        {
            _end = (end, Sender);
            if (_writing) return;
            // An end beyond what the stores hold with no write on its way: the device had it all acknowledged, by another
            // master's supervisor when the job moved here after its end. What this one holds sends the device back there.
            if (_job.LogLines < end.LogLines || _job.TestCases < end.TestCases) Sender.Tell(Ack());
            TryEnd();
        });
    }

    private void Enqueue(object chunk)
    {
        _chunks.Enqueue((chunk, Sender));
        if (!_writing) WriteNext();
    }

    private void WriteNext()
    {
        while (_chunks.TryDequeue(out var next))
        {
            if (StartWrite(next.Chunk, next.ReplyTo)) return;
        }

        TryEnd();
    }

    /// <summary>Starts storing the chunk and returns true; false when nothing is to be stored (already answered).</summary>
    private bool StartWrite(object chunk, IActorRef replyTo)
    {
        var (jobId, cases) = (JobId, _job.TestCases);
        switch (chunk)
        {
            // A gap or a repeat: the acknowledgement tells the device where to carry on from.
            case PendingLog log when log.FirstLine > _job.LogLines || log.FirstLine + log.Lines <= _job.LogLines:
            case JobResultsChunk results when results.FirstCase > _job.TestCases || results.FirstCase + results.Cases.Count <= _job.TestCases:
                replyTo.Tell(Ack());
                return false;
            case PendingLog log:
                var (first, text, replyTos) = Coalesce(log, replyTo);
                _services.Logs.AppendTextAsync(jobId, first, Checked(text)).PipeTo(Self,
                    success: count => new ProgressStored(count, cases, replyTos),
                    failure: e => new ProgressFailed(e.Message));
                break;
            case JobResultsChunk results:
                var logLines = _job.LogLines;
                _services.Results.AppendAsync(jobId, results.FirstCase, results.Cases).PipeTo(Self,
                    success: count => new ProgressStored(logLines, count, [replyTo]),
                    failure: e => new ProgressFailed(e.Message));
                break;
        }

        _writing = true;
        return true;
    }

    /// <summary>
    /// The chunk and the log chunks queued right behind it that carry on from it (overlaps dropped), up to
    /// <see cref="MaxBatchLines"/>: one store write instead of one per chunk. Every sender is acknowledged.
    /// </summary>
    private (long First, ReadOnlyMemory<byte> Text, IReadOnlyCollection<IActorRef> ReplyTo) Coalesce(PendingLog log, IActorRef replyTo)
    {
        var parts = new List<ReadOnlyMemory<byte>> { log.Text };
        var lines = log.Lines;
        var replyTos = new HashSet<IActorRef> { replyTo };
        while (lines < MaxBatchLines && _chunks.TryPeek(out var next) && next.Chunk is PendingLog more
               && more.FirstLine >= log.FirstLine && more.FirstLine <= log.FirstLine + lines)
        {
            _chunks.Dequeue();
            var overlap = (int)(log.FirstLine + lines - more.FirstLine);
            if (overlap < more.Lines)
            {
                parts.Add(more.Text[PendingLog.Skip(more.Text.Span, overlap)..]);
                lines += more.Lines - overlap;
            }
            replyTos.Add(next.ReplyTo);
        }

        if (parts.Count == 1) return (log.FirstLine, log.Text, replyTos);
        var text = new byte[parts.Sum(p => p.Length)];
        var at = 0;
        foreach (var part in parts)
        {
            part.CopyTo(text.AsMemory(at));
            at += part.Length;
        }
        return (log.FirstLine, text, replyTos);
    }

    /// <summary>
    /// The lines as the runner wrote them when they are LAVA log records (stored as they are: decoding and formatting them
    /// again would give the same text at a cost per line); the rest go through <see cref="Checked(string)"/>.
    /// </summary>
    private ReadOnlyMemory<byte> Checked(ReadOnlyMemory<byte> text)
    {
        var span = text.Span;
        var at = 0;
        while (at < span.Length && LogLineBytes.IsWellFormed(Line(span, at))) at += Line(span, at).Length + 1;
        if (at == span.Length) return text;

        // Rare: a line only the parser can judge. The good prefix is copied, then every line is looked at.
        var output = new ArrayBufferWriter<byte>(span.Length + 256);
        output.Write(span[..at]);
        while (at < span.Length)
        {
            var line = Line(span, at);
            if (LogLineBytes.IsWellFormed(line)) output.Write(line);
            else output.Write(Encoding.UTF8.GetBytes(Checked(Encoding.UTF8.GetString(line))));
            output.Write("\n"u8);
            at += line.Length + 1;
        }
        return output.WrittenMemory;

        static ReadOnlySpan<byte> Line(ReadOnlySpan<byte> text, int at) => text[at..(at + text[at..].IndexOf((byte)'\n'))];
    }

    /// <summary>
    /// The line as the runner wrote it when it is a LAVA log record; one that is not keeps its place in the log as an
    /// error record quoting it. A record too long for LAVA is written again with LAVA's placeholder message.
    /// </summary>
    private string Checked(string line)
    {
        try
        {
            var record = LogLine.Parse(line);
            return line.Length <= LogLine.MaxRecordLength + 2 ? line : LogLine.Format(record);
        }
        catch (FormatException e)
        {
            return LogLine.Format(LogRecord.Text(Now, "error", $"unreadable log line from the worker ({e.Message}): {line}"));
        }
    }

    /// <summary>Ends the job once everything the device reported before its end is stored (spec §5.6).</summary>
    private void TryEnd()
    {
        if (_end is not ({ } end, var replyTo) || _writing) return;
        if (_job.LogLines < end.LogLines || _job.TestCases < end.TestCases) return; // the device sends the rest again
        _end = null;
        var canceled = _job.State == JobState.Canceling;
        var health = canceled ? JobHealth.Canceled : end.Result == "pass" ? JobHealth.Complete : JobHealth.Incomplete;
        var (errorType, comment) = (end.ErrorType, end.Errors);
        if (_timedOut && health == JobHealth.Incomplete && errorType.Length == 0) errorType = "LAVATimeout";
        if (comment.Length == 0)
        {
            comment = canceled ? $"Canceled by {_job.CanceledBy}" : _timedOut && health == JobHealth.Incomplete ? TimeoutComment() : "";
        }

        Finish(health, errorType, comment, () => replyTo.Tell(new JobRunEndAck(JobId)));
    }

    /// <summary>A log chunk waiting to be stored: its lines as UTF-8, each ending with a newline, and how many.</summary>
    private sealed record PendingLog(long FirstLine, int Lines, ReadOnlyMemory<byte> Text)
    {
        public static PendingLog Of(JobLogText chunk)
        {
            // A worker's text always ends with a newline; a tail without one still counts as a line.
            var text = chunk.Text.Length == 0 || chunk.Text[^1] == (byte)'\n' ? chunk.Text : [.. chunk.Text, (byte)'\n'];
            return new(chunk.FirstLine, text.AsSpan().Count((byte)'\n'), text);
        }

        public static PendingLog Of(JobLogChunk chunk)
        {
            // A raw newline would split the line in two: inside a record's quotes, its escape means the same.
            var lines = chunk.Lines.Select(line => line.Replace("\n", "\\n", StringComparison.Ordinal)).ToList();
            return new(chunk.FirstLine, lines.Count, LogLineBytes.Encode(lines));
        }

        /// <summary>Where the line after the first <paramref name="lines"/> lines of <paramref name="text"/> starts.</summary>
        public static int Skip(ReadOnlySpan<byte> text, int lines)
        {
            var at = 0;
            for (var i = 0; i < lines; i++) at += text[at..].IndexOf((byte)'\n') + 1;
            return at;
        }
    }

    private sealed record ProgressStored(long LogLines, long TestCases, IReadOnlyCollection<IActorRef> ReplyTo);

    private sealed record ProgressFailed(string Reason);
}
