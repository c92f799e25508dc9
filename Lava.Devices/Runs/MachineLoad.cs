using System.Globalization;

namespace Lava.Devices.Runs;

/// <summary>
/// How busy the machine's CPUs were between two readings of <c>/proc/stat</c> (all CPUs together): 0 idle, 1 every
/// core busy. Null where there is no <c>/proc/stat</c>, or on the first reading.
/// </summary>
public sealed class MachineLoad(string statPath = "/proc/stat")
{
    private (long Idle, long Total)? _last;

    /// <summary>The busy share of the CPU time since the previous call; null on the first call or without the file.</summary>
    public double? BusySinceLastRead()
    {
        var now = Read();
        var last = _last;
        _last = now;
        if (now is not { } current || last is not { } previous || current.Total <= previous.Total) return null;
        return 1 - (current.Idle - previous.Idle) / (double)(current.Total - previous.Total);
    }

    private (long Idle, long Total)? Read()
    {
        try
        {
            using var reader = new StreamReader(statPath);
            // cpu  user nice system idle iowait irq softirq steal ...: idle and iowait are the idle time.
            var fields = reader.ReadLine()?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields is not ["cpu", _, _, _, _, _, _, _, _, ..]) return null;
            var ticks = fields[1..9].Select(f => long.Parse(f, NumberStyles.None, CultureInfo.InvariantCulture)).ToArray();
            return (ticks[3] + ticks[4], ticks.Sum());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or OverflowException)
        {
            return null;
        }
    }
}
