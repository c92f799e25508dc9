using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Lava.Cli.Demo;

/// <summary>
/// A master or worker the demo runs as a child process, its output appended to a log file of the lab's data directory
/// so that the demo's own screen shows only the job. Stopped with SIGTERM (the node leaves the cluster and ends
/// cleanly), then SIGKILL when it does not end in time.
/// </summary>
internal sealed partial class NodeProcess : IAsyncDisposable
{
    private const int SigTerm = 15;
    private readonly Process _process;

    private NodeProcess(string name, Process process, string logFile)
    {
        Name = name;
        _process = process;
        LogFile = logFile;
    }

    public string Name { get; }

    public string LogFile { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Starts <c>dotnet DLL ARGS</c> with its stdout and stderr appended to <paramref name="logFile"/>.</summary>
    public static NodeProcess Start(string name, string dll, IReadOnlyList<string> arguments, string logFile)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(logFile))!);
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardInput = true };
        // The shell only redirects and then becomes dotnet (exec), so the pid is the node's own.
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec dotnet \"$@\" >>\"$0\" 2>&1 </dev/null");
        start.ArgumentList.Add(logFile);
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {name}");
        return new NodeProcess(name, process, logFile);
    }

    /// <summary>The last lines of the node's log, to show why it failed.</summary>
    public string Tail(int lines = 15)
    {
        try
        {
            return string.Join(Environment.NewLine, File.ReadLines(LogFile).TakeLast(lines));
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>Sends SIGTERM and waits for the end, then kills it after <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited) return;
        _ = Kill(_process.Id, SigTerm);
        using var deadline = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(20));
        _process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
