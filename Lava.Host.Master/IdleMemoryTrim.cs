using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Lava.Host.Master;

/// <summary>
/// Gives memory back to the system while the master is quiet: the idle SQLite connections are closed with their page
/// caches, a compacting full collection decommits the collector's emptied regions, then glibc's <c>malloc_trim</c>
/// frees the free pages of the native heaps. A lab master is idle most of the time. Left alone, the collector keeps a
/// young generation sized from the CPU's cache (some 16 MiB with a 32 MiB L3) resident for good, filled by the polls of
/// an idle master, and a busy spell (its start and recovery, a burst of submissions) leaves far more.
/// Every <see cref="Interval"/> it compares the bytes allocated in the interval with <see cref="QuietBytes"/>: it
/// never trims while busy, trims on the first quiet interval after a busy spell, and then again whenever the process
/// has grown <see cref="RegrowthBytes"/> past what the last trim left (a trim costs 10-15 ms of CPU).
/// </summary>
internal sealed class IdleMemoryTrim(
    TimeProvider time,
    Func<long> allocatedBytes,
    Func<long> residentBytes,
    Func<IdleMemoryTrim.Trimmed> trim,
    ILogger<IdleMemoryTrim> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>Below this many bytes allocated in one <see cref="Interval"/> the master counts as quiet.</summary>
    public const long QuietBytes = 32L << 20;

    /// <summary>How far a quiet master may grow past its last trim before it trims again.</summary>
    public const long RegrowthBytes = 2L << 20;

    /// <summary>The master's own: its allocations, its managed heap, then its native heaps.</summary>
    public static IdleMemoryTrim ForProcess(ILogger<IdleMemoryTrim> logger) =>
        new(TimeProvider.System, () => GC.GetTotalAllocatedBytes(), () => Environment.WorkingSet, TrimProcess, logger);

    // Made at once, not when ExecuteAsync runs on the thread pool: the intervals count from the master's start.
    private readonly PeriodicTimer _timer = new(Interval, time);

    public override void Dispose()
    {
        _timer.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var policy = new TrimPolicy(QuietBytes, RegrowthBytes);
        try
        {
            while (await _timer.WaitForNextTickAsync(stoppingToken))
            {
                if (!policy.ShouldTrim(allocatedBytes(), residentBytes())) continue;
                var trimmed = trim();
                policy.Trimmed(trimmed.ResidentAfter);
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
    /// When to trim, from the running total of allocated bytes and the resident size on each tick. The master starts
    /// busy: its start and recovery are the first spell.
    /// </summary>
    internal sealed class TrimPolicy(long quietBytes, long regrowthBytes)
    {
        private long? _lastAllocated;
        private long? _residentAfterTrim;
        private bool _busy = true;

        public bool ShouldTrim(long allocatedTotal, long resident)
        {
            var last = _lastAllocated;
            _lastAllocated = allocatedTotal;
            // The first tick only sets the baseline.
            if (last is null) return false;
            if (allocatedTotal - last >= quietBytes)
            {
                _busy = true;
                return false;
            }

            if (_busy)
            {
                _busy = false;
                return true;
            }

            return resident - _residentAfterTrim >= regrowthBytes;
        }

        public void Trimmed(long residentAfter) => _residentAfterTrim = residentAfter;
    }
}
