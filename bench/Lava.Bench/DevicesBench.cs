using System.Diagnostics;
using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Configuration;
using Lava.Actors.Jobs.Logs;
using Lava.Actors.Jobs.Running;
using Lava.Bench.Devices;
using Lava.Devices.Actors;
using Lava.Devices.BoardSimulator;
using Lava.Devices.Runs;

namespace Lava.Bench;

/// <summary>
/// The worker side: memory of an idle device actor (in this process), then a real lab as processes (master, worker
/// running real job runners, simulated boards: <see cref="BenchLab"/>) for how fast one console reaches the master's
/// log store, how soon a scheduled job's first console byte is logged, how soon a device's next job follows its
/// previous one, many consoles at once (<see cref="ConsolesAsync"/>), and QEMU jobs when QEMU is here
/// (<see cref="QemuAsync"/>). Every job is boot-only (minimal boot: power-cycle through the PDU, the boot log up to the
/// login prompt, log in): the test action is not what these figures measure.
/// </summary>
internal sealed partial class DevicesBench : IBenchSuite
{
    private const string Bench = "devices";
    private const int IdleActors = 2_000;
    private const int IdleWarmup = 200;
    private const string QuickType = "bench-quick";
    private const string BigType = "bench-big";
    private const string ManyType = "bench-many";
    private const int LatencySamples = 5;
    private const int TurnaroundPairs = 3;
    private const int ConsoleRepeats = 3;
    private const int LatencyWarmupJobs = 3;
    private const int ConsoleWarmupJobs = 3;

    /// <summary>The boot log of the board whose console is timed to the log store (unpaced).</summary>
    private const long BigBootLogBytes = 16_000_000;

    private static readonly TimeSpan JobDeadline = TimeSpan.FromMinutes(5);
    // The figures come from the jobs' own timestamps, not from when the bench saw them end: a slow poll only spaces the
    // jobs, and spares the master and the boards' process requests during the spells measured.
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    public string Name => Bench;

    public async IAsyncEnumerable<Figure> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // LAVA_BENCH_ONLY=qemu: the QEMU figure alone, which takes minutes and is what QEMU work is judged by.
        if (Environment.GetEnvironmentVariable("LAVA_BENCH_ONLY") == "qemu")
        {
            await foreach (var figure in QemuAsync(cancellationToken)) yield return figure;
            yield break;
        }
        // LAVA_BENCH_ONLY=console: one console's throughput to the log store alone, which is what log streaming work is judged by.
        var consoleOnly = Environment.GetEnvironmentVariable("LAVA_BENCH_ONLY") == "console";
        // LAVA_BENCH_ONLY=latency: a console's first byte and a device's turnaround alone, with one job's timeline.
        var latencyOnly = Environment.GetEnvironmentVariable("LAVA_BENCH_ONLY") == "latency";
        // LAVA_BENCH_ONLY=consoles: the many consoles at once alone.
        var consolesOnly = Environment.GetEnvironmentVariable("LAVA_BENCH_ONLY") == "consoles";
        if (!latencyOnly && !consoleOnly && !consolesOnly) yield return new Figure(Bench, "bytes_per_idle_device_actor", await IdleActorBytesAsync(), "bytes");

        var consoles = latencyOnly || consoleOnly ? 0 : ConsoleCount();
        var consolesGate = new ConsolesGate(consoles);
        await using (var lab = await BenchLab.StartAsync(
        [
            new BoardGroup(QuickType, 1, new SimulatedBoardOptions { Name = "quick", AutobootSeconds = 0 }),
            new BoardGroup(BigType, 1, new SimulatedBoardOptions { Name = "big", AutobootSeconds = 0, BaudRate = 0, BootLogBytes = BigBootLogBytes }),
            new BoardGroup(ManyType, consoles, new SimulatedBoardOptions { Name = "many", AutobootSeconds = 0, BootLogBytes = ConsoleBootLogBytes, BeforeBootLogFiller = consolesGate.PassAsync }),
        ], cancellationToken))
        {
            if (consolesOnly)
            {
                await foreach (var figure in ConsolesAsync(lab, consolesGate, cancellationToken)) yield return figure;
                yield break;
            }
            if (!latencyOnly)
            {
                // The first jobs pay for the JIT and caches of a fresh master and worker, whose hot paths are compiled
                // again, optimized, over the first few; the next ones, each on a settled lab, show the stream of a lab that runs.
                for (var i = 0; i < ConsoleWarmupJobs; i++)
                {
                    var cold = await ConsoleThroughputAsync(lab, cancellationToken);
                    await Console.Error.WriteLineAsync(FormattableString.Invariant($"devices: console throughput of the lab's job {i + 1} (not counted): {cold.Stored:F3} MB/s stored"));
                }
                var again = new List<(double Stored, double Console)>();
                for (var i = 0; i < ConsoleRepeats; i++)
                {
                    await SettleAsync(cancellationToken);
                    again.Add(await ConsoleThroughputAsync(lab, cancellationToken));
                }
                var (storedMbPerS, consoleMbPerS) = (Samples.Median(again.Select(r => r.Stored).ToList()), Samples.Median(again.Select(r => r.Console).ToList()));
                yield return new Figure(Bench, "console_log_mb_per_s", storedMbPerS, "MB/s");
                yield return new Figure(Bench, "console_bytes_mb_per_s", consoleMbPerS, "MB/s");
                if (consoleOnly) yield break;
            }
            await foreach (var figure in LatencyAsync(lab, cancellationToken)) yield return figure;
            if (latencyOnly) yield break;
            await foreach (var figure in ConsolesAsync(lab, consolesGate, cancellationToken)) yield return figure;
        }
        await foreach (var figure in QemuAsync(cancellationToken)) yield return figure;
    }

    /// <summary>
    /// Managed heap growth per device actor: <see cref="IdleActors"/> actors created directly under the root (as
    /// <see cref="DeviceActors"/> creates them), each having answered one <see cref="QueryJob"/> so that it is started
    /// and idle, measured with a full collection before and after (after a warm-up batch, so that code and caches are
    /// not counted).
    /// </summary>
    private static Task<double> IdleActorBytesAsync() => BenchSystem.RunAsync(async system =>
    {
        var data = Directory.CreateTempSubdirectory("lava-bench-idle-");
        try
        {
            var options = new DeviceActorOptions("bench-worker", data.FullName, ["/bin/false"], TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2));
            await StartIdleAsync(system, options, "warmup", IdleWarmup);
            var before = GC.GetTotalMemory(forceFullCollection: true);
            var actors = await StartIdleAsync(system, options, "board", IdleActors);
            var after = GC.GetTotalMemory(forceFullCollection: true);
            GC.KeepAlive(actors);
            return (after - before) / (double)IdleActors;
        }
        finally
        {
            data.Delete(recursive: true);
        }
    });

    private static async Task<IActorRef[]> StartIdleAsync(ActorSystem system, DeviceActorOptions options, string prefix, int count)
    {
        var actors = Enumerable.Range(0, count).Select(i => system.ActorOf(DeviceActor.Props($"{prefix}-{i:D5}", options), $"{prefix}-{i:D5}")).ToArray();
        await Task.WhenAll(actors.Select((a, i) => a.Ask<JobRunReport>(new QueryJob(i + 1, $"{prefix}-{i:D5}"), TimeSpan.FromSeconds(60))));
        return actors;
    }

    private static async IAsyncEnumerable<Figure> LatencyAsync(BenchLab lab, [EnumeratorCancellation] CancellationToken ct)
    {
        // One job at a time on an idle device: Scheduled (journaled by the job's supervisor) to the dt of its first
        // target line (stamped by the job runner as it read the console), and to its first line of any kind.
        var firstByte = new List<double>();
        var firstLine = new List<double>();
        // The first jobs of a fresh master and worker pay for their JIT, which goes on in the background for seconds:
        // the samples are taken on a lab that ran a few jobs and settled, as a lab in service is.
        for (var i = 0; i < LatencyWarmupJobs; i++)
        {
            var id = await lab.SubmitAsync(BenchLab.BootJob(QuickType, $"warm-up {i}"), ct);
            RequireComplete(await lab.WaitFinishedAsync(id, JobDeadline, Poll, ct), id);
        }
        await SettleAsync(ct);
        var runners = new List<string>();
        for (var i = 0; i < LatencySamples; i++)
        {
            var id = await lab.SubmitAsync(BenchLab.BootJob(QuickType, $"first byte {i}"), ct);
            RequireComplete(await lab.WaitFinishedAsync(id, JobDeadline, Poll, ct), id);
            var (_, launched) = await lab.Worker.WaitForLineAsync(TimeSpan.FromSeconds(10), $"Job {id} on", ": runner ");
            runners.Add(launched.Contains("was a spare", StringComparison.Ordinal) ? "spare" : "started");
            var scheduled = lab.ScheduledAt(id);
            var log = lab.StoredLog(id);
            firstLine.Add((log[0].Dt - scheduled).TotalMilliseconds);
            firstByte.Add((FirstTarget(log, id).Dt - scheduled).TotalMilliseconds);
            if (i == LatencySamples - 1) await TimelineAsync(log, scheduled);
        }
        await Console.Error.WriteLineAsync($"devices: scheduled to first target line, ms: {string.Join(", ", firstByte.Select(Ms))}; to the runner's first line: {string.Join(", ", firstLine.Select(Ms))}; runners: {string.Join(", ", runners)}");
        yield return new Figure(Bench, "scheduled_to_first_byte_ms", Samples.Median(firstByte), "ms");
        yield return new Figure(Bench, "scheduled_to_runner_first_line_ms", Samples.Median(firstLine), "ms");

        // Two jobs queued on the one device: the first's end (end_time, when its supervisor finished it) to the
        // second's first target line.
        var turnaround = new List<double>();
        var turnaroundScheduled = new List<double>();
        await SettleAsync(ct);
        for (var i = 0; i < TurnaroundPairs; i++)
        {
            var first = await lab.SubmitAsync(BenchLab.BootJob(QuickType, $"turnaround {i}a"), ct);
            var second = await lab.SubmitAsync(BenchLab.BootJob(QuickType, $"turnaround {i}b"), ct);
            var ended = RequireComplete(await lab.WaitFinishedAsync(first, JobDeadline, Poll, ct), first).GetProperty("end_time").GetDateTimeOffset();
            RequireComplete(await lab.WaitFinishedAsync(second, JobDeadline, Poll, ct), second);
            turnaround.Add((FirstTarget(lab.StoredLog(second), second).Dt - ended).TotalMilliseconds);
            turnaroundScheduled.Add((lab.ScheduledAt(second) - ended).TotalMilliseconds);
        }
        await Console.Error.WriteLineAsync($"devices: end to the next job's first target line, ms: {string.Join(", ", turnaround.Select(Ms))}; end to its Scheduled: {string.Join(", ", turnaroundScheduled.Select(Ms))}");
        yield return new Figure(Bench, "device_turnaround_ms", Samples.Median(turnaround), "ms");
        yield return new Figure(Bench, "device_turnaround_to_scheduled_ms", Samples.Median(turnaroundScheduled), "ms");
    }

    /// <summary>
    /// One boot-only job on the board printing <see cref="BigBootLogBytes"/> of boot log unpaced. The master's log store
    /// file of the job is watched from this process every few milliseconds; the rate is the bytes stored from the first
    /// filler line to the last one, over the time between seeing them stored (<c>console_log_mb_per_s</c>: log lines as
    /// stored, YAML and timestamps included; <c>console_bytes_mb_per_s</c>: the console bytes they carry, CR LF included).
    /// </summary>
    private static async Task<(double Stored, double Console)> ConsoleThroughputAsync(BenchLab lab, CancellationToken ct)
    {
        var cpu = Cpu(lab);
        var id = await lab.SubmitAsync(BenchLab.BootJob(BigType, "console throughput"), ct);
        var file = lab.LogFile(id);
        var samples = new List<(DateTimeOffset At, long Size)>();
        var done = lab.WaitFinishedAsync(id, JobDeadline, TimeSpan.FromMilliseconds(200), ct);
        while (!done.IsCompleted)
        {
            var info = new FileInfo(file);
            if (info.Exists && (samples.Count == 0 || samples[^1].Size != info.Length)) samples.Add((DateTimeOffset.UtcNow, info.Length));
            await Task.Delay(TimeSpan.FromMilliseconds(2), ct);
        }
        RequireComplete(await done, id);
        // The runner's CPU reaches the worker's children once the worker waited for it, right after the job's end.
        await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        var used = Cpu(lab) - cpu;

        // Byte offsets of the first filler line's start and the last one's end in the stored file.
        long offset = 0, firstStart = -1, lastEnd = -1, fillerLines = 0;
        DateTimeOffset firstRead = default, lastRead = default;
        foreach (var line in File.ReadLines(file))
        {
            var length = System.Text.Encoding.UTF8.GetByteCount(line) + 1;
            if (line.Contains("lava-sim: boot log line ", StringComparison.Ordinal))
            {
                lastRead = LogLine.Parse(line).Dt;
                if (firstStart < 0) (firstStart, firstRead) = (offset, lastRead);
                lastEnd = offset + length;
                fillerLines++;
            }
            offset += length;
        }
        var expected = KernelLogFiller.LinesFor(BigBootLogBytes);
        if (fillerLines != expected) await Console.Error.WriteLineAsync($"devices: the master stored {fillerLines} of the big board's {expected} boot log lines");
        var from = samples.First(s => s.Size > firstStart).At;
        var to = samples.First(s => s.Size >= lastEnd).At;
        var seconds = (to - from).TotalSeconds;
        // The runner stamps each line as it reads it: the span of those stamps is how fast the runner alone went.
        await Console.Error.WriteLineAsync($"devices: {(lastEnd - firstStart) / 1e6:F1} MB of log lines ({fillerLines} console lines) stored in {seconds:F2} s; " +
            $"the job runner read them in {(lastRead - firstRead).TotalSeconds:F2} s (their dt); CPU s over the job: {used}");
        return ((lastEnd - firstStart) / 1e6 / seconds, fillerLines * (KernelLogFiller.LineLength + 2) / 1e6 / seconds);
    }

    /// <summary>
    /// Waits until the machine is nearly idle (under 10% of its CPU busy over a second, <see cref="MachineLoad"/>; at once
    /// without /proc/stat), at most a minute: what the previous step left behind (JIT, a spare's warm-up, the master's
    /// projections) is not measured.
    /// </summary>
    private static async Task SettleAsync(CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var load = new MachineLoad();
        load.BusySinceLastRead();
        double? busy;
        do
        {
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            busy = load.BusySinceLastRead();
        }
        while (busy >= 0.1 && Stopwatch.GetElapsedTime(started) < TimeSpan.FromMinutes(1));
        await Console.Error.WriteLineAsync(FormattableString.Invariant($"devices: settled in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s ({busy:P0} busy)"));
    }

    /// <summary>CPU seconds used so far by the master, the worker, the worker's ended runners and this process (the boards).</summary>
    private static CpuUse Cpu(BenchLab lab) =>
        new(lab.Master.CpuSeconds(), lab.Worker.CpuSeconds(), lab.Worker.ChildrenCpuSeconds(), Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds);

    private sealed record CpuUse(double Master, double Worker, double Runners, double Boards)
    {
        public static CpuUse operator -(CpuUse a, CpuUse b) => new(a.Master - b.Master, a.Worker - b.Worker, a.Runners - b.Runners, a.Boards - b.Boards);

        public override string ToString() => FormattableString.Invariant($"master {Master:F2}, worker {Worker:F2}, runner {Runners:F2}, boards {Boards:F2}");
    }

    /// <summary>Where the time to a job's first console byte goes: its log lines up to the first target line, in ms from Scheduled.</summary>
    private static async Task TimelineAsync(IReadOnlyList<LogRecord> log, DateTimeOffset scheduled)
    {
        foreach (var record in log)
        {
            var text = LogLine.Format(record);
            await Console.Error.WriteLineAsync($"devices: +{Ms((record.Dt - scheduled).TotalMilliseconds)} ms {text[..Math.Min(text.Length, 160)]}");
            if (record.Level == "target") break;
        }
    }

    private static LogRecord FirstTarget(IReadOnlyList<LogRecord> log, long id) =>
        log.FirstOrDefault(r => r.Level == "target") ?? throw new InvalidOperationException($"job {id} logged no console line");

    private static System.Text.Json.JsonElement RequireComplete(System.Text.Json.JsonElement job, long id) =>
        job.GetProperty("health").GetString() == "Complete"
            ? job
            : throw new InvalidOperationException($"job {id} ended {job.GetProperty("health").GetString()}: {job.GetProperty("failure_comment").GetString()}");

    private static string Ms(double ms) => ms.ToString("F0", System.Globalization.CultureInfo.InvariantCulture);
}
