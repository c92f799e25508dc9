using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Lava.Devices.Runs;

/// <summary>
/// One job's directory on a worker, <c>&lt;data-dir&gt;/jobs/&lt;jobId&gt;/</c>: the only channel between the job's
/// runner process and its device actor. Files that are read whole (<c>run.json</c>, <c>job.yaml</c>,
/// <c>device.yaml</c>, <c>end.json</c>, <c>acked.json</c>, <c>runner.pid</c>) are written to a temporary file and
/// renamed, so a reader sees the old content or the new one, never half of it. <c>output.yaml</c> and
/// <c>results.jsonl</c> are append-only (<see cref="SpoolWriter"/>, <see cref="SpoolReader"/>), and so are MultiNode's
/// <c>multinode-requests.jsonl</c> (<see cref="MultinodeRequestLine"/>s, by the runner) and
/// <c>multinode-answers.jsonl</c> (<c>MultinodeAnswer</c>s, by the device actor).
/// </summary>
public sealed class JobDirectory
{
    /// <summary>System.Text.Json web defaults, as every file of the directory is written.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public JobDirectory(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    /// <summary>The directory.</summary>
    public string Path { get; }

    public string RunFile => Combine("run.json");
    public string DefinitionFile => Combine("job.yaml");
    public string DeviceFile => Combine("device.yaml");
    public string PidFile => Combine("runner.pid");
    public string RunnerLog => Combine("runner.log");
    public string OutputFile => Combine("output.yaml");
    public string ResultsFile => Combine("results.jsonl");
    public string EndFile => Combine("end.json");
    public string AckedFile => Combine("acked.json");
    public string EndedFile => Combine("ended");
    public string MultinodeRequestsFile => Combine("multinode-requests.jsonl");
    public string MultinodeAnswersFile => Combine("multinode-answers.jsonl");

    /// <summary>The directory of job <paramref name="jobId"/> under the worker's <paramref name="dataDir"/>.</summary>
    public static JobDirectory For(string dataDir, long jobId) =>
        new(System.IO.Path.Combine(JobsRoot(dataDir), jobId.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Where a worker keeps its jobs' directories.</summary>
    public static string JobsRoot(string dataDir) => System.IO.Path.Combine(dataDir, "jobs");

    /// <summary>Creates the directory and writes what the runner reads before it starts.</summary>
    public void Prepare(RunInfo run, string definition, string deviceConfiguration)
    {
        Directory.CreateDirectory(Path);
        WriteAtomic(DefinitionFile, definition);
        WriteAtomic(DeviceFile, deviceConfiguration);
        WriteJson(RunFile, run);
    }

    public RunInfo? ReadRun() => ReadJson<RunInfo>(RunFile);

    public RunEnd? ReadEnd() => ReadJson<RunEnd>(EndFile);

    public void WriteEnd(RunEnd end) => WriteJson(EndFile, end);

    public RunAcked ReadAcked() => ReadJson<RunAcked>(AckedFile) ?? RunAcked.None;

    public void WriteAcked(RunAcked acked) => WriteJson(AckedFile, acked);

    /// <summary>Writes <c>runner.pid</c>: <c>PID STARTTICKS\n</c>.</summary>
    public void WritePid(int pid, long startTicks) =>
        WriteAtomic(PidFile, string.Create(CultureInfo.InvariantCulture, $"{pid} {startTicks}\n"));

    /// <summary>The runner's pid and start time, or null when <c>runner.pid</c> is missing or unreadable.</summary>
    public (int Pid, long StartTicks)? ReadPid()
    {
        var text = ReadText(PidFile);
        var parts = text?.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts is [var pid, var ticks]
            && int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var p)
            && long.TryParse(ticks, NumberStyles.None, CultureInfo.InvariantCulture, out var t)
                ? (p, t)
                : null;
    }

    /// <summary>
    /// Appends <paramref name="records"/> to <c>output.yaml</c> for a runner that is gone, first cutting the file at
    /// <paramref name="completeBytes"/> (the end of its last complete line) so that a line it left unfinished cannot
    /// swallow them.
    /// </summary>
    public void AppendLog(long completeBytes, IEnumerable<Lava.Actors.Jobs.Logs.LogRecord> records)
    {
        using var output = new FileStream(OutputFile, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        if (output.Length > completeBytes) output.SetLength(completeBytes);
        output.Seek(0, SeekOrigin.End);
        var text = new StringBuilder();
        foreach (var record in records) text.Append(Lava.Actors.Jobs.Logs.LogLine.Format(record)).Append('\n');
        output.Write(Utf8.GetBytes(text.ToString()));
    }

    /// <summary>
    /// Appends <paramref name="value"/> as one JSON line to the append-only file <paramref name="path"/> in a single write
    /// (the file's only writer appends; a reader counts the line once its <c>\n</c> is there).
    /// </summary>
    public static void AppendJsonLine<T>(string path, T value)
    {
        using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        file.Write(Utf8.GetBytes(JsonSerializer.Serialize(value, Json) + "\n"));
    }

    /// <summary>Writes <paramref name="content"/> to a temporary file beside <paramref name="path"/> and renames it over it.</summary>
    public static void WriteAtomic(string path, string content)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, content, Utf8);
        File.Move(temporary, path, overwrite: true);
    }

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private static void WriteJson<T>(string path, T value) => WriteAtomic(path, JsonSerializer.Serialize(value, Json) + "\n");

    private static T? ReadJson<T>(string path) where T : class
    {
        var text = ReadText(path);
        if (text is null) return null;
        try
        {
            return JsonSerializer.Deserialize<T>(text, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private string Combine(string name) => System.IO.Path.Combine(Path, name);
}
