using System.Diagnostics;
using System.Text.Json;
using Akka.Actor;
using Akka.Event;
using Lava.Actors.Jobs;
using Lava.Actors.Jobs.Running;
using Lava.Devices.Runs;

namespace Lava.Devices.Actors;

public sealed partial class DeviceActor
{
    /// <summary>Lines or cases in one chunk at most.</summary>
    private const int ChunkLines = 512;

    /// <summary>
    /// Bytes of log or cases in one chunk at most (a single longer line still goes alone): as base64 in JSON, a log chunk
    /// stays below Akka.Remote's default maximum frame size (128,000 bytes).
    /// </summary>
    private const int ChunkBytes = 90 * 1024;

    /// <summary>
    /// Lines or cases sent and not acknowledged at most: a slow master slows the stream instead of drowning. A fast
    /// console streams at a window per round trip to the master's stores (at most 32 chunks, under 3 MB, in flight).
    /// </summary>
    private const long Window = 32 * ChunkLines;

    /// <summary>
    /// Sends what was not sent yet, within the window, and the end once everything was sent. Full chunks go at once; the
    /// lines that do not fill one go when nothing is in flight and the oldest of them waited
    /// <see cref="DeviceActorOptions.LogLinger"/>, or at the job's end. A console slower than the round trip to the
    /// master then sends a few chunks a second instead of one per acknowledgement, which is what lets one master take
    /// hundreds of consoles.
    /// </summary>
    private void SendNew(JobRun run)
    {
        if (run.Supervisor is not { } supervisor) return;
        var from = Math.Max(run.SentLines, run.AckedLines);
        var lingered = run.End is not null || (from < run.Log.Lines && Lingered(run));
        while (from < run.Log.Lines && from - run.AckedLines < Window && ((from == run.AckedLines && lingered) || run.Log.Lines - from >= ChunkLines))
        {
            var text = run.Log.ReadText(from, ChunkLines, ChunkBytes);
            supervisor.Tell(new JobLogText(run.JobId, from, text));
            from += text.AsSpan().Count((byte)'\n');
        }
        if (from != run.SentLines || from == run.Log.Lines) run.UnsentSince = null;
        run.SentLines = from;
        var first = Math.Max(run.SentCases, run.AckedCases);
        while (first < run.Results.Lines && first - run.AckedCases < Window && (first == run.AckedCases || run.Results.Lines - first >= ChunkLines))
        {
            var cases = run.Results.Read(first, ChunkLines, ChunkBytes).Select(Case).ToList();
            supervisor.Tell(new JobResultsChunk(run.JobId, first, cases));
            first += cases.Count;
        }
        run.SentCases = first;
        if (run.End is { } end && !run.EndSent && run.SentLines == run.Log.Lines && run.SentCases == run.Results.Lines)
        {
            run.EndSent = true;
            supervisor.Tell(new JobRunEnded(run.JobId, _device, end.Result, end.ErrorType, end.Errors, run.Log.Lines, run.Results.Lines));
        }
    }

    /// <summary>Whether the oldest unsent log line has waited <see cref="DeviceActorOptions.LogLinger"/> (from now on, when new).</summary>
    private bool Lingered(JobRun run)
    {
        var now = Stopwatch.GetTimestamp();
        run.UnsentSince ??= now;
        return Stopwatch.GetElapsedTime(run.UnsentSince.Value, now) >= _options.LogLinger;
    }

    /// <summary>Sends again, from the acknowledged positions, everything the supervisor has not confirmed (lost on the way, or a new supervisor).</summary>
    private void ResendUnacknowledged()
    {
        if (_run is not { } run) return;
        PersistAcked(run);
        run.SentLines = run.AckedLines;
        run.SentCases = run.AckedCases;
        run.EndSent = false;
        SendNew(run);
        ResendCalls(run);
    }

    /// <summary>
    /// The supervisor holds <paramref name="lines"/> lines and <paramref name="cases"/> cases. Fewer than it acknowledged
    /// before means another master's supervisor took the job over without the first one's stores: the stream goes back
    /// to what this one holds (the spool keeps every line until the job's end is acknowledged).
    /// </summary>
    private static void Acknowledge(JobRun run, long lines, long cases)
    {
        lines = Math.Min(lines, run.Log.Lines);
        cases = Math.Min(cases, run.Results.Lines);
        if (lines < run.AckedLines || cases < run.AckedCases)
        {
            run.Log.Rewind(lines);
            run.Results.Rewind(cases);
            run.SentLines = Math.Min(run.SentLines, lines);
            run.SentCases = Math.Min(run.SentCases, cases);
            run.EndSent = false;
        }
        run.AckedLines = lines;
        run.AckedCases = cases;
        run.Log.Forget(lines);
        run.Results.Forget(cases);
    }

    /// <summary>Writes acked.json when it changed: a restarted worker resends from there (the master stores idempotently, so a stale one only costs a resend).</summary>
    private static void PersistAcked(JobRun run)
    {
        var acked = new RunAcked(run.AckedLines, run.AckedCases);
        if (acked == run.Persisted || !Directory.Exists(run.Directory.Path)) return;
        run.Directory.WriteAcked(acked);
        run.Persisted = acked;
    }

    private TestCaseResult Case(string line)
    {
        try
        {
            return JsonSerializer.Deserialize<TestCaseResult>(line, JobDirectory.Json) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            // Keep the numbering: an unreadable case still takes its place.
            _log.Warning("Unreadable test case {Line}: {Error}", line, e.Message);
            return new TestCaseResult("lava", "unreadable-test-case", "unknown", null, null, null, null, DateTimeOffset.UtcNow);
        }
    }

    /// <summary>The job a device actor runs: its directory, runner, spool readers and stream positions. Owned by the actor.</summary>
    private sealed class JobRun(long jobId, JobDirectory directory) : IDisposable
    {
        public long JobId { get; } = jobId;
        public JobDirectory Directory { get; } = directory;
        public SpoolReader Log { get; } = new(directory.OutputFile);
        public SpoolReader Results { get; } = new(directory.ResultsFile);
        public SpoolReader Requests { get; } = new(directory.MultinodeRequestsFile);
        public long RequestsRead { get; set; }
        public SortedDictionary<long, MultinodeRequest> PendingCalls { get; } = [];
        public HashSet<long> AnsweredCalls { get; } = [];
        public CancellationTokenSource Stopping { get; } = new();
        public RunnerProcess? Runner { get; set; }
        public IActorRef? Supervisor { get; set; }
        public long SentLines { get; set; }
        /// <summary>When log lines not sent yet were first seen (a Stopwatch timestamp); null when all went.</summary>
        public long? UnsentSince { get; set; }
        public long SentCases { get; set; }
        public long AckedLines { get; set; }
        public long AckedCases { get; set; }
        public RunAcked Persisted { get; set; } = RunAcked.None;
        public RunEnd? End { get; set; }
        public bool EndSent { get; set; }
        public string? StopReason { get; set; }
        public bool PoweringOff { get; set; }
        public TimeSpan PollInterval { get; set; }
        public RunnerStart Start { get; set; }
        public DateTimeOffset AskedAt { get; set; }
        public long LinesAtLaunch { get; set; }

        public void Dispose()
        {
            Stopping.Cancel();
            Stopping.Dispose();
            Log.Dispose();
            Results.Dispose();
            Requests.Dispose();
            Runner?.Dispose();
        }
    }
}
