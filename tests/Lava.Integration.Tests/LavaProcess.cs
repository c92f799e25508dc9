using System.Diagnostics;

namespace Lava.Integration.Tests;

/// <summary>
/// A running Lava process whose output lines (stdout and stderr) are kept and can be awaited with deadlines.
/// Disposing kills it if it still runs.
/// </summary>
internal sealed class LavaProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly List<(Func<string, bool> Predicate, TaskCompletionSource<string> Found)> _waiters = [];

    private LavaProcess(string name, Process process)
    {
        Name = name;
        _process = process;
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>What the test calls this process in its messages.</summary>
    public string Name { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Everything the process printed so far, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_lines) return string.Join('\n', _lines);
        }
    }

    /// <summary>A copy of the lines printed so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines) return [.. _lines];
        }
    }

    public static LavaProcess Start(string name, string dll, IEnumerable<string> args, IDictionary<string, string?>? environment = null)
    {
        var process = Process.Start(LavaProcesses.StartInfo(LavaProcesses.Dotnet(), [dll, .. args], environment))
            ?? throw new InvalidOperationException($"could not start {dll}");
        return new LavaProcess(name, process);
    }

    /// <summary>The first line, printed before or after the call, that matches; fails after <paramref name="deadline"/> with the output.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> predicate, TimeSpan deadline, string what)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lines)
        {
            if (_lines.FirstOrDefault(predicate) is { } line) return line;
            _waiters.Add((predicate, found));
        }
        try
        {
            // An exited process prints nothing more: fail at once rather than at the deadline.
            var exited = _process.WaitForExitAsync();
            if (await Task.WhenAny(found.Task, exited).WaitAsync(LavaProcesses.Dilated(deadline)) == found.Task) return await found.Task;
            // The last lines may still be on their way from the pipes: the failure message names the cause only with them.
            await Task.Run(() => _process.WaitForExit());
            lock (_lines)
            {
                if (_lines.FirstOrDefault(predicate) is { } line) return line;
            }
            throw new InvalidOperationException($"{Name} exited with {_process.ExitCode} without a line with {what}; output:\n{Output}");
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Name}: no line with {what} within {LavaProcesses.Dilated(deadline)}; output:\n{Output}");
        }
        finally
        {
            lock (_lines) _waiters.RemoveAll(w => w.Found == found);
        }
    }

    /// <summary>As <see cref="WaitForLineAsync(Func{string, bool}, TimeSpan, string)"/> for a line containing every one of <paramref name="parts"/>.</summary>
    public Task<string> WaitForLineAsync(TimeSpan deadline, params string[] parts) =>
        WaitForLineAsync(line => parts.All(p => line.Contains(p, StringComparison.Ordinal)), deadline, $"'{string.Join("' and '", parts)}'");

    /// <summary>True when a line printed so far contains every one of <paramref name="parts"/>.</summary>
    public bool HasLine(params string[] parts) => Lines.Any(line => parts.All(p => line.Contains(p, StringComparison.Ordinal)));

    /// <summary>Waits for the exit; fails after <paramref name="deadline"/> with the output.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(LavaProcesses.Dilated(deadline));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} did not exit within {LavaProcesses.Dilated(deadline)}; output:\n{Output}");
        }
        // Its last lines, read from the pipes after the exit, are part of what it printed.
        await Task.Run(() => _process.WaitForExit());
        return _process.ExitCode;
    }

    /// <summary>SIGTERM: the process shuts down cleanly.</summary>
    public void Terminate() => LavaProcesses.Terminate(_process);

    /// <summary>SIGKILL: the process dies at once, as in a crash or power loss.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_lines)
        {
            _lines.Add(line);
            foreach (var waiter in _waiters.Where(w => w.Predicate(line)).ToList())
            {
                waiter.Found.TrySetResult(line);
                _waiters.Remove(waiter);
            }
        }
    }
}
