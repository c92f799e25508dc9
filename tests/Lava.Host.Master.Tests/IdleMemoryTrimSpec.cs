using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Lava.Host.Master.Tests;

public sealed class IdleMemoryTrimSpec
{
    private const long Busy = IdleMemoryTrim.QuietBytes;
    private const long Quiet = IdleMemoryTrim.QuietBytes - 1;
    private const IdleMemoryTrim.TrimScope None = IdleMemoryTrim.TrimScope.None;
    private const IdleMemoryTrim.TrimScope All = IdleMemoryTrim.TrimScope.HeapsAndMappedImages;

    [Fact]
    public void A_spell_must_be_trimmed_on_its_first_quiet_interval_and_never_while_busy()
    {
        var policy = new IdleMemoryTrim.TrimPolicy(IdleMemoryTrim.QuietBytes, IdleMemoryTrim.RegrowthBytes);
        long total = 1_000;
        const long Resident = 150L << 20;
        IdleMemoryTrim.TrimScope Tick(long allocated, long resident = Resident)
        {
            var scope = policy.Next(total += allocated, resident);
            if (scope != None) policy.Trimmed(Resident);
            return scope;
        }

        Assert.Equal(None, policy.Next(total, Resident)); // the baseline
        Assert.Equal(None, Tick(Busy));                   // recovery
        Assert.Equal(All, Tick(Quiet));                   // settled: the start's spell ends
        Assert.Equal(None, Tick(0));
        Assert.Equal(None, Tick(Quiet));
        Assert.Equal(None, Tick(Busy, Resident * 2));     // a burst of submissions
        Assert.Equal(None, Tick(Busy * 4, Resident * 2));
        Assert.Equal(All, Tick(0, Resident * 2));
        Assert.Equal(None, Tick(0));
    }

    [Fact]
    public void A_quiet_master_must_trim_again_once_it_has_grown_past_its_last_trim()
    {
        var policy = new IdleMemoryTrim.TrimPolicy(IdleMemoryTrim.QuietBytes, IdleMemoryTrim.RegrowthBytes);
        const long After = 150L << 20;
        Assert.Equal(None, policy.Next(0, After));
        Assert.Equal(All, policy.Next(Quiet, After));
        policy.Trimmed(After);

        Assert.Equal(None, policy.Next(2 * Quiet, After + IdleMemoryTrim.RegrowthBytes - 1));
        // The heaps only: the images an idle master reads back are the ones it runs.
        Assert.Equal(IdleMemoryTrim.TrimScope.Heaps, policy.Next(3 * Quiet, After + IdleMemoryTrim.RegrowthBytes));
        policy.Trimmed(After + 1);
        Assert.Equal(None, policy.Next(4 * Quiet, After + IdleMemoryTrim.RegrowthBytes));
    }

    [Fact]
    public void The_start_must_count_as_a_busy_spell()
    {
        var policy = new IdleMemoryTrim.TrimPolicy(IdleMemoryTrim.QuietBytes, IdleMemoryTrim.RegrowthBytes);

        Assert.Equal(None, policy.Next(5, 0));
        Assert.Equal(All, policy.Next(5, 0));
    }

    [Fact]
    public async Task A_master_must_trim_after_its_start_once_it_is_quiet()
    {
        var time = new FakeTimeProvider();
        // The running total of allocated bytes the master reads on its ticks: a baseline, a busy start, then quiet.
        long[] totals = [0, 10 * Busy, 20 * Busy, 30 * Busy, 30 * Busy];
        var reads = 0;
        using var read = new SemaphoreSlim(0);
        var trims = 0;
        var trimmed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var trim = new IdleMemoryTrim(time, () =>
        {
            var total = totals[Math.Min(reads++, totals.Length - 1)];
            read.Release();
            return total;
        }, () => 150L << 20, _ =>
        {
            Interlocked.Increment(ref trims);
            trimmed.TrySetResult();
            return new IdleMemoryTrim.Trimmed(200 << 20, 150 << 20);
        }, NullLogger<IdleMemoryTrim>.Instance);
        await trim.StartAsync(CancellationToken.None);

        // One tick at a time, each read before the next: the timer never merges two ticks into one.
        for (var tick = 0; tick < totals.Length - 1; tick++)
        {
            time.Advance(IdleMemoryTrim.Interval);
            Assert.True(await read.WaitAsync(TimeSpan.FromSeconds(10)), $"tick {tick} was not read");
        }

        Assert.Equal(0, Volatile.Read(ref trims));
        time.Advance(IdleMemoryTrim.Interval);
        await trimmed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await trim.StopAsync(CancellationToken.None);
        Assert.Equal(1, trims);
    }

    [Fact]
    public void Paging_out_must_take_the_pages_of_the_mapped_assemblies_out_of_the_process()
    {
        var before = MappedFileKiB();

        var advised = IdleMemoryTrim.PageOutMappedImages();

        var after = MappedFileKiB();
        Assert.True(advised > 0, "no assembly or library mapping was found in /proc/self/maps");
        // The test host's own assemblies are mapped by no other process: their pages leave it.
        Assert.True(after < before, $"RssFile {before} KiB before, {after} KiB after");
    }

    private static long MappedFileKiB()
    {
        var line = File.ReadLines("/proc/self/status").Single(l => l.StartsWith("RssFile:", StringComparison.Ordinal));
        return long.Parse(line["RssFile:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
