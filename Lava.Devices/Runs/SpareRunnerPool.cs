using System.Globalization;
using Lava.Devices.Pipeline;

namespace Lava.Devices.Runs;

/// <summary>
/// The worker's spare job runners (<c>lava.worker.spare-runners</c>): processes started ahead with the runner command +
/// <c>--spare DIR</c> (<see cref="SpareRunner"/>), each in a session of its own as every runner, that warm up and wait,
/// so that a job starts in a process that is up and warm instead of paying a new process's cold start.
/// <see cref="TryHand"/> gives a warm one its job and starts a replacement. Spare directories live under
/// <c>&lt;data-dir&gt;/spares/</c>; a spare notices its worker is gone (its parent changed) and exits, and
/// <see cref="CleanUp"/> removes what an earlier worker left. Thread-safe: every device actor of the worker hands jobs.
/// </summary>
public sealed class SpareRunnerPool : IDisposable
{
    private readonly Lock _gate = new();
    private readonly IReadOnlyList<string> _command;
    private readonly string _root;
    private readonly int _count;
    private readonly List<(RunnerProcess Process, JobDirectory Directory)> _spares = [];
    private long _next;
    private bool _disposed;

    /// <summary>A pool of <paramref name="count"/> spares of <paramref name="command"/> under <paramref name="dataDir"/>; none started yet (<see cref="Fill"/>).</summary>
    public SpareRunnerPool(IReadOnlyList<string> command, string dataDir, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _command = command;
        _root = Root(dataDir);
        _count = count;
    }

    /// <summary>Where a worker keeps its spares' directories.</summary>
    public static string Root(string dataDir) => Path.Combine(dataDir, "spares");

    /// <summary>Starts spares until the pool has its count (dead ones dropped).</summary>
    /// <exception cref="InvalidOperationException">A spare could not be started.</exception>
    public void Fill()
    {
        lock (_gate)
        {
            if (_disposed) return;
            foreach (var dead in _spares.Where(s => !s.Process.IsAlive()).ToList())
            {
                _spares.Remove(dead);
                Forget(dead);
            }
            while (_spares.Count < _count)
            {
                var directory = new JobDirectory(Path.Combine(_root, string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId}-{++_next}")));
                Directory.CreateDirectory(directory.Path);
                _spares.Add((RunnerProcess.StartSpare(_command, directory), directory));
            }
        }
    }

    /// <summary>
    /// Gives <paramref name="job"/> (prepared) to a spare that is alive, warm or else warming up: writes the job's <c>runner.pid</c> with
    /// the spare's pid and start time, then the job's path to the spare's <c>job</c> file, and nudges it (SIGUSR1).
    /// Returns the spare, now the job's runner (its exit code known, as for a started one), or null when none listens yet.
    /// </summary>
    public RunnerProcess? TryHand(JobDirectory job)
    {
        ArgumentNullException.ThrowIfNull(job);
        lock (_gate)
        {
            // A warm one, else one still warming up (its process and runtime are up already); never one that does not
            // listen for the nudge yet (SIGUSR1 would kill it).
            var index = _spares.FindIndex(s => Has(s, SpareRunner.ReadyFile) && s.Process.IsAlive());
            if (index < 0) index = _spares.FindIndex(s => Has(s, SpareRunner.ListeningFile) && s.Process.IsAlive());
            if (index < 0) return null;
            var (process, directory) = _spares[index];
            _spares.RemoveAt(index);
            job.WritePid(process.Pid, process.StartTicks);
            JobDirectory.WriteAtomic(Path.Combine(directory.Path, SpareRunner.JobFile), job.Path + "\n");
            process.SignalProcess(SpareRunner.WakeSignal);
            return process;
        }
    }

    /// <summary>Kills the spares not handed a job and removes their directories (the worker stops).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            foreach (var spare in _spares) Forget(spare);
            _spares.Clear();
        }
    }

    /// <summary>
    /// At a worker's start: kills the spares an earlier worker left waiting (named by their <c>runner.pid</c>, start time
    /// checked) and removes their directories. A spare handed a job just before (its <c>job</c> file there) is left to
    /// take it up; it removes its directory itself.
    /// </summary>
    public static void CleanUp(string dataDir)
    {
        var root = Root(dataDir);
        if (!Directory.Exists(root)) return;
        foreach (var path in Directory.EnumerateDirectories(root))
        {
            var directory = new JobDirectory(path);
            var spare = RunnerProcess.Adopt(directory);
            var alive = spare?.IsAlive() ?? false;
            if (alive && File.Exists(Path.Combine(path, SpareRunner.JobFile))) continue;
            if (alive) spare!.Signal(RunnerProcess.SigKill);
            Delete(path);
        }
    }

    private static bool Has((RunnerProcess Process, JobDirectory Directory) spare, string file) => File.Exists(Path.Combine(spare.Directory.Path, file));

    private static void Forget((RunnerProcess Process, JobDirectory Directory) spare)
    {
        spare.Process.Signal(RunnerProcess.SigKill);
        spare.Process.Dispose();
        Delete(spare.Directory.Path);
    }

    private static void Delete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // the spare removed it
        }
        catch (IOException)
        {
            // the next worker start tries again
        }
    }

    /// <summary>The number of spares in the pool (started, warm or not).</summary>
    public int Count
    {
        get { lock (_gate) return _spares.Count; }
    }
}
