using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Lava.Actors.Jobs.Logs;
using Lava.Bench.Devices;
using Lava.Devices.BoardSimulator;

namespace Lava.Bench;

internal sealed partial class DevicesBench
{
    private const int DefaultConsoles = 200;

    /// <summary>Each board's extra boot log: about 9 s of console at 115200 baud.</summary>
    private const long ConsoleBootLogBytes = 100_000;

    private static readonly TimeSpan ConsolesDeadline = TimeSpan.FromMinutes(12);

    /// <summary>How many boards boot at once: <c>LAVA_BENCH_CONSOLES</c>, else 200 (the figures' names carry the count).</summary>
    private static int ConsoleCount() =>
        int.TryParse(Environment.GetEnvironmentVariable("LAVA_BENCH_CONSOLES"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : DefaultConsoles;

    /// <summary>
    /// As many boards at 115200 baud as <paramref name="gate"/> holds, each printing <see cref="ConsoleBootLogBytes"/> of
    /// numbered boot log lines (<see cref="KernelLogFiller"/>), one job each submitted at once onto the one worker, each
    /// in its own job runner. The runners start a few at a time (lava.worker.max-starting-runners), so each board holds
    /// its long boot log at <paramref name="gate"/> until every board is powered on and has printed its first kernel
    /// lines: then all of them stream at once. Lost bytes: the console bytes of the boards' filler lines (CR LF included)
    /// that the master did not store as exactly that target line, summed over the boards. Master CPU: its user and
    /// system CPU time over the wall time from the gate's opening to the last job finished (/proc/PID/stat).
    /// </summary>
    private static async IAsyncEnumerable<Figure> ConsolesAsync(BenchLab lab, ConsolesGate gate, [EnumeratorCancellation] CancellationToken ct)
    {
        var count = gate.Count;
        var finishedBefore = await lab.FinishedCountAsync(ct);
        var started = Stopwatch.GetTimestamp();
        var ids = new long[count];
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
                ids[i] = await lab.SubmitAsync(BenchLab.BootJob(ManyType, $"consoles {i}"), ct);
        }));
        var deadline = Stopwatch.GetTimestamp() + (long)(ConsolesDeadline.TotalSeconds * Stopwatch.Frequency);
        var (opened, cpuBefore) = (0L, 0.0);
        while (await lab.FinishedCountAsync(ct) < finishedBefore + count)
        {
            if (Stopwatch.GetTimestamp() > deadline)
                throw new TimeoutException($"{count} console jobs did not all finish within {ConsolesDeadline} ({gate.Arrived} boards reached their long boot log)");
            if (opened == 0 && gate.IsOpen) (opened, cpuBefore) = (Stopwatch.GetTimestamp(), lab.Master.CpuSeconds());
            await Task.Delay(opened == 0 ? TimeSpan.FromMilliseconds(50) : TimeSpan.FromSeconds(1), ct);
        }
        if (opened == 0) (opened, cpuBefore) = (Stopwatch.GetTimestamp(), lab.Master.CpuSeconds());
        var streaming = Stopwatch.GetElapsedTime(opened).TotalSeconds;
        var cores = (lab.Master.CpuSeconds() - cpuBefore) / streaming;
        var wall = Stopwatch.GetElapsedTime(started).TotalSeconds;

        var perBoard = KernelLogFiller.LinesFor(ConsoleBootLogBytes);
        var lineBytes = KernelLogFiller.LineLength + 2;
        long lost = 0;
        var failed = 0;
        var spans = new List<(DateTimeOffset From, DateTimeOffset To)>();
        foreach (var id in ids)
        {
            var job = await lab.JobAsync(id, ct);
            if (job.GetProperty("health").GetString() != "Complete")
            {
                failed++;
                if (failed <= 3) await Console.Error.WriteLineAsync($"devices: console job {id} ended {job.GetProperty("health").GetString()}: {job.GetProperty("failure_comment").GetString()}");
            }
            var targets = lab.StoredLog(id).Where(r => r.Level == "target").ToList();
            var got = new HashSet<long>();
            foreach (var text in targets.Select(r => (r.Msg as LogText)?.Value ?? ""))
            {
                var at = text.IndexOf("lava-sim: boot log line ", StringComparison.Ordinal);
                if (at < 0 || !long.TryParse(text.AsSpan(at + 24, 8), NumberStyles.None, CultureInfo.InvariantCulture, out var n)) continue;
                if (n < perBoard && text == KernelLogFiller.Line(n)) got.Add(n);
            }
            lost += (perBoard - got.Count) * lineBytes;
            if (targets.Count > 0) spans.Add((targets[0].Dt, targets[^1].Dt));
        }
        await Console.Error.WriteLineAsync(
            $"devices: {count} consoles: {count - failed} jobs Complete, {wall:F1} s from the first submission to the last end, " +
            $"{streaming:F1} s from every board's long boot log starting to the last end, at most {MostAtOnce(spans)} consoles streaming at once; {count * perBoard * lineBytes / 1e6:F1} MB of boot log, {lost} bytes lost; " +
            $"master {cores:F2} cores, resident {lab.Master.ResidentMegabytes():F0} MiB");
        yield return new Figure(Bench, $"consoles_{count}_lost_bytes", lost, "bytes");
        yield return new Figure(Bench, $"consoles_{count}_master_cpu_cores", cores, "cores");
    }

    /// <summary>The most intervals that overlap at one moment.</summary>
    private static int MostAtOnce(List<(DateTimeOffset From, DateTimeOffset To)> spans)
    {
        var edges = spans.SelectMany(s => new[] { (At: s.From, Step: 1), (At: s.To, Step: -1) }).OrderBy(e => e.At).ThenBy(e => e.Step);
        int now = 0, most = 0;
        foreach (var (_, step) in edges)
        {
            now += step;
            most = Math.Max(most, now);
        }
        return most;
    }

    /// <summary>
    /// Holds each board's long boot log until <see cref="Count"/> boards have come this far (each powered on by its job's
    /// runner), then lets all of them go at once.
    /// </summary>
    internal sealed class ConsolesGate(int count)
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _arrived;

        public int Count => count;

        public int Arrived => Volatile.Read(ref _arrived);

        public bool IsOpen => _open.Task.IsCompleted;

        public Task PassAsync(CancellationToken ct)
        {
            if (Interlocked.Increment(ref _arrived) >= count) _open.TrySetResult();
            return _open.Task.WaitAsync(ct);
        }
    }
}
