using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Lava.Host.Master;

/// <summary>
/// Gives memory back to the system while the master is quiet: the idle SQLite connections are closed with their page
/// caches, a compacting full collection decommits the collector's emptied regions, then glibc's <c>malloc_trim</c>
/// frees the free pages of the native heaps. A lab master is idle most of the time. Left alone, the collector keeps a
/// young generation sized from the CPU's cache (some 16 MiB with a 32 MiB L3) resident for good, filled by the timers
/// of an idle master, and a busy spell (its start and recovery, a burst of submissions) leaves far more.
/// Every <see cref="Interval"/> it compares the bytes allocated in the interval with <see cref="QuietBytes"/>: it
/// never trims while busy, trims on the first quiet interval after a busy spell, and then again whenever the process
/// has grown <see cref="RegrowthBytes"/> past what the last trim left (a trim costs 10-15 ms of CPU). The trim after a
/// busy spell also hands the kernel back the pages of the assemblies and native libraries mapped from disk
/// (<see cref="PageOutMappedImages"/>): the start and the spell touched far more of them than an idle master runs.
/// </summary>
internal sealed class IdleMemoryTrim(
    TimeProvider time,
    Func<long> allocatedBytes,
    Func<long> residentBytes,
    Func<IdleMemoryTrim.TrimScope, IdleMemoryTrim.Trimmed> trim,
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
                var scope = policy.Next(allocatedBytes(), residentBytes());
                if (scope == TrimScope.None) continue;
                var trimmed = trim(scope);
                policy.Trimmed(trimmed.ResidentAfter);
                LogMessages.MemoryTrimmed(logger, trimmed.ResidentBefore >> 20, trimmed.ResidentAfter >> 20);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The master stops.
        }
    }

    private static Trimmed TrimProcess(TrimScope scope)
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

            if (scope == TrimScope.HeapsAndMappedImages) PageOutMappedImages();
        }

        return new Trimmed(before, Environment.WorkingSet);
    }

    /// <summary>
    /// Asks the kernel (<c>madvise(MADV_PAGEOUT)</c>, Linux 5.4 and later; ignored before) to take back the pages of
    /// every assembly and native library the process maps from disk. Pages it shares with other processes stay; the
    /// pages the master goes on running are read back at their next use, the others (code that ran at the start or in
    /// the busy spell) leave the process. Only clean file pages go: nothing of the heaps is touched. Returns the bytes of
    /// the mappings advised.
    /// </summary>
    internal static long PageOutMappedImages()
    {
        const int PageOut = 21; // MADV_PAGEOUT
        long advised = 0;
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            // "start-end perms offset device inode path": no field before the path holds a '/'.
            var slash = line.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0 || !IsImage(line.AsSpan(slash))) continue;
            var range = line.AsSpan(0, line.IndexOf(' ', StringComparison.Ordinal));
            var dash = range.IndexOf('-');
            var start = ulong.Parse(range[..dash], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            var end = ulong.Parse(range[(dash + 1)..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            if (Madvise((nint)start, (nuint)(end - start), PageOut) == 0) advised += (long)(end - start);
        }

        return advised;
    }

    private static bool IsImage(ReadOnlySpan<char> path) =>
        path.EndsWith(".dll", StringComparison.Ordinal) || path.EndsWith(".so", StringComparison.Ordinal) || path.Contains(".so.", StringComparison.Ordinal);

    [DllImport("libc", EntryPoint = "madvise")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Madvise(nint address, nuint length, int advice);

    [DllImport("libc", EntryPoint = "malloc_trim")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MallocTrim(nuint pad);

    /// <summary>Resident bytes of the process before and after a trim.</summary>
    internal sealed record Trimmed(long ResidentBefore, long ResidentAfter);

    /// <summary>What a trim gives back.</summary>
    internal enum TrimScope
    {
        None,
        Heaps,
        HeapsAndMappedImages,
    }

    /// <summary>
    /// When to trim, from the running total of allocated bytes and the resident size on each tick. The master starts
    /// busy: its start and recovery are the first spell.
    /// </summary>
    internal sealed class TrimPolicy(long quietBytes, long regrowthBytes)
    {
        private long? _lastAllocated;
        private long? _residentAfterTrim;
        private bool _busy = true;

        public TrimScope Next(long allocatedTotal, long resident)
        {
            var last = _lastAllocated;
            _lastAllocated = allocatedTotal;
            // The first tick only sets the baseline.
            if (last is null) return TrimScope.None;
            if (allocatedTotal - last >= quietBytes)
            {
                _busy = true;
                return TrimScope.None;
            }

            if (_busy)
            {
                _busy = false;
                return TrimScope.HeapsAndMappedImages;
            }

            // Not the images again: what an idle master reads back of them is what it runs.
            return resident - _residentAfterTrim >= regrowthBytes ? TrimScope.Heaps : TrimScope.None;
        }

        public void Trimmed(long residentAfter) => _residentAfterTrim = residentAfter;
    }
}
