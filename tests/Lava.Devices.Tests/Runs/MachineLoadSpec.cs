using Lava.Devices.Runs;
using Xunit;

namespace Lava.Devices.Tests.Runs;

/// <summary>The machine's CPU load the worker looks at before it starts a spare runner.</summary>
public sealed class MachineLoadSpec : IDisposable
{
    private readonly string _stat = Path.GetTempFileName();

    [Fact]
    public void The_busy_share_must_be_the_non_idle_ticks_between_two_readings()
    {
        var load = new MachineLoad(_stat);
        Write(user: 100, system: 50, idle: 800, iowait: 50);
        Assert.Null(load.BusySinceLastRead());

        // 300 ticks more, 75 of them busy (user 60, system 15), 225 idle (idle 200, iowait 25).
        Write(user: 160, system: 65, idle: 1000, iowait: 75);
        Assert.Equal(0.25, load.BusySinceLastRead()!.Value, precision: 6);
    }

    [Fact]
    public void A_missing_or_unreadable_stat_file_must_give_no_load()
    {
        var missing = new MachineLoad(Path.Combine(_stat + ".d", "stat"));
        Assert.Null(missing.BusySinceLastRead());
        Assert.Null(missing.BusySinceLastRead());

        var garbled = new MachineLoad(_stat);
        File.WriteAllText(_stat, "cpu lots of time\n");
        Assert.Null(garbled.BusySinceLastRead());
        Assert.Null(garbled.BusySinceLastRead());
    }

    [Fact]
    public void This_machines_load_must_be_a_share()
    {
        var load = new MachineLoad();
        load.BusySinceLastRead();
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        double? busy;
        // Ticks move every 10 ms: read again until they did.
        while ((busy = load.BusySinceLastRead()) is null && DateTime.UtcNow < until) Thread.Sleep(20);
        Assert.InRange(busy!.Value, 0, 1);
    }

    public void Dispose() => File.Delete(_stat);

    private void Write(long user, long system, long idle, long iowait) =>
        File.WriteAllText(_stat, $"cpu  {user} 0 {system} {idle} {iowait} 0 0 0 0 0\ncpu0 {user} 0 {system} {idle} {iowait} 0 0 0 0 0\n");
}
