using System.Diagnostics;
using System.Threading.Channels;

namespace Lava.Bench.Cluster;

/// <summary>
/// A Lava host run as a real process (<c>dotnet X.dll ARGS</c>) whose output lines are stamped with
/// <see cref="Stopwatch.GetTimestamp"/> as they arrive, so that the time of a logged event can be measured.
/// Disposing kills the process if it still runs.
/// </summary>
internal sealed class NodeProcess : IAsyncDisposable
{
    private const int TailLines = 40;
    private readonly Process _process;
    private readonly Channel<(long At, string Line)> _lines = Channel.CreateUnbounded<(long, string)>();
    private readonly Queue<string> _tail = new();
    private int _openStreams = 2;

    private NodeProcess(string label, Process process)
    {
        (Label, _process) = (label, process);
        _process.OutputDataReceived += (_, e) => Receive(e.Data);
        _process.ErrorDataReceived += (_, e) => Receive(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Label { get; }

    public static NodeProcess Start(string label, string dll, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // The data directory comes from --data-dir only.
        start.Environment.Remove("LAVA_DATA_DIR");
        return new NodeProcess(label, Process.Start(start) ?? throw new InvalidOperationException($"cannot start {dll}"));
    }

    /// <summary>Sends SIGKILL, as a crash or a pulled plug ends a node, and returns when it was sent.</summary>
    public long Kill()
    {
        var at = Stopwatch.GetTimestamp();
        _process.Kill();
        return at;
    }

    /// <summary>
    /// Waits for the next output line holding every one of <paramref name="parts"/> and returns it with when it
    /// arrived; lines before it are passed over.
    /// </summary>
    public async Task<(long At, string Line)> WaitForLineAsync(TimeSpan deadline, params string[] parts)
    {
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            while (true)
            {
                var (at, line) = await _lines.Reader.ReadAsync(timeout.Token);
                if (parts.All(p => line.Contains(p, StringComparison.Ordinal))) return (at, line);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            var why = e is OperationCanceledException ? $"within {deadline}" : $"before it exited ({_process.ExitCode})";
            throw new TimeoutException($"{Label}: no line with '{string.Join("', '", parts)}' {why}; its last lines:\n{Tail()}", e);
        }
    }

    /// <summary>Sends SIGTERM, as systemd stops a service.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Waits until the process exited; a <see cref="TimeoutException"/> after <paramref name="deadline"/>.</summary>
    public async Task WaitForExitAsync(TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException e)
        {
            throw new TimeoutException($"{Label} did not exit within {deadline}; its last lines:\n{Tail()}", e);
        }
    }

    /// <summary>
    /// CPU seconds the process used so far, user and system (fields 14 and 15 of /proc/PID/stat, in clock ticks of
    /// 1/100 s as Linux reports them to user space).
    /// </summary>
    public double CpuSeconds() => StatSeconds(11);

    /// <summary>CPU seconds of the process's children that ended and were waited for (fields 16 and 17 of /proc/PID/stat).</summary>
    public double ChildrenCpuSeconds() => StatSeconds(13);

    private double StatSeconds(int field)
    {
        var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
        // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[field], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[field + 1], System.Globalization.CultureInfo.InvariantCulture)) / 100.0;
    }

    /// <summary>The process's resident memory (VmRSS of /proc/PID/status) in MiB.</summary>
    public double ResidentMegabytes()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private void Receive(string? line)
    {
        if (line is null)
        {
            if (Interlocked.Decrement(ref _openStreams) == 0) _lines.Writer.TryComplete();
            return;
        }
        var at = Stopwatch.GetTimestamp();
        lock (_tail)
        {
            _tail.Enqueue(line);
            if (_tail.Count > TailLines) _tail.Dequeue();
        }
        _lines.Writer.TryWrite((at, line));
    }

    private string Tail()
    {
        lock (_tail) return string.Join('\n', _tail);
    }
}
