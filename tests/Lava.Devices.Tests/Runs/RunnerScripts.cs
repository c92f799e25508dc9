using System.Diagnostics;
using Akka.Actor;
using Akka.TestKit;
using Lava.Actors.Jobs;
using Lava.Actors.Jobs.Running;
using Lava.Devices.Actors;
using Lava.Devices.Runs;
using Xunit;

namespace Lava.Devices.Tests.Runs;

/// <summary>A worker data directory for one test, job runners written as shell scripts, and a supervisor's side of the stream.</summary>
internal sealed class RunnerScripts : IDisposable
{
    public const string Worker = "w1";
    public const string DeviceName = "qemu01";

    // Shell helpers every runner script starts with: LAVA log lines, test cases and end.json as the contracts say.
    private const string Prelude = """
        cd "$1"
        line() { printf -- '- {"dt": "2024-01-01T00:00:00.000000", "lvl": "info", "msg": "line %s"}\n' "$1" >> output.yaml; }
        lines() { awk -v a="$1" -v b="$2" 'BEGIN { for (i = a; i < b; i++) printf "- {\"dt\": \"2024-01-01T00:00:00.000000\", \"lvl\": \"info\", \"msg\": \"line %d\"}\n", i }' >> output.yaml; }
        case_() { printf '{"suite":"0_smoke","name":"%s","result":"pass","logLine":%s,"at":"2024-01-01T00:00:00+00:00"}\n' "$1" "$2" >> results.jsonl; }
        end_() { printf '{"result":"%s","errorType":"%s","errors":"%s"}\n' "$1" "$2" "$3" > end.json.tmp && mv end.json.tmp end.json; }

        """;

    public RunnerScripts()
    {
        DataDir = Path.Combine(Path.GetTempPath(), "lava-runs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataDir);
    }

    public string DataDir { get; }

    /// <summary>Options running <paramref name="script"/> (shell text after the prelude) as the job runner.</summary>
    public DeviceActorOptions Options(string script, TimeSpan? resend = null)
    {
        var path = Path.Combine(DataDir, $"runner-{Guid.NewGuid():N}.sh");
        File.WriteAllText(path, Prelude + script + "\n");
        return new DeviceActorOptions(Worker, DataDir, ["/bin/sh", path], TimeSpan.FromMilliseconds(500), resend ?? TimeSpan.FromMilliseconds(300));
    }

    public static RunJob Run(long job, string deviceConfiguration = "device_type: qemu\n", long nextLine = 0, long nextCase = 0) =>
        new(job, DeviceName, "actions: []\n", deviceConfiguration, TimeSpan.FromMinutes(5), nextLine, nextCase);

    public JobDirectory Job(long job) => JobDirectory.For(DataDir, job);

    public void Dispose()
    {
        // Leave no runner behind: kill the process group of every runner still named in a job directory.
        var root = JobDirectory.JobsRoot(DataDir);
        if (Directory.Exists(root))
        {
            foreach (var path in Directory.EnumerateDirectories(root))
            {
                if (new JobDirectory(path).ReadPid() is var (pid, _))
                    using (Process.Start("kill", ["-9", "--", $"-{pid}"])) { }
            }
        }
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>What a supervisor stored of one job: lines and cases by position, and the end.</summary>
internal sealed class StoredJob
{
    public Dictionary<long, string> Lines { get; } = [];
    public Dictionary<long, TestCaseResult> Cases { get; } = [];
    public List<JobLogText> LogChunks { get; } = [];

    /// <summary>
    /// Plays the supervisor until <see cref="JobRunEnded"/>: stores every chunk by position (a position sent twice must
    /// carry the same line), acknowledges the contiguous prefix when <paramref name="acknowledge"/>, and answers the end
    /// when <paramref name="answerEnd"/>.
    /// </summary>
    public async Task<JobRunEnded> CollectAsync(TestKitBase supervisor, IActorRef devices, long jobId, bool acknowledge = true, TimeSpan? within = null, bool answerEnd = true)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var message = await supervisor.ReceiveOneAsync(deadline - DateTime.UtcNow)
                ?? throw new TimeoutException($"job {jobId}: no JobRunEnded; {Lines.Count} lines, {Cases.Count} cases stored");
            switch (message)
            {
                case JobLogText chunk when chunk.JobId == jobId:
                    LogChunks.Add(chunk);
                    var lines = chunk.Lines();
                    for (var i = 0; i < lines.Count; i++)
                    {
                        if (Lines.TryGetValue(chunk.FirstLine + i, out var known)) Assert.Equal(known, lines[i]);
                        Lines[chunk.FirstLine + i] = lines[i];
                    }
                    break;
                case JobResultsChunk chunk when chunk.JobId == jobId:
                    for (var i = 0; i < chunk.Cases.Count; i++) Cases[chunk.FirstCase + i] = chunk.Cases[i];
                    break;
                case JobRunEnded ended when ended.JobId == jobId:
                    if ((ended.LogLines, ended.TestCases) == Stored())
                    {
                        if (answerEnd) devices.Tell(new JobRunEndAck(jobId), supervisor.TestActor);
                        return ended;
                    }
                    break;
                case JobRunReport or MultinodeRequest:
                    break;
                default:
                    throw new InvalidOperationException($"job {jobId}: unexpected {message}");
            }
            if (acknowledge)
            {
                var (lines, cases) = Stored();
                devices.Tell(new JobProgressAck(jobId, lines, cases), supervisor.TestActor);
            }
        }
    }

    /// <summary>The number of positions stored from 0 without a gap.</summary>
    public static long Prefix<T>(Dictionary<long, T> stored, long from = 0)
    {
        var n = from;
        while (stored.ContainsKey(n)) n++;
        return n;
    }

    private long _linePrefix;
    private long _casePrefix;

    private (long Lines, long Cases) Stored() => (_linePrefix = Prefix(Lines, _linePrefix), _casePrefix = Prefix(Cases, _casePrefix));

    /// <summary>Asserts positions 0..count-1 hold <c>line 0</c>.. in order, once each.</summary>
    public void AssertLines(int count)
    {
        Assert.Equal(count, Lines.Count);
        for (var i = 0; i < count; i++) Assert.Contains($"\"msg\": \"line {i}\"", Lines[i], StringComparison.Ordinal);
    }
}

/// <summary>The lines a <see cref="JobLogText"/> carries, as the supervisor reads them.</summary>
internal static class JobLogTextLines
{
    public static IReadOnlyList<string> Lines(this JobLogText chunk) =>
        System.Text.Encoding.UTF8.GetString(chunk.Text).Split('\n')[..^1];
}
