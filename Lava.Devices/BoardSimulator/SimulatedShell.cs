using System.Diagnostics;
using System.Text;

namespace Lava.Devices.BoardSimulator;

/// <summary>
/// A real POSIX shell behind the console after login: started interactive (so it prints its prompt) in a fresh
/// temporary directory that is also its HOME, stderr merged into stdout so that output and prompts keep their order.
/// Killed with its children and its directory removed when disposed (once). It runs as the simulator's user: no sandbox.
/// </summary>
internal sealed class SimulatedShell : IDisposable
{
    private readonly Process _process;
    private bool _disposed;

    private SimulatedShell(Process process, string directory)
    {
        _process = process;
        Directory = directory;
    }

    /// <summary>The temporary directory the shell started in.</summary>
    public string Directory { get; }

    /// <summary>The shell's stdout (with its stderr).</summary>
    public Stream Output => _process.StandardOutput.BaseStream;

    /// <summary>Completes when the shell exits.</summary>
    public Task Exited => _process.WaitForExitAsync();

    public static SimulatedShell Start(SimulatedBoardOptions options)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory($"lava-sim-{options.Name}-").FullName;
        var start = new ProcessStartInfo(options.Shell)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            StandardInputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        // +m: without a tty, job control would only print a warning; `exec ... 2>&1` merges the streams in one pipe.
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$0\" +m -i 2>&1");
        start.ArgumentList.Add(options.Shell);
        start.Environment.Clear();
        start.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
        start.Environment["HOME"] = directory;
        start.Environment["PWD"] = directory;
        start.Environment["USER"] = options.Username;
        start.Environment["LOGNAME"] = options.Username;
        start.Environment["SHELL"] = options.Shell;
        start.Environment["TERM"] = "vt100";
        start.Environment["LANG"] = "C.UTF-8";
        start.Environment["PS1"] = options.EffectiveShellPrompt;
        // Boards simulated on one host would share its /tmp, where LAVA's MultiNode scripts keep their cache file by
        // default: each board gets files of its own, as separate machines have.
        start.Environment["TMPDIR"] = directory;
        start.Environment["LAVA_MULTI_NODE_CACHE"] = Path.Combine(directory, "lava_multi_node_cache.txt");
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {options.Shell}");
        return new SimulatedShell(process, directory);
    }

    /// <summary>Sends one line (a newline is added) to the shell's stdin.</summary>
    public async Task SendLineAsync(string text, CancellationToken ct)
    {
        await _process.StandardInput.WriteAsync((text + "\n").AsMemory(), ct).ConfigureAwait(false);
        await _process.StandardInput.FlushAsync(ct).ConfigureAwait(false);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // it exited between the check and the kill
        }
        _process.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // a test left a file busy: the temporary directory is the system's to clean
        }
        catch (UnauthorizedAccessException)
        {
            // idem
        }
    }
}
