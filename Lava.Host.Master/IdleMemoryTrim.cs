using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Lava.Host.Master;

/// <summary>
/// Gives memory back to the system once the master goes quiet after a busy spell (its start and recovery, a burst of
/// submissions): the idle SQLite connections are closed with their page caches, a compacting full collection decommits
/// the collector's emptied regions, then glibc's <c>malloc_trim</c> frees the free pages of the native heaps. A lab
/// master is idle most of the time, and what a peak left committed is not in use then. Every <see cref="Interval"/> it
/// compares the bytes allocated in the interval with <see cref="QuietBytes"/>; it trims once per busy spell, on the
/// first quiet interval after it, never while busy.
/// </summary>
internal sealed class IdleMemoryTrim(
    TimeProvider time,
    Func<long> allocatedBytes,
    Func<IdleMemoryTrim.Trimmed> trim,
    ILogger<IdleMemoryTrim> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>Below this many bytes allocated in one <see cref="Interval"/> the master counts as quiet.</summary>
    public const long QuietBytes = 32L << 20;

    /// <summary>The master's own: its allocations, its managed heap, then its native heaps.</summary>
    public static IdleMemoryTrim ForProcess(ILogger<IdleMemoryTrim> logger) =>
        new(TimeProvider.System, () => GC.GetTotalAllocatedBytes(), TrimProcess, logger);

    // Made at once, not when ExecuteAsync runs on the thread pool: the intervals count from the master's start.
    private readonly PeriodicTimer _timer = new(Interval, time);

    public override void Dispose()
    {
        _timer.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var spell = new QuietAfterBusy(QuietBytes);
        try
        {
            while (await _timer.WaitForNextTickAsync(stoppingToken))
            {
                if (!spell.IsFirstQuiet(allocatedBytes())) continue;
                var trimmed = trim();
                LogMessages.MemoryTrimmed(logger, trimmed.ResidentBefore >> 20, trimmed.ResidentAfter >> 20);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The master stops.
        }
    }

    private static Trimmed TrimProcess()
    {
        var before = Environment.WorkingSet;
        // Each pooled SQLite connection keeps its page cache (up to 2 MiB) in the native heap; a quiet master opens
        // one again in well under a millisecond when it needs it. Connections in use are closed when returned.
        SqliteConnection.ClearAllPools();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (OperatingSystem.IsLinux())
        {
            try
            {
                MallocTrim(0);
            }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
            {
                // Not glibc (musl has no malloc_trim): the native heaps keep their free pages.
            }
        }

        return new Trimmed(before, Environment.WorkingSet);
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MallocTrim(nuint pad);

    /// <summary>Resident bytes of the process before and after a trim.</summary>
    internal sealed record Trimmed(long ResidentBefore, long ResidentAfter);

    /// <summary>
    /// Tells the first quiet interval after a busy one from the running total of allocated bytes. The master starts
    /// busy: its start and recovery are the first spell.
    /// </summary>
    internal sealed class QuietAfterBusy(long quietBytes)
    {
        private long? _last;
        private bool _busy = true;

        public bool IsFirstQuiet(long allocatedTotal)
        {
            var last = _last;
            _last = allocatedTotal;
            // The first tick only sets the baseline.
            if (last is null) return false;
            if (allocatedTotal - last >= quietBytes)
            {
                _busy = true;
                return false;
            }

            var wasBusy = _busy;
            _busy = false;
            return wasBusy;
        }
    }
}
