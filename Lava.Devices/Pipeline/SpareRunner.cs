using System.Runtime.InteropServices;
using Lava.Devices.Runs;

namespace Lava.Devices.Pipeline;

/// <summary>
/// A job runner started ahead of its job (<c>run-job --spare DIR</c>, see <see cref="SpareRunnerPool"/>): warms up
/// (<see cref="RunnerWarmUp"/>), writes <c>ready</c> in its spare directory and waits until the worker writes the
/// job directory's path to <c>job</c> there (waking it with SIGUSR1, looked at every <see cref="PollInterval"/> too).
/// Then it is that job's runner as if started for it: stdout and stderr go to the job's <c>runner.log</c>, it works
/// in the job's directory and runs <see cref="JobRunner.RunAsync(string, CancellationToken)"/>. A spare whose worker
/// is gone (its parent process changed) or that gets SIGTERM before its job exits 0 and removes its directory.
/// </summary>
public static partial class SpareRunner
{
    /// <summary>The spare directory's file the worker writes the job directory's path to.</summary>
    public const string JobFile = "job";

    /// <summary>The spare directory's file the spare writes once it is warm and listening for SIGUSR1.</summary>
    public const string ReadyFile = "ready";

    /// <summary>
    /// The spare directory's file the spare writes once it listens for SIGUSR1, before it warms up: a job handed to it
    /// then stops the warm-up and starts at once (still sooner than a new process).
    /// </summary>
    public const string ListeningFile = "listening";

    /// <summary>SIGUSR1 on Linux: the worker's nudge that <see cref="JobFile"/> is there.</summary>
    public const int WakeSignal = 10;

    /// <summary>How often a waiting spare looks for its job and at its worker without a nudge.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    private static readonly SemaphoreSlim Wake = new(0);

    // A spare is handed one job at most: the first nudge also stops its warm-up.
    private static readonly CancellationTokenSource Nudged = new();

    // Kept for the life of the process: a nudge that comes after the spare found its job must not find SIGUSR1's
    // default action (terminate) back in place.
    private static readonly Lazy<PosixSignalRegistration> Nudge = new(() => PosixSignalRegistration.Create((PosixSignal)WakeSignal, context =>
    {
        context.Cancel = true;
        Nudged.Cancel();
        Wake.Release();
    }));

    /// <summary>Warms up, waits for a job and runs it; 0 when the job ran (or none came).</summary>
    public static async Task<int> RunAsync(string spareDirectory, CancellationToken stop)
    {
        // The worker starts it and waits for it, so it is the parent; an orphan is given to init (or a subreaper).
        var worker = GetParentPid();
        var warmUp = Path.GetFullPath(Path.Combine(spareDirectory, "warm-up"));
        // Console's writers are created on first use: made when the job redirects them, they cost its hand-over 2-13 ms.
        Console.Out.Flush();
        Console.Error.Flush();
        var job = await WaitForJobAsync(spareDirectory, () => worker != 1 && GetParentPid() == worker, ct => RunnerWarmUp.RunAsync(warmUp, ct), stop).ConfigureAwait(false);
        if (job is null) return 0;
        RedirectOutput(new JobDirectory(job).RunnerLog);
        Environment.CurrentDirectory = job;
        return await JobRunner.RunAsync(job, stop).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs <paramref name="warmUp"/> (when given) until it ends or a nudge comes, writes <c>ready</c> and waits for
    /// <c>job</c>; returns the job directory, or null once <paramref name="workerAlive"/> says no or <paramref name="stop"/>
    /// fires before a job came. Either way the spare directory is removed. A warm-up a nudge interrupts is canceled and
    /// left to wind down on its own: the job does not wait for it, nor for the spare directory's removal, which goes on beside it.
    /// </summary>
    public static async Task<string?> WaitForJobAsync(string spareDirectory, Func<bool> workerAlive, Func<CancellationToken, Task>? warmUp, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(workerAlive);
        _ = Nudge.Value;
        JobDirectory.WriteAtomic(Path.Combine(spareDirectory, ListeningFile), Environment.ProcessId + "\n");
        if (warmUp is not null)
        {
            var warming = CancellationTokenSource.CreateLinkedTokenSource(stop, Nudged.Token);
            var warm = warmUp(warming.Token);
            await Task.WhenAny(warm, Task.Delay(Timeout.Infinite, warming.Token)).ConfigureAwait(false);
            _ = warm.ContinueWith(_ => warming.Dispose(), TaskScheduler.Default);
        }
        var jobFile = Path.Combine(spareDirectory, JobFile);
        JobDirectory.WriteAtomic(Path.Combine(spareDirectory, ReadyFile), Environment.ProcessId + "\n");
        while (true)
        {
            // The job first: one handed over just before the worker died or a SIGTERM came is still this spare's.
            if (ReadJob(jobFile) is { } job)
            {
                // Removed beside the job, not before it: with a warm-up cut short it holds a whole job directory.
                _ = Task.Run(() => Delete(spareDirectory), CancellationToken.None);
                return job;
            }
            if (stop.IsCancellationRequested || !workerAlive())
            {
                Delete(spareDirectory);
                return null;
            }
            try
            {
                await Wake.WaitAsync(PollInterval, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // looked at once more above
            }
        }
    }

    private static string? ReadJob(string jobFile)
    {
        try
        {
            var text = File.ReadAllText(jobFile).Trim();
            return text.Length > 0 ? text : null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private static void Delete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The worker removes spare directories it finds at start.
        }
    }

    /// <summary>Points stdout and stderr (the spare's <c>runner.log</c>) at the job's <c>runner.log</c>, as for a runner started for it.</summary>
    private static void RedirectOutput(string runnerLog)
    {
        Console.Out.Flush();
        Console.Error.Flush();
        using var log = File.OpenHandle(runnerLog, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        var fd = (int)log.DangerousGetHandle();
        Dup2(fd, 1);
        Dup2(fd, 2);
    }

    [LibraryImport("libc", EntryPoint = "getppid")]
    private static partial int GetParentPid();

    [LibraryImport("libc", EntryPoint = "dup2", SetLastError = true)]
    private static partial int Dup2(int oldFd, int newFd);
}
