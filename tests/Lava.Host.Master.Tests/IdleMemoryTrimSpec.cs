using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Lava.Host.Master.Tests;

public sealed class IdleMemoryTrimSpec
{
    private const long Busy = IdleMemoryTrim.QuietBytes;
    private const long Quiet = IdleMemoryTrim.QuietBytes - 1;

    [Fact]
    public void A_spell_must_be_trimmed_on_its_first_quiet_interval_and_never_while_busy()
    {
        var policy = new IdleMemoryTrim.TrimPolicy(IdleMemoryTrim.QuietBytes, IdleMemoryTrim.RegrowthBytes);
        long total = 1_000;
        const long Resident = 150L << 20;
        bool Tick(long allocated, long resident = Resident)
        {
            var trim = policy.ShouldTrim(total += allocated, resident);
            if (trim) policy.Trimmed(Resident);
            return trim;
        }

        Assert.False(policy.ShouldTrim(total, Resident)); // the baseline
        Assert.False(Tick(Busy));                          // recovery
        Assert.True(Tick(Quiet));                          // settled: the start's spell ends
        Assert.False(Tick(0));
        Assert.False(Tick(Quiet));
        Assert.False(Tick(Busy, Resident * 2));            // a burst of submissions
        Assert.False(Tick(Busy * 4, Resident * 2));
        Assert.True(Tick(0, Resident * 2));
        Assert.False(Tick(0));
    }

    [Fact]
    public void A_quiet_master_must_trim_again_once_it_has_grown_past_its_last_trim()
    {
        var policy = new IdleMemoryTrim.TrimPolicy(IdleMemoryTrim.QuietBytes, IdleMemoryTrim.RegrowthBytes);
        const long After = 150L << 20;
        Assert.False(policy.ShouldTrim(0, After));
        Assert.True(policy.ShouldTrim(Quiet, After));
        policy.Trimmed(After);

        Assert.False(policy.ShouldTrim(2 * Quiet, After + IdleMemoryTrim.RegrowthBytes - 1));
        Assert.True(policy.ShouldTrim(3 * Quiet, After + IdleMemoryTrim.RegrowthBytes));
        policy.Trimmed(After + 1);
        Assert.False(policy.ShouldTrim(4 * Quiet, After + IdleMemoryTrim.RegrowthBytes));
    }

    [Fact]
    public void The_start_must_count_as_a_busy_spell()
    {
        var policy = new IdleMemoryTrim.TrimPolicy(IdleMemoryTrim.QuietBytes, IdleMemoryTrim.RegrowthBytes);

        Assert.False(policy.ShouldTrim(5, 0));
        Assert.True(policy.ShouldTrim(5, 0));
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
        }, () => 150L << 20, () =>
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
}
