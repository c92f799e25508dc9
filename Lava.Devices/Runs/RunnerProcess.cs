using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Lava.Devices.Runs;

/// <summary>
/// A job runner process: started in a session and process group of its own (<c>setsid</c>), stdin from /dev/null,
/// stdout and stderr appended to the job's <c>runner.log</c>, so that it outlives the worker process (SIGTERM or
/// SIGKILL). A worker that restarts adopts it again from <c>runner.pid</c>; its start time (field 22 of
/// <c>/proc/PID/stat</c>) tells it apart from another process that got the same pid.
/// </summary>
public sealed partial class RunnerProcess : IDisposable
{
    public const int SigKill = 9;
    public const int SigTerm = 15;

    private const int NoSuchProcess = 3;

    private readonly Process? _child;

    private RunnerProcess(int pid, long startTicks, Process? child)
    {
        Pid = pid;
        StartTicks = startTicks;
        _child = child;
    }

    /// <summary>The runner's pid, which is also its process group and session id.</summary>
    public int Pid { get; }

    /// <summary>When it started, in clock ticks since boot (field 22 of <c>/proc/PID/stat</c>).</summary>
    public long StartTicks { get; }

    /// <summary>True when this process started it (its exit code is known); false for a runner adopted after a restart.</summary>
    public bool IsChild => _child is not null;

    /// <summary>Starts <paramref name="command"/> + the job directory in a new session and writes <c>runner.pid</c>.</summary>
    /// <exception cref="InvalidOperationException">The process could not be started.</exception>
    public static RunnerProcess Start(IReadOnlyList<string> command, JobDirectory directory) =>
        Launch(command, [directory.Path], directory);

    /// <summary>
    /// Starts <paramref name="command"/> + <c>--spare DIR</c> (a runner that waits for its job, see
    /// <see cref="SpareRunnerPool"/>) as <see cref="Start"/> does, its <c>runner.pid</c> and <c>runner.log</c> in
    /// <paramref name="spareDirectory"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The process could not be started.</exception>
    public static RunnerProcess StartSpare(IReadOnlyList<string> command, JobDirectory spareDirectory) =>
        Launch(command, ["--spare", spareDirectory.Path], spareDirectory);

    private static RunnerProcess Launch(IReadOnlyList<string> command, IReadOnlyList<string> arguments, JobDirectory directory)
    {
        ArgumentOutOfRangeException.ThrowIfZero(command.Count);
        // sh redirects and execs setsid, which execs the runner: one pid throughout, a new session and group for it.
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = directory.Path };
        foreach (var argument in (string[])["-c", "exec setsid \"$@\" </dev/null >>runner.log 2>&1", "lava-runner"])
            start.ArgumentList.Add(argument);
        foreach (var argument in command) start.ArgumentList.Add(argument);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {command[0]}");
        var ticks = ReadStartTicks(process.Id) ?? 0;
        directory.WritePid(process.Id, ticks);
        return new RunnerProcess(process.Id, ticks, process);
    }

    /// <summary>The runner named by <c>runner.pid</c>, alive or not (see <see cref="IsAlive"/>); null without a readable <c>runner.pid</c>.</summary>
    public static RunnerProcess? Adopt(JobDirectory directory) =>
        directory.ReadPid() is var (pid, ticks) ? new RunnerProcess(pid, ticks, null) : null;

    /// <summary>The runner still runs: not exited, not a zombie, and its pid not reused.</summary>
    public bool IsAlive()
    {
        if (_child is not null) return !_child.HasExited;
        var stat = ReadStat(Pid);
        return stat is not null && stat.Value.State != 'Z' && stat.Value.StartTicks == StartTicks;
    }

    /// <summary>How the runner ended, for its job's errors: "exit code X", "signal Y", or unknown for an adopted one.</summary>
    public string ExitDescription()
    {
        if (_child is not { HasExited: true } child) return "exit status unknown";
        // .NET reports a child killed by signal N as 128 + N.
        return child.ExitCode > 128 ? $"signal {child.ExitCode - 128}" : $"exit code {child.ExitCode}";
    }

    /// <summary>Completes when a child runner exits; an adopted runner is watched with <see cref="IsAlive"/> instead.</summary>
    public Task WaitForExitAsync(CancellationToken cancellationToken) =>
        _child?.WaitForExitAsync(cancellationToken) ?? Task.Delay(Timeout.Infinite, cancellationToken);

    /// <summary>Sends <paramref name="signal"/> to the runner's whole process group (to the runner alone before it made one).</summary>
    public void Signal(int signal)
    {
        if (!IsAlive()) return;
        if (Kill(-Pid, signal) != 0 && Marshal.GetLastPInvokeError() == NoSuchProcess) Kill(Pid, signal);
    }

    /// <summary>Sends <paramref name="signal"/> to the runner process alone.</summary>
    public void SignalProcess(int signal)
    {
        if (IsAlive()) Kill(Pid, signal);
    }

    public void Dispose() => _child?.Dispose();

    /// <summary>Field 22 of <c>/proc/PID/stat</c>, or null when the process is gone.</summary>
    public static long? ReadStartTicks(int pid) => ReadStat(pid)?.StartTicks;

    private static (char State, long StartTicks)? ReadStat(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return null;
        }
        // The command name (field 2) may hold spaces and parentheses: fields 3.. follow the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return fields.Length > 19 && long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            ? (fields[0][0], ticks)
            : null;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
